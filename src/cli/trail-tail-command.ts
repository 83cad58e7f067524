// `palisade trail tail`: follows the event history of the caller's account as calls happen — LookupEvents through the
// AWS SDK against the endpoint, polled — filtered by user, event name or failures: the first thing to run to see why
// a call was denied.
import { CloudTrailClient, LookupEventsCommand, type LookupAttribute } from '@aws-sdk/client-cloudtrail'
import { readFlags, UsageError } from './flags.js'

type Env = Readonly<Record<string, string | undefined>>

export interface TrailTailIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** Stops following (SIGINT). */
  readonly signal: AbortSignal
  readonly now: () => Date
}

export const trailTailHelp = `Usage: palisade trail tail [--endpoint-url URL] [--region REGION] [--user NAME] [--event-name NAME]
                          [--errors-only] [--since DURATION] [--interval SECONDS] [--json] [--once]

Prints the account's CloudTrail events as they are recorded, oldest first, then keeps following until interrupted.
It calls LookupEvents with the AWS SDK, so it needs cloudtrail:LookupEvents and credentials from the usual places
(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE, …).

  --endpoint-url URL    Palisade's endpoint (default: AWS_ENDPOINT_URL, else http://127.0.0.1:4566)
  --region REGION       the region whose events to follow (default: AWS_REGION, else us-east-1)
  --user NAME           only calls by this user name, role session name, or \`root\`
  --event-name NAME     only this operation (e.g. CreateUser)
  --errors-only         only failed calls (denials included)
  --since DURATION      start this far back: 30s, 10m, 2h, 1d (default: 5m)
  --interval SECONDS    how often to look for new events (default: 2)
  --json                print each event's CloudTrail record as one line of JSON
  --once                print what is there and stop

Each line: TIME SOURCE:EVENT WHO FROM and OK, or the error code and message.
Exit codes: 0 stopped, 1 the endpoint refused (e.g. AccessDenied), 2 usage error.
`

interface TailOptions {
  readonly endpoint: string
  readonly region: string
  readonly user?: string
  readonly eventName?: string
  readonly errorsOnly: boolean
  readonly sinceMs: number
  readonly intervalMs: number
  readonly json: boolean
  readonly once: boolean
}

/** Marks this command's own LookupEvents calls (they are recorded too), so that it does not print them. */
const TAIL_USER_AGENT = 'palisade-trail-tail'

/** Events seen less than this long before the newest are looked up again: a batch may commit one a little late. */
const OVERLAP_MS = 10_000

/** Runs `palisade trail tail <args>`; returns the exit code. */
export async function trailTailCommand(args: readonly string[], env: Env, io: TrailTailIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(trailTailHelp)
    return 0
  }
  let options: TailOptions
  try {
    options = readOptions(args, env)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr(`palisade trail tail: ${error.message}\n\nRun \`palisade trail tail --help\` for usage.\n`)
    return 2
  }
  const client = new CloudTrailClient({ endpoint: options.endpoint, region: options.region, maxAttempts: 2, customUserAgent: TAIL_USER_AGENT })
  // LookupEvents takes one attribute: the event name is asked of the server when both filters are given (it is the
  // rarer), the user checked here.
  const attribute: LookupAttribute | undefined = options.eventName !== undefined
    ? { AttributeKey: 'EventName', AttributeValue: options.eventName }
    : options.user !== undefined ? { AttributeKey: 'Username', AttributeValue: options.user } : undefined
  const seen = new SeenEvents()
  let from = new Date(io.now().getTime() - options.sinceMs)
  try {
    for (;;) {
      const fresh = await newEvents(client, attribute, from, seen)
      for (const record of fresh) {
        if (matches(record, options)) io.stdout(options.json ? JSON.stringify(record) + '\n' : formatLine(record))
      }
      const newest = fresh.reduce((latest, record) => Math.max(latest, Date.parse(String(record.eventTime))), from.getTime())
      from = new Date(Math.max(from.getTime(), newest - OVERLAP_MS))
      seen.forgetBefore(from)
      if (options.once || io.signal.aborted) return 0
      await sleep(options.intervalMs, io.signal)
      if (io.signal.aborted) return 0
    }
  } catch (error) {
    const name = (error as { name?: string }).name ?? 'Error'
    io.stderr(`palisade trail tail: ${name}: ${(error as Error).message}\n`)
    return 1
  } finally {
    client.destroy()
  }
}

type CloudTrailRecord = Record<string, any>

/**
 * The events printed, by id with their time, to print each once. An event older than the polling window's start can
 * never be returned again, so its id is forgotten then: this holds what the window (OVERLAP_MS, or --since at first)
 * holds, however long the command runs.
 */
export class SeenEvents {
  private readonly times = new Map<string, number>()

  get size(): number {
    return this.times.size
  }

  has(eventId: string): boolean {
    return this.times.has(eventId)
  }

  add(eventId: string, eventTime: string): void {
    this.times.set(eventId, Date.parse(eventTime))
  }

  /** Forgets what a lookup from `from` on cannot return: StartTime counts whole seconds, as event times do. */
  forgetBefore(from: Date): void {
    const start = Math.floor(from.getTime() / 1000) * 1000
    for (const [id, time] of this.times) if (!(time >= start)) this.times.delete(id)
  }
}

/** Every event since `from` not printed yet, oldest first (LookupEvents returns newest first, paged). */
async function newEvents(client: CloudTrailClient, attribute: LookupAttribute | undefined, from: Date, seen: SeenEvents): Promise<CloudTrailRecord[]> {
  const out: CloudTrailRecord[] = []
  let token: string | undefined
  do {
    const page = await client.send(new LookupEventsCommand({ LookupAttributes: attribute ? [attribute] : undefined, StartTime: from, NextToken: token, MaxResults: 50 }))
    for (const event of page.Events ?? []) {
      if (!event.EventId || seen.has(event.EventId) || !event.CloudTrailEvent) continue
      const record = JSON.parse(event.CloudTrailEvent) as CloudTrailRecord
      seen.add(event.EventId, String(record.eventTime))
      out.push(record)
    }
    token = page.NextToken
  } while (token)
  return out.reverse()
}

function matches(record: CloudTrailRecord, options: TailOptions): boolean {
  if (record.eventName === 'LookupEvents' && String(record.userAgent ?? '').includes(TAIL_USER_AGENT)) return false
  if (options.errorsOnly && record.errorCode === undefined) return false
  if (options.user !== undefined && who(record) !== options.user && record.userIdentity?.userName !== options.user) return false
  return true
}

/** `2026-05-01T10:00:00Z iam:CreateUser alice 192.0.2.1 AccessDenied: User: … is not authorized …` */
function formatLine(record: CloudTrailRecord): string {
  const source = String(record.eventSource ?? '').replace(/\.amazonaws\.com$/, '')
  const outcome = record.errorCode === undefined ? 'OK' : `${record.errorCode}: ${record.errorMessage ?? ''}`
  return `${record.eventTime} ${source}:${record.eventName} ${who(record)} ${record.sourceIPAddress ?? '-'} ${outcome}\n`
}

/** The caller as a person reads it: the user or session name, `root`, the calling account. */
function who(record: CloudTrailRecord): string {
  const identity = record.userIdentity ?? {}
  if (identity.type === 'Root') return 'root'
  if (identity.userName) return String(identity.userName)
  if (typeof identity.arn === 'string') return identity.arn.slice(identity.arn.lastIndexOf('/') + 1)
  return identity.accountId ? `account:${identity.accountId}` : String(identity.type ?? '-')
}

function readOptions(args: readonly string[], env: Env): TailOptions {
  const { values, switches: flags } = readFlags(args, {
    valued: ['endpoint-url', 'region', 'user', 'event-name', 'since', 'interval'], switches: ['errors-only', 'json', 'once'],
  })
  const interval = Number(values.get('interval') ?? '2')
  if (!Number.isFinite(interval) || interval <= 0 || interval > 3600) throw new UsageError('`--interval` must be a number of seconds between 0 and 3600')
  return {
    endpoint: values.get('endpoint-url') ?? env['AWS_ENDPOINT_URL'] ?? 'http://127.0.0.1:4566',
    region: values.get('region') ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1',
    user: values.get('user'),
    eventName: values.get('event-name'),
    errorsOnly: flags.has('errors-only'),
    sinceMs: duration(values.get('since') ?? '5m'),
    intervalMs: interval * 1000,
    json: flags.has('json'),
    once: flags.has('once'),
  }
}

/** `30s`, `10m`, `2h`, `1d` in milliseconds; event history keeps 90 days. */
function duration(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text)
  if (!match) throw new UsageError(`\`--since\` takes a duration such as 30s, 10m, 2h or 1d, not \`${text}\``)
  const ms = Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd']
  if (ms > 90 * 86_400_000) throw new UsageError('`--since` reaches back 90 days at most (event history keeps 90 days)')
  return ms
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}
