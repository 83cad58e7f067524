// S3's errors with the messages and extra elements AWS sends
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
import { AwsError } from '../../core/aws-error.js'
import { NoSuchBucket, NoSuchKey, NoSuchUpload } from '../../generated/s3/errors.js'
import { MalformedXmlError } from '../../protocol/rest-xml/s3-request-errors.js'

export function noSuchBucket(bucket: string): AwsError {
  return new NoSuchBucket('The specified bucket does not exist', { BucketName: bucket })
}

export function noSuchKey(key: string): AwsError {
  return new NoSuchKey('The specified key does not exist.', { Key: key })
}

export function noSuchVersion(key: string, versionId: string): AwsError {
  return new AwsError('NoSuchVersion', 404, 'The specified version does not exist.', { fields: { Key: key, VersionId: versionId } })
}

export function noSuchUpload(uploadId: string): AwsError {
  return new NoSuchUpload('The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId })
}

export function invalidArgument(message: string, name: string, value?: string): AwsError {
  return new AwsError('InvalidArgument', 400, message, { fields: value === undefined ? { ArgumentName: name } : { ArgumentName: name, ArgumentValue: value } })
}

/** The codec's MalformedXML, for a body that parses but breaks the schema's bounds (an empty or over-long list). */
export function malformedXml(): AwsError {
  return new MalformedXmlError()
}

export function invalidRequest(message: string): AwsError {
  return new AwsError('InvalidRequest', 400, message)
}

export function invalidBucketName(bucket: string): AwsError {
  return new AwsError('InvalidBucketName', 400, 'The specified bucket is not valid.', { fields: { BucketName: bucket } })
}

export function badDigest(message = 'The Content-MD5 you specified did not match what we received.'): AwsError {
  return new AwsError('BadDigest', 400, message)
}

export function invalidDigest(message = 'The Content-MD5 you specified is not valid.'): AwsError {
  return new AwsError('InvalidDigest', 400, message)
}

export function entityTooLarge(size: number, max: number): AwsError {
  return new AwsError('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size', { fields: { ProposedSize: size, MaxSizeAllowed: max } })
}

/** `part`: CompleteMultipartUpload names the part that is too small. */
export function entityTooSmall(size: number, min: number, part: { readonly PartNumber: number; readonly ETag: string } | undefined = undefined): AwsError {
  return new AwsError('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed object size.', { fields: { ProposedSize: size, MinSizeAllowed: min, ...part } })
}

export function preconditionFailed(condition: string): AwsError {
  return new AwsError('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', { fields: { Condition: condition } })
}

/** 304 has no body; the codec sends the headers only. */
export function notModified(headers: Readonly<Record<string, string>> = {}): AwsError {
  return new AwsError('NotModified', 304, 'Not Modified', { headers })
}

export function invalidRange(size: number, range: string): AwsError {
  return new AwsError('InvalidRange', 416, 'The requested range is not satisfiable', { fields: { RangeRequested: range, ActualObjectSize: size } })
}

export function methodNotAllowed(method: string, resourceType: string, headers: Readonly<Record<string, string>> = {}): AwsError {
  return new AwsError('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', { fields: { Method: method, ResourceType: resourceType }, headers })
}
