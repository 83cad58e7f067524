// The digests S3 checks on a body it reads whole (PutBucketPolicy, DeleteObjects, …): Content-MD5 and the
// x-amz-checksum-* headers. Object uploads are streamed and checked by the S3 service as they are stored.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
import { createHash } from 'node:crypto'
import { AwsError } from '../../core/aws-error.js'
import { CHECKSUM_BYTES, CHECKSUM_HEADERS, checksumBase64, type ChecksumAlgorithm } from '../../core/checksums.js'
import type { HttpRequest } from '../../core/http.js'

/**
 * `required`: the operation's model says httpChecksumRequired (DeleteObjects, PutBucketPolicy, PutObjectAcl, …); S3
 * refuses such a request that carries neither Content-MD5 nor an x-amz-checksum-* value (header or aws-chunked
 * trailer) with InvalidRequest (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html).
 */
export function checkS3BodyDigests(request: HttpRequest, required = false): void {
  const md5 = request.headers['content-md5']
  const given = (Object.entries(CHECKSUM_HEADERS) as [ChecksumAlgorithm, string][]).filter(([, header]) => request.headers[header] !== undefined)
  if (required && md5 === undefined && request.headers['x-amz-trailer'] === undefined && given.length === 0) {
    throw new AwsError('InvalidRequest', 400, 'Missing required header for this request: Content-MD5')
  }
  // As for a streamed upload (services/s3/object-body.ts expectedDigests): one checksum header at most, and every
  // digest of its algorithm's size, all checked before the body is hashed.
  if (given.length > 1) throw new AwsError('InvalidRequest', 400, 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.')
  const expectedMd5 = md5 === undefined ? undefined : Buffer.from(md5, 'base64')
  if (expectedMd5 !== undefined && expectedMd5.length !== 16) throw new AwsError('InvalidDigest', 400, 'The Content-MD5 you specified is not valid.')
  const [algorithm, header] = given[0] ?? []
  const value = header === undefined ? undefined : request.headers[header]!
  if (algorithm !== undefined && value !== undefined && Buffer.from(value, 'base64').length !== CHECKSUM_BYTES[algorithm]) {
    throw new AwsError('InvalidRequest', 400, `Value for ${header} header is invalid.`)
  }
  if (expectedMd5 !== undefined && !createHash('md5').update(request.body).digest().equals(expectedMd5)) {
    throw new AwsError('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.')
  }
  if (algorithm !== undefined && value !== undefined && checksumBase64(algorithm, request.body) !== value) {
    throw new AwsError('BadDigest', 400, `The ${algorithm} you specified did not match the calculated checksum.`)
  }
}
