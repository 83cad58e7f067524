// The naming rules for new general purpose buckets
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-']
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']

/** Whether `name` may be given to a new bucket. */
export function isValidNewBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return false
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return false // formatted as an IP address
  if (RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix))) return false
  return !RESERVED_SUFFIXES.some((suffix) => name.endsWith(suffix))
}
