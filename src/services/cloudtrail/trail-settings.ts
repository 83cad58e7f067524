// The settings CreateTrail and UpdateTrail share, checked the way CloudTrail checks them: bucket name and prefix,
// KMS key, CloudWatch Logs pair, multi-region/global events, organization trail, and the bucket accepting CloudTrail's
// writes (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html).
import type { OperationContext } from '../../core/operation.js'
import {
  CloudTrailAccessNotEnabledException, InsufficientEncryptionPolicyException, InsufficientS3BucketPolicyException, InvalidCloudWatchLogsLogGroupArnException, InvalidCloudWatchLogsRoleArnException,
  InvalidParameterCombinationException, InvalidS3BucketNameException, InvalidS3PrefixException, KmsKeyDisabledException,
  KmsKeyNotFoundException, NotOrganizationMasterAccountException, OrganizationsNotInUseException, S3BucketDoesNotExistException,
} from '../../generated/cloudtrail/errors.js'
import type { TrailDeps } from './trail-deps.js'
import { keyPolicyAllowsCloudTrail } from './trail-kms.js'

const MAX_PREFIX_LENGTH = 200

/** S3's bucket naming rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
export function checkBucketName(bucket: string): void {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || /\.\.|\.-|-\./.test(bucket) || /^\d{1,3}(\.\d{1,3}){3}$/.test(bucket)) {
    throw new InvalidS3BucketNameException(`Bucket name ${bucket} is not valid.`)
  }
}

export function checkPrefix(prefix: string | undefined): void {
  if (prefix !== undefined && prefix.length > MAX_PREFIX_LENGTH) {
    throw new InvalidS3PrefixException(`S3 key prefix is too long. Maximum allowed length: ${MAX_PREFIX_LENGTH} characters.`)
  }
}

/** A multi-region trail must record global service events. */
export function checkGlobalEvents(isMultiRegionTrail: boolean, includeGlobalServiceEvents: boolean): void {
  if (isMultiRegionTrail && !includeGlobalServiceEvents) {
    throw new InvalidParameterCombinationException('Multi-Region trail must include global service events.')
  }
}

export function checkCloudWatchLogs(logGroupArn: string | undefined, roleArn: string | undefined): void {
  if (logGroupArn !== undefined && roleArn === undefined) throw new InvalidCloudWatchLogsRoleArnException('You must specify a role ARN with a log group ARN.')
  if (roleArn !== undefined && logGroupArn === undefined) throw new InvalidCloudWatchLogsLogGroupArnException('You must specify a log group ARN with a role ARN.')
  if (logGroupArn !== undefined && !/^arn:[^:]+:logs:[a-z0-9-]+:\d{12}:log-group:[^:]+(:\*)?$/.test(logGroupArn)) {
    throw new InvalidCloudWatchLogsLogGroupArnException(`Invalid CloudWatch Logs log group ARN: ${logGroupArn}`)
  }
  if (roleArn !== undefined && !/^arn:[^:]+:iam::\d{12}:role\/.+$/.test(roleArn)) {
    throw new InvalidCloudWatchLogsRoleArnException(`Invalid CloudWatch Logs role ARN: ${roleArn}`)
  }
}

/**
 * The key's ARN, stored and returned as KmsKeyId (an empty KmsKeyId in UpdateTrail removes encryption); its key policy
 * must let CloudTrail encrypt `trailArn`'s files.
 */
export function resolveKmsKey(deps: Pick<TrailDeps, 'kmsKeys'>, keyId: string, trailArn: string, ctx: OperationContext): string {
  const key = deps.kmsKeys?.resolve(keyId, ctx.accountId)
  if (!key) throw new KmsKeyNotFoundException(`KMS key not found: ${keyId}`)
  if (!key.usable) throw new KmsKeyDisabledException(`KMS key ${key.arn} is disabled or cannot encrypt data keys.`)
  if (!keyPolicyAllowsCloudTrail(deps.kmsKeys!, key.arn, trailArn, ctx.accountId, ctx.region)) {
    throw new InsufficientEncryptionPolicyException(`Insufficient permissions to access S3 bucket or KMS key ${key.arn}.`)
  }
  return key.arn
}

/**
 * An organization trail is created by the organization's management account, once the organization trusts CloudTrail
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html); the result is the
 * organization's id.
 */
export async function requireOrganizationManagement(deps: Pick<TrailDeps, 'organizations'>, ctx: OperationContext): Promise<string> {
  const membership = deps.organizations?.membership(ctx.accountId)
  if (!membership) throw new OrganizationsNotInUseException('This account is not a member of an organization.')
  if (membership.managementAccountId !== ctx.accountId) {
    throw new NotOrganizationMasterAccountException(`The account ${ctx.accountId} is not the management account of organization ${membership.organizationId}.`)
  }
  if (deps.organizations?.trustsCloudTrail && !(await deps.organizations.trustsCloudTrail(ctx.accountId))) {
    throw new CloudTrailAccessNotEnabledException('Trusted access has not been enabled between CloudTrail and AWS Organizations. Enable trusted access, then try again.')
  }
  return membership.organizationId
}

/** The bucket must exist and its policy must let cloudtrail.amazonaws.com write this trail's files. */
export async function checkBucketAccepts(deps: Pick<TrailDeps, 'sink'>, bucket: string, trailArn: string, accountId: string, keyPrefix: string | undefined): Promise<void> {
  const refusal = await deps.sink.refusal(bucket, trailArn, accountId, keyPrefix)
  if (refusal === 'NoSuchBucket') throw new S3BucketDoesNotExistException(`S3 bucket ${bucket} does not exist.`)
  if (refusal === 'AccessDenied') throw new InsufficientS3BucketPolicyException(`Incorrect S3 bucket policy is detected for bucket: ${bucket}`)
}
