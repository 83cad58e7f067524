// The aws-chunked example of the S3 documentation: PUT of 66560 bytes of 'a' in a 65536-byte chunk, a 1024-byte
// chunk and the final empty chunk, with the seed and chunk signatures the documentation lists.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
import type { HttpRequest } from '../../../src/core/http.js'

const chunk = (size: number, signature: string, data: string) => `${size.toString(16)};chunk-signature=${signature}\r\n${data}\r\n`

export const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
export const EXAMPLE_NOW = new Date('2013-05-24T00:00:00Z')

export const EXAMPLE_BODY = Buffer.from(
  chunk(65536, 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648', 'a'.repeat(65536)) +
    chunk(1024, '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497', 'a'.repeat(1024)) +
    chunk(0, 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9', ''),
)

export const EXAMPLE_HEADERS: Readonly<Record<string, string>> = {
  host: 's3.amazonaws.com',
  'x-amz-date': '20130524T000000Z',
  'x-amz-storage-class': 'REDUCED_REDUNDANCY',
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
  'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'content-encoding': 'aws-chunked',
  'x-amz-decoded-content-length': '66560',
  'content-length': '66824',
}

/** The example request with its whole body read. */
export const EXAMPLE_REQUEST: HttpRequest = {
  method: 'PUT',
  path: '/examplebucket/chunkObject.txt',
  query: '',
  headers: EXAMPLE_HEADERS,
  body: EXAMPLE_BODY,
  remoteAddress: '127.0.0.1',
  secure: true,
}
