// `palisade trail validate`: the equivalent of `aws cloudtrail validate-logs` — reads a trail's digest and log files
// through S3 with the AWS SDK against the endpoint, checks signatures (public keys from ListPublicKeys), the digest
// chain and every log file's SHA-256, and reports valid, modified, deleted and missing files
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-cli.html).
import { CloudTrailClient, GetTrailCommand, ListPublicKeysCommand } from '@aws-sdk/client-cloudtrail'
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, S3Client } from '@aws-sdk/client-s3'
import { validateLogs, type LogBucketReader, type ValidationReport } from '../services/cloudtrail/index.js'
import { readFlags, UsageError } from './flags.js'

type Env = Readonly<Record<string, string | undefined>>

export interface TrailValidateIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly now: () => Date
}

export const trailValidateHelp = `Usage: palisade trail validate --trail-arn ARN --start-time TIME [--end-time TIME] [--verbose]
                              [--endpoint-url URL] [--region REGION]

Validates the log files a trail delivered between --start-time and --end-time (default: now), like
\`aws cloudtrail validate-logs\`: each digest file's signature (with the keys ListPublicKeys returns), the chain of
digests, and each log file against the SHA-256 its digest recorded. It uses the AWS SDK with credentials from the
usual places (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE, …) and needs
cloudtrail:GetTrail, cloudtrail:ListPublicKeys, s3:ListBucket and s3:GetObject on the trail's bucket.

  --trail-arn ARN       the trail (arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME)
  --start-time TIME     ISO 8601 time (2026-11-22T10:00:00Z) or a date (2026-11-22)
  --end-time TIME       default: now
  --verbose             list every file, valid ones too (default: only invalid ones and the totals)
  --endpoint-url URL    Palisade's endpoint (default: AWS_ENDPOINT_URL, else http://127.0.0.1:4566)
  --region REGION       default: the trail ARN's region

Exit codes: 0 every file valid, 1 some file invalid or missing (or the endpoint refused), 2 usage error.
`

interface ValidateOptions {
  readonly trailArn: string
  readonly region: string
  readonly trailName: string
  readonly accountId: string
  readonly start: Date
  readonly end: Date
  readonly verbose: boolean
  readonly endpoint: string
}

/** Runs `palisade trail validate <args>`; returns the exit code. */
export async function trailValidateCommand(args: readonly string[], env: Env, io: TrailValidateIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(trailValidateHelp)
    return 0
  }
  let options: ValidateOptions
  try {
    options = readOptions(args, env, io.now())
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr(`palisade trail validate: ${error.message}\n\nRun \`palisade trail validate --help\` for usage.\n`)
    return 2
  }
  const credentials = credentialsFrom(env)
  const client = { endpoint: options.endpoint, region: options.region, maxAttempts: 2, ...(credentials && { credentials }) }
  const cloudtrail = new CloudTrailClient(client)
  const s3 = new S3Client({ ...client, forcePathStyle: true })
  try {
    const { Trail: trail } = await cloudtrail.send(new GetTrailCommand({ Name: options.trailArn }))
    const { PublicKeyList } = await cloudtrail.send(new ListPublicKeysCommand({ StartTime: options.start, EndTime: options.end }))
    const bucket = trail!.S3BucketName!
    const reader = s3Reader(s3)
    const prefix = trail!.S3KeyPrefix
    const accountFolders = trail!.IsOrganizationTrail
      ? await organizationFolders(reader, bucket, prefix)
      : [`AWSLogs/${options.accountId}`]
    io.stdout(`Validating log files for trail ${options.trailArn} between ${stamp(options.start)} and ${stamp(options.end)}\n\n`)
    const report = await validateLogs(reader, {
      bucket, ...(prefix && { prefix }), accountFolders, trailName: options.trailName, homeRegion: trail!.HomeRegion ?? options.region,
      start: options.start, end: options.end,
      publicKeys: new Map((PublicKeyList ?? []).map((key) => [key.Fingerprint!, key.Value!])),
    })
    io.stdout(formatReport(report, bucket, options))
    const invalid = report.digests.some((digest) => digest.status !== 'valid') || report.logFiles.some((file) => file.status !== 'valid') || report.chainBreaks.length > 0
    return invalid ? 1 : 0
  } catch (error) {
    const failed = error as { name?: string; message?: string }
    io.stderr(`palisade trail validate: ${failed.name ?? 'Error'}: ${failed.message ?? String(error)}\n`)
    return 1
  } finally {
    cloudtrail.destroy()
    s3.destroy()
  }
}

const DIGEST_WORDS: Readonly<Record<string, string>> = {
  'not found': 'INVALID: not found',
  modified: "INVALID: hash value doesn't match",
  moved: 'INVALID: has been moved from its original location',
  'signature invalid': 'INVALID: signature verification failed',
  'signature missing': 'INVALID: signature not found',
  'public key not found': 'INVALID: public key not found',
  unreadable: 'INVALID: not a readable digest file',
}
const LOG_WORDS: Readonly<Record<string, string>> = {
  'not found': 'INVALID: not found',
  modified: "INVALID: hash value doesn't match",
  'not in any digest': 'INVALID: not listed in any digest file',
}

export function formatReport(report: ValidationReport, bucket: string, options: Pick<ValidateOptions, 'verbose' | 'start' | 'end'>): string {
  const lines: string[] = []
  for (const digest of report.digests) {
    if (options.verbose || digest.status !== 'valid') lines.push(`Digest file\ts3://${bucket}/${digest.key}\t${DIGEST_WORDS[digest.status] ?? 'valid'}`)
  }
  for (const file of report.logFiles) {
    if (options.verbose || file.status !== 'valid') lines.push(`Log file\ts3://${bucket}/${file.key}\t${LOG_WORDS[file.status] ?? 'valid'}`)
  }
  for (const gap of report.chainBreaks) lines.push(`Digest chain broken: ${gap}`)
  const count = (list: readonly { status: string }[], noun: string) => {
    const valid = list.filter((entry) => entry.status === 'valid').length
    const invalid = list.length - valid
    return `${valid}/${list.length} ${noun} valid${invalid > 0 ? `, ${invalid}/${list.length} ${noun} INVALID` : ''}`
  }
  return [
    ...lines, ...(lines.length > 0 ? [''] : []),
    `Results requested for ${stamp(options.start)} to ${stamp(options.end)}`,
    report.digests.length === 0 ? 'No digest files were found for this period.' : `${count(report.digests, 'digest files')}`,
    report.logFiles.length === 0 ? 'No log files were delivered during this period.' : `${count(report.logFiles, 'log files')}`,
    ...(report.chainBreaks.length > 0 ? [`${report.chainBreaks.length} break(s) in the digest chain`] : []),
    '',
  ].join('\n')
}

function s3Reader(s3: S3Client): LogBucketReader {
  return {
    async list(bucket, prefix) {
      const keys: string[] = []
      let token: string | undefined
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token && { ContinuationToken: token }) }))
        keys.push(...(page.Contents ?? []).map((object) => object.Key!))
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token)
      return keys
    },
    async get(bucket, key) {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
        return { body: await object.Body!.transformToByteArray(), metadata: object.Metadata ?? {} }
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined
        throw error
      }
    },
  }
}

/** An organization trail's account folders: AWSLogs/O-ID/ACCOUNT for every account that has files. */
async function organizationFolders(reader: LogBucketReader, bucket: string, prefix: string | undefined): Promise<string[]> {
  const base = prefix ? `${prefix}/` : ''
  const folders = new Set<string>()
  for (const key of await reader.list(bucket, `${base}AWSLogs/o-`)) {
    const match = /AWSLogs\/(o-[a-z0-9]+)\/(\d{12})\//.exec(key)
    if (match) folders.add(`AWSLogs/${match[1]}/${match[2]}`)
  }
  return [...folders].sort()
}

function readOptions(args: readonly string[], env: Env, now: Date): ValidateOptions {
  const { values, switches } = readFlags(args, { valued: ['trail-arn', 'start-time', 'end-time', 'endpoint-url', 'region'], switches: ['verbose'] })
  const verbose = switches.has('verbose')
  const trailArn = values.get('trail-arn')
  if (trailArn === undefined) throw new UsageError('`--trail-arn` is required')
  const arn = /^arn:[^:]+:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/.exec(trailArn)
  if (!arn) throw new UsageError(`\`${trailArn}\` is not a trail ARN (arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME)`)
  const startText = values.get('start-time')
  if (startText === undefined) throw new UsageError('`--start-time` is required')
  const start = time(startText, 'start-time')
  const end = values.has('end-time') ? time(values.get('end-time')!, 'end-time') : now
  if (start > end) throw new UsageError('`--start-time` must be before `--end-time`')
  return {
    trailArn, region: values.get('region') ?? arn[1]!, accountId: arn[2]!, trailName: arn[3]!, start, end, verbose,
    endpoint: values.get('endpoint-url') ?? env['AWS_ENDPOINT_URL'] ?? 'http://127.0.0.1:4566',
  }
}

function time(text: string, flag: string): Date {
  const date = new Date(text)
  if (Number.isNaN(date.getTime())) throw new UsageError(`\`--${flag}\` takes an ISO 8601 time such as 2026-11-22T10:00:00Z, not \`${text}\``)
  return date
}

/** Credentials named in `env` (so the command can run with another environment than the process's), else the SDK's chain. */
function credentialsFrom(env: Env): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined {
  const accessKeyId = env['AWS_ACCESS_KEY_ID']
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY']
  if (!accessKeyId || !secretAccessKey) return undefined
  const sessionToken = env['AWS_SESSION_TOKEN']
  return { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) }
}

function stamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
