// Virtual-hosted-style S3 addressing: the bucket named by the Host header, and the same request made path-style
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html).
import type { HttpRequest } from '../../core/http.js'

/**
 * The bucket a virtual-hosted Host header names: `bucket.s3.<anything>` (also the legacy `bucket.s3-<region>.…`
 * and `bucket.s3-accelerate.…` forms) or `bucket.localhost`, port ignored. Bucket names may contain dots, so the
 * last `s3` label ends the bucket name. Undefined for path-style hosts: IP addresses, `localhost`,
 * `s3.<anything>`, or any other name.
 */
export function bucketFromHost(host: string | undefined): string | undefined {
  if (!host) return undefined
  const name = stripPort(host.trim().toLowerCase())
  if (name.startsWith('[') || /^\d+(\.\d+){3}$/.test(name)) return undefined
  const labels = name.split('.')
  for (let i = labels.length - 1; i >= 1; i--) {
    const label = labels[i]!
    if (label === 's3' || label.startsWith('s3-')) return nonEmpty(labels.slice(0, i).join('.'))
  }
  // `s3.localhost` is the service endpoint itself, as `s3.amazonaws.com` is.
  if (labels.length >= 2 && labels.at(-1) === 'localhost' && name !== 's3.localhost') return nonEmpty(labels.slice(0, -1).join('.'))
  return undefined
}

/**
 * The request as a path-style client would have sent it: `/{bucket}` in front of the path. The result is
 * marked, so that the codec never prefixes the bucket a second time from the same Host header; the mark is a
 * symbol-keyed property, so a copy made with a new body (`{ ...request, body }`) keeps it.
 */
export function toPathStyleRequest(request: HttpRequest, bucket: string): HttpRequest {
  const path = request.path.startsWith('/') ? request.path : `/${request.path}`
  return { ...request, path: `/${encodeURIComponent(bucket)}${path === '/' ? '' : path}`, [PATH_STYLE]: true } as HttpRequest
}

/** Whether `request` came from toPathStyleRequest (or is a copy of one). */
export function isPathStyleRewrite(request: HttpRequest): boolean {
  return (request as HttpRequest & { [PATH_STYLE]?: true })[PATH_STYLE] === true
}

const PATH_STYLE = Symbol('path-style rewrite')

function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1)
  const colon = host.lastIndexOf(':')
  return colon === -1 ? host : host.slice(0, colon)
}

function nonEmpty(bucket: string): string | undefined {
  return bucket === '' ? undefined : bucket
}
