// Log-file integrity validation, as `aws cloudtrail validate-logs` does it: walk each digest chain from the newest
// digest back through previousDigest* pointers, check every digest's signature with the region's public key, its
// hash and signature against what its successor recorded, then every log file it lists against its SHA-256
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-custom-validation.html).
import { gunzipSync } from 'node:zlib'
import { digestSignatureValid, sha256Hex, type DigestFile } from './digest.js'

/** Reads the trail's bucket (the CLI: S3 through the SDK; tests: a map). */
export interface LogBucketReader {
  /** Every key under `prefix`. */
  list(bucket: string, prefix: string): Promise<string[]>
  /** The object's bytes and user metadata, or undefined when it does not exist. */
  get(bucket: string, key: string): Promise<{ body: Uint8Array; metadata: Readonly<Record<string, string>> } | undefined>
}

export interface ValidationRequest {
  readonly bucket: string
  readonly prefix?: string
  /** Folders holding `CloudTrail/` and `CloudTrail-Digest/` (AWSLogs/ACCOUNT, or AWSLogs/O-ID/ACCOUNT per member). */
  readonly accountFolders: readonly string[]
  readonly trailName: string
  readonly homeRegion: string
  readonly start: Date
  readonly end: Date
  /** The public keys ListPublicKeys returned for the period (PKCS#1 DER by MD5 fingerprint). */
  readonly publicKeys: ReadonlyMap<string, Uint8Array>
}

export type DigestStatus = 'valid' | 'not found' | 'modified' | 'moved' | 'signature invalid' | 'signature missing' | 'public key not found' | 'unreadable'
export type LogFileStatus = 'valid' | 'not found' | 'modified' | 'not in any digest'

export interface ValidationReport {
  readonly digests: { readonly key: string; readonly status: DigestStatus }[]
  readonly logFiles: { readonly key: string; readonly status: LogFileStatus }[]
  /** Where a chain is broken: a digest its successor does not point to, or a pointer to a digest that is gone. */
  readonly chainBreaks: string[]
}

interface ListedDigest {
  readonly key: string
  readonly end: Date
}

interface ReadDigest {
  readonly digest: DigestFile
  readonly content: string
  readonly signature: string
}

export async function validateLogs(reader: LogBucketReader, request: ValidationRequest): Promise<ValidationReport> {
  const report: ValidationReport = { digests: [], logFiles: [], chainBreaks: [] }
  for (const folder of request.accountFolders) {
    const base = request.prefix ? `${request.prefix}/${folder}` : folder
    const digestKeys = (await reader.list(request.bucket, `${base}/CloudTrail-Digest/`))
      .map((key) => ({ key, end: digestEnd(key, request) }))
      .filter((listed): listed is ListedDigest => listed.end !== undefined)
    for (const region of new Set(digestKeys.map((listed) => regionOf(listed.key)))) {
      const inRegion = digestKeys.filter((listed) => regionOf(listed.key) === region)
      const covered = await validateChain(reader, request, inRegion, report)
      await findUncovered(reader, request, `${base}/CloudTrail/${region}/`, covered, inRegion, report)
    }
  }
  return report
}

/** Walks one region's digests newest first; returns the log files the valid digests list. */
async function validateChain(reader: LogBucketReader, request: ValidationRequest, listed: readonly ListedDigest[], report: ValidationReport): Promise<Set<string>> {
  const inRange = listed.filter((digest) => digest.end >= request.start && digest.end <= request.end).sort((a, b) => b.end.getTime() - a.end.getTime())
  const byKey = new Map(listed.map((digest) => [digest.key, digest]))
  const visited = new Set<string>()
  const covered = new Set<string>()
  let expected: { key: string; hash: string | null; signature: string | null } | undefined
  let index = 0
  while (index < inRange.length || expected) {
    let key: string
    if (expected) {
      key = expected.key
      if (!byKey.has(key)) {
        const end = digestEnd(key, request)
        if (end !== undefined && end >= request.start) {
          report.digests.push({ key, status: 'not found' })
          report.chainBreaks.push(`digest ${key} is referenced by its successor but not found`)
        }
        expected = undefined
        continue
      }
      if (visited.has(key)) { // a pointer back into the chain walked already: digests were moved around
        report.chainBreaks.push(`digest ${key} is referenced twice in the chain`)
        expected = undefined
        continue
      }
      if (byKey.get(key)!.end < request.start) { // the chain goes on before the requested period
        expected = undefined
        continue
      }
    } else {
      while (index < inRange.length && visited.has(inRange[index]!.key)) index++
      if (index >= inRange.length) break
      key = inRange[index]!.key
      if (visited.size > 0) report.chainBreaks.push(`digest ${key} is not referenced by the digest that follows it`)
    }
    visited.add(key)
    const read = await readDigest(reader, request.bucket, key)
    const status = read === undefined ? 'unreadable' : digestStatus(read, request, key)
    const linkBroken = expected !== undefined && read !== undefined &&
      (expected.hash !== sha256Hex(read.content) || expected.signature !== read.signature)
    report.digests.push({ key, status: status === 'valid' && linkBroken ? 'modified' : status })
    if (read !== undefined && status === 'valid' && !linkBroken) {
      for (const file of read.digest.logFiles) {
        covered.add(file.s3Object)
        report.logFiles.push({ key: file.s3Object, status: await logFileStatus(reader, file.s3Bucket, file.s3Object, file.hashValue) })
      }
    }
    const previous = read?.digest.previousDigestS3Object
    expected = previous ? { key: previous, hash: read!.digest.previousDigestHashValue, signature: read!.digest.previousDigestSignature } : undefined
  }
  return covered
}

function digestStatus(read: ReadDigest, request: ValidationRequest, key: string): DigestStatus {
  if (read.digest.digestS3Object !== key || read.digest.digestS3Bucket !== request.bucket) return 'moved'
  if (!read.signature) return 'signature missing'
  const publicKey = request.publicKeys.get(read.digest.digestPublicKeyFingerprint)
  if (!publicKey) return 'public key not found'
  try {
    return digestSignatureValid(read.digest, read.content, read.signature, publicKey) ? 'valid' : 'signature invalid'
  } catch {
    return 'signature invalid'
  }
}

async function readDigest(reader: LogBucketReader, bucket: string, key: string): Promise<ReadDigest | undefined> {
  const object = await reader.get(bucket, key)
  if (!object) return undefined
  try {
    const content = gunzipSync(object.body).toString('utf8')
    const digest: unknown = JSON.parse(content)
    // Replaced by JSON that is not an object (`null`, a number): unreadable, not a crash on its first field.
    if (typeof digest !== 'object' || digest === null || Array.isArray(digest)) return undefined
    return { digest: digest as DigestFile, content, signature: object.metadata['signature'] ?? '' }
  } catch {
    return undefined
  }
}

async function logFileStatus(reader: LogBucketReader, bucket: string, key: string, hash: string): Promise<LogFileStatus> {
  const object = await reader.get(bucket, key)
  if (!object) return 'not found'
  try {
    return sha256Hex(gunzipSync(object.body)) === hash ? 'valid' : 'modified'
  } catch {
    return 'modified'
  }
}

/**
 * Log files in the bucket that no valid digest lists although a later digest should have (delivered before the newest
 * digest's minute): forged, or listed only by a digest that failed validation.
 */
async function findUncovered(reader: LogBucketReader, request: ValidationRequest, folder: string, covered: ReadonlySet<string>, digests: readonly ListedDigest[], report: ValidationReport): Promise<void> {
  const newest = Math.max(...digests.filter((digest) => digest.end <= request.end).map((digest) => digest.end.getTime()))
  if (!Number.isFinite(newest)) return
  const listedNow = new Set(report.logFiles.map((file) => file.key))
  for (const key of await reader.list(request.bucket, folder)) {
    const delivered = logFileTime(key)
    if (!delivered || covered.has(key) || listedNow.has(key)) continue
    if (delivered.getTime() >= request.start.getTime() - 60_000 && delivered.getTime() + 60_000 <= newest) {
      report.logFiles.push({ key, status: 'not in any digest' })
    }
  }
}

/** A digest key's end time, for this trail's digests only. */
function digestEnd(key: string, request: Pick<ValidationRequest, 'trailName' | 'homeRegion'>): Date | undefined {
  const match = /_CloudTrail-Digest_([a-z0-9-]+)_(.+)_([a-z0-9-]+)_(\d{8}T\d{6})Z\.json\.gz$/.exec(key)
  if (!match || match[2] !== request.trailName || match[3] !== request.homeRegion) return undefined
  return compactToDate(match[4]!)
}

function logFileTime(key: string): Date | undefined {
  const match = /_CloudTrail_[a-z0-9-]+_(\d{8}T\d{4})Z_[A-Za-z0-9]+\.json\.gz$/.exec(key)
  return match ? compactToDate(match[1]! + '00') : undefined
}

function regionOf(key: string): string {
  return /\/CloudTrail-Digest\/([^/]+)\//.exec(key)?.[1] ?? ''
}

function compactToDate(stamp: string): Date {
  return new Date(`${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`)
}
