// Whether a trail's KMS key policy lets CloudTrail encrypt the trail's log files: kms:GenerateDataKey for the service
// principal cloudtrail.amazonaws.com, with the trail as aws:SourceArn and kms:EncryptionContext:aws:cloudtrail:arn,
// through S3 (kms:ViaService), checked when a trail is given a key as AWS does
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html). The same
// decision S3's delivery port makes for each file; a key policy changed later shows as a delivery error instead.
import { evaluate, type CompiledPolicy } from '../../policy/index.js'
import type { TrailKmsKeys } from './trail-ports.js'

const CLOUDTRAIL = 'cloudtrail.amazonaws.com'

export function keyPolicyAllowsCloudTrail(kmsKeys: TrailKmsKeys, keyArn: string, trailArn: string, accountId: string, region: string): boolean {
  if (!kmsKeys.authorization) return true
  const target = kmsKeys.authorization(keyArn, 'GenerateDataKey', accountId, `s3.${region}.amazonaws.com`, {})
  const keyAccount = keyArn.split(':')[4] ?? accountId
  const decision = evaluate({
    principal: { type: 'AWSService', arn: CLOUDTRAIL, accountId, userId: CLOUDTRAIL, servicePrincipal: CLOUDTRAIL },
    action: 'kms:GenerateDataKey',
    resource: keyArn,
    resourceAccountId: keyAccount,
    context: { ...target.context, 'aws:SourceArn': trailArn, 'aws:SourceAccount': accountId, 'kms:EncryptionContext:aws:cloudtrail:arn': trailArn },
  }, { resource: (target.resourcePolicies?.policies ?? []) as CompiledPolicy[], resourceMustAllow: true })
  return decision.effect === 'Allow'
}
