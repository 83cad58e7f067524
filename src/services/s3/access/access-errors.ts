// S3's access-control errors that the model leaves unmodelled, with the codes, statuses and texts of
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
import { AwsError } from '../../../core/aws-error.js'

export class MalformedPolicyError extends AwsError {
  constructor(message: string) {
    super('MalformedPolicy', 400, message)
  }
}

export class NoSuchBucketPolicyError extends AwsError {
  constructor() {
    super('NoSuchBucketPolicy', 404, 'The bucket policy does not exist')
  }
}

export class NoSuchPublicAccessBlockConfigurationError extends AwsError {
  constructor() {
    super('NoSuchPublicAccessBlockConfiguration', 404, 'The public access block configuration was not found')
  }
}

export class OwnershipControlsNotFoundError extends AwsError {
  constructor() {
    super('OwnershipControlsNotFoundError', 404, 'The bucket ownership controls were not found')
  }
}

export class ServerSideEncryptionConfigurationNotFoundError extends AwsError {
  constructor() {
    super('ServerSideEncryptionConfigurationNotFoundError', 404, 'The server side encryption configuration was not found')
  }
}

export class AccessControlListNotSupportedError extends AwsError {
  constructor() {
    super('AccessControlListNotSupported', 400, 'The bucket does not allow ACLs')
  }
}

export class MalformedAclError extends AwsError {
  constructor(message = 'The XML you provided was not well-formed or did not validate against our published schema') {
    super('MalformedACLError', 400, message)
  }
}

export class UnresolvableGrantByEmailAddressError extends AwsError {
  constructor() {
    super('UnresolvableGrantByEmailAddress', 400, 'The email address you provided does not match any account on record.')
  }
}

export class S3AccessDeniedError extends AwsError {
  constructor(message = 'Access Denied') {
    super('AccessDenied', 403, message)
  }
}

export class InvalidBucketAclWithObjectOwnershipError extends AwsError {
  constructor() {
    super('InvalidBucketAclWithObjectOwnership', 400, 'Bucket cannot have ACLs set with ObjectOwnership\'s BucketOwnerEnforced setting')
  }
}
