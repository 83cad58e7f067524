// Event history at scale: 10 million management events of one account and region (the worst case: one partition),
// spread over 90 days, written straight into a temporary SQLite database in CloudTrail's stored layout (batches with
// their lookup keys, through the store's own insertBatches), then LookupEvents timed by every lookup attribute,
// frequent and rare values, a time range deep in the past and a second page; then a busy caller's repeated calls, stored
// as the recorder stores them (uniform batches of UNIFORM_RECORDS_PER_BATCH, event ids derived), found by user and by
// EventId. Target: each under 100 ms.
//
//   node --import tsx bench/cloudtrail/lookup.ts [--events 10000000] [--repeat 5]
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fixedClock } from '../../src/core/clock.js'
import type { OperationContext } from '../../src/core/operation.js'
import type { LookupEventsRequest } from '../../src/generated/cloudtrail/types.js'
import type { CloudTrailRecord } from '../../src/services/cloudtrail/event-record.js'
import { derivedEventId } from '../../src/services/cloudtrail/derived-event-id.js'
import { insertBatches, openBatch, RECORDS_PER_BATCH, sealRecords, UNIFORM_RECORDS_PER_BATCH, type SealedBatch } from '../../src/services/cloudtrail/event-store.js'
import { lookupOperations } from '../../src/services/cloudtrail/lookup-events.js'
import { openDatabase } from '../../src/storage/database.js'

const { values: options } = parseArgs({ options: { events: { type: 'string', default: '10000000' }, repeat: { type: 'string', default: '5' } } })
const EVENTS = Number(options.events)
const REPEAT = Number(options.repeat)
const PER_BATCH = RECORDS_PER_BATCH
const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const NOW = new Date('2026-06-01T00:00:00Z')
const SPAN_MS = 89 * 86_400_000
const USERS = 1000

/** Operations with their share of calls, from very common to a handful in 90 days. */
const OPERATIONS: readonly { name: string; source: string; weight: number; readOnly: boolean; resource?: 'user' | 'key' }[] = [
  { name: 'GetCallerIdentity', source: 'sts', weight: 400_000, readOnly: true },
  { name: 'GetUser', source: 'iam', weight: 150_000, readOnly: true, resource: 'user' },
  { name: 'ListUsers', source: 'iam', weight: 100_000, readOnly: true },
  { name: 'Decrypt', source: 'kms', weight: 100_000, readOnly: true, resource: 'key' },
  { name: 'GenerateDataKey', source: 'kms', weight: 50_000, readOnly: true, resource: 'key' },
  { name: 'AssumeRole', source: 'sts', weight: 50_000, readOnly: true },
  { name: 'DescribeKey', source: 'kms', weight: 50_000, readOnly: true, resource: 'key' },
  { name: 'PutUserPolicy', source: 'iam', weight: 10_000, readOnly: false, resource: 'user' },
  { name: 'CreateUser', source: 'iam', weight: 10_000, readOnly: false, resource: 'user' },
  { name: 'ScheduleKeyDeletion', source: 'kms', weight: 100, readOnly: false, resource: 'key' },
  { name: 'DeleteRole', source: 'iam', weight: 10, readOnly: false },
]
const TOTAL_WEIGHT = OPERATIONS.reduce((sum, operation) => sum + operation.weight, 0)

// A deterministic generator (mulberry32), so runs compare.
let seed = 42
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pickOperation = () => {
  let at = random() * TOTAL_WEIGHT
  for (const operation of OPERATIONS) {
    at -= operation.weight
    if (at <= 0) return operation
  }
  return OPERATIONS[0]!
}
// Users by a Zipf-like law: user-0 makes the most calls, user-999 the fewest.
const pickUser = () => Math.min(USERS - 1, Math.floor(Math.exp(random() * Math.log(USERS + 1))) - 1)
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')
const accessKey = (user: number) => `AKIA${hex(user, 16).toUpperCase()}`

let eventCounter = 0
function record(time: Date, batchPrefix: string): CloudTrailRecord {
  const operation = pickOperation()
  const user = pickUser()
  const n = eventCounter++
  const resources = operation.resource === 'user'
    ? [{ ARN: `arn:aws:iam::${ACCOUNT}:user/user-${user}`, accountId: ACCOUNT, type: 'AWS::IAM::User' }]
    : operation.resource === 'key' ? [{ ARN: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${hex(n % 100, 8)}-0000-4000-8000-000000000000`, accountId: ACCOUNT, type: 'AWS::KMS::Key' }] : undefined
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', principalId: `AIDA${hex(user, 17).toUpperCase()}`, arn: `arn:aws:iam::${ACCOUNT}:user/user-${user}`, accountId: ACCOUNT, accessKeyId: accessKey(user), userName: `user-${user}` },
    eventTime: time.toISOString().slice(0, 19) + 'Z',
    eventSource: `${operation.source}.amazonaws.com`,
    eventName: operation.name,
    awsRegion: REGION,
    sourceIPAddress: `10.0.${user % 256}.${n % 256}`,
    userAgent: 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe sid/9c1c2f3a md/prompt#off md/command#' + operation.name.toLowerCase(),
    requestParameters: operation.resource === 'user' ? { userName: `user-${user}` } : operation.resource === 'key' ? { keyId: resources![0]!.ARN } : null,
    responseElements: null,
    requestID: `${hex(n, 8)}-1111-4111-8111-${hex(n, 12)}`,
    eventID: `${batchPrefix}-${hex(n & 0xffff, 4)}-4${hex(n % 4096, 3)}-8${hex(user, 3)}-${hex(n, 12)}`,
    readOnly: operation.readOnly,
    ...(resources && { resources }),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'palisade.example.internal' },
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'palisade-bench-ct-lookup-'))
const file = join(dataDir, 'events.db')
const database = await openDatabase({ url: file })
const samples: { oldEventId?: string; busyEventId?: string; rareUserKey: string } = { rareUserKey: accessKey(USERS - 1) }
const BUSY_BATCHES = 100
const BUSY_IDENTITY = { type: 'IAMUser', principalId: 'AIDABUSYCALLER0000000', arn: `arn:aws:iam::${ACCOUNT}:user/ci`, accountId: ACCOUNT, accessKeyId: 'AKIABUSYCALLER000000', userName: 'ci' }
try {
  console.log(`writing ${EVENTS.toLocaleString('en')} events (${PER_BATCH} per batch) over 90 days …`)
  const writeStart = performance.now()
  const batches = Math.ceil(EVENTS / PER_BATCH)
  const perTransaction = 40
  for (let first = 0; first < batches; first += perTransaction) {
    const group: SealedBatch[] = []
    for (let b = first; b < Math.min(batches, first + perTransaction); b++) {
      const prefix = hex(b, 8)
      const count = Math.min(PER_BATCH, EVENTS - b * PER_BATCH)
      const records = []
      for (let i = 0; i < count; i++) {
        const index = b * PER_BATCH + i
        const time = new Date(NOW.getTime() - SPAN_MS + Math.floor((index / EVENTS) * SPAN_MS))
        const made = record(time, prefix)
        records.push(made)
      }
      if (b === 10) samples.oldEventId = records[5]!.eventID
      group.push(sealRecords({ accountId: ACCOUNT, region: REGION, batchId: `${prefix}-0000-4000-8000-000000000000`, management: true }, records.reverse()))
    }
    await database.transaction((tx) => insertBatches(tx, group))
    if (first % 2000 === 0 && first > 0) {
      const done = first * PER_BATCH
      console.log(`  ${done.toLocaleString('en')} events, ${(done / ((performance.now() - writeStart) / 1000)).toFixed(0)} events/s`)
    }
  }
  // A busy caller (a CI job) repeating GetCallerIdentity for an hour, 30 days ago: uniform batches, as recorded.
  const busyStart = NOW.getTime() - 30 * 86_400_000
  for (let b = 0; b < BUSY_BATCHES; b++) {
    const seed = randomUUID()
    const batch = openBatch({ accountId: ACCOUNT, region: REGION, batchId: `${hex(busyStart + b * 36_000, 12)}-${seed}`, management: true }, seed)
    const time = new Date(busyStart + b * 36_000).toISOString().slice(0, 19) + 'Z'
    batch.add({ ...record(new Date(busyStart), seed.slice(0, 8)), userIdentity: BUSY_IDENTITY, eventName: 'GetCallerIdentity', eventSource: 'sts.amazonaws.com',
      eventTime: time, requestParameters: null, readOnly: true, resources: undefined, eventID: seed.slice(0, 8) + randomUUID().slice(8) })
    for (let i = 1; i < UNIFORM_RECORDS_PER_BATCH; i++) batch.repeat(`${hex(b, 8)}-2222-4222-8222-${hex(i, 12)}`)
    if (b === BUSY_BATCHES / 2) samples.busyEventId = derivedEventId(seed, 1000)
    await database.transaction((tx) => insertBatches(tx, [batch.seal()]))
  }
  const writeSeconds = (performance.now() - writeStart) / 1000
  const size = statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0)
  console.log(`written in ${writeSeconds.toFixed(0)} s, with ${(BUSY_BATCHES * UNIFORM_RECORDS_PER_BATCH).toLocaleString('en')} of a busy caller; database ${(size / 1e9).toFixed(2)} GB`)

  const { LookupEvents } = lookupOperations({ database, clock: fixedClock(NOW) })
  const ctx: OperationContext = {
    caller: { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, userId: ACCOUNT }, accountId: ACCOUNT, region: REGION, partition: 'aws', requestId: 'bench',
  }
  const by = (key: string, value: string): LookupEventsRequest => ({ LookupAttributes: [{ AttributeKey: key as never, AttributeValue: value }] })
  const day = 86_400_000
  const cases: { name: string; input: LookupEventsRequest; secondPage?: boolean }[] = [
    { name: 'no attribute (newest 50)', input: {}, secondPage: true },
    { name: 'EventName frequent (GetCallerIdentity)', input: by('EventName', 'GetCallerIdentity'), secondPage: true },
    { name: 'EventName rare (DeleteRole, 1 in 92,000)', input: by('EventName', 'DeleteRole'), secondPage: true },
    { name: 'EventName absent', input: by('EventName', 'CreateTrail') },
    { name: 'EventSource kms.amazonaws.com', input: by('EventSource', 'kms.amazonaws.com') },
    { name: 'ReadOnly false (~1.3%)', input: by('ReadOnly', 'false'), secondPage: true },
    { name: 'Username frequent (user-0)', input: by('Username', 'user-0') },
    { name: 'Username rare (user-999)', input: by('Username', `user-${USERS - 1}`), secondPage: true },
    { name: 'AccessKeyId rare (user-999)', input: by('AccessKeyId', samples.rareUserKey) },
    { name: 'ResourceType AWS::KMS::Key', input: by('ResourceType', 'AWS::KMS::Key') },
    { name: 'ResourceName rare (user-998)', input: by('ResourceName', `user-${USERS - 2}`), secondPage: true },
    { name: 'EventId (an 89-day-old event)', input: by('EventId', samples.oldEventId!) },
    { name: `Username busy caller (batches of ${UNIFORM_RECORDS_PER_BATCH})`, input: by('Username', 'ci'), secondPage: true },
    { name: 'EventId of a busy caller\'s repeated call', input: by('EventId', samples.busyEventId!) },
    { name: 'time range 1 h, 45 days ago', input: { StartTime: new Date(NOW.getTime() - 45 * day), EndTime: new Date(NOW.getTime() - 45 * day + 3_600_000) } },
    { name: 'EventName rare, 30-day range in the past', input: { ...by('EventName', 'ScheduleKeyDeletion'), StartTime: new Date(NOW.getTime() - 60 * day), EndTime: new Date(NOW.getTime() - 30 * day) } },
  ]
  console.log(`\nLookupEvents (MaxResults 50) over ${EVENTS.toLocaleString('en')} events, median of ${REPEAT}, on ${process.version}`)
  console.log(['case'.padEnd(44), 'events'.padStart(7), 'page 1 ms'.padStart(10), 'page 2 ms'.padStart(10)].join(' '))
  let worst = 0
  for (const { name, input, secondPage } of cases) {
    const first = await median(() => LookupEvents(input, ctx))
    let second: Timed | undefined
    if (secondPage && first.output.NextToken) second = await median(() => LookupEvents({ ...input, NextToken: first.output.NextToken }, ctx))
    worst = Math.max(worst, first.ms, second?.ms ?? 0)
    console.log([name.padEnd(44), String(first.output.Events?.length ?? 0).padStart(7), first.ms.toFixed(1).padStart(10), (second ? second.ms.toFixed(1) : '-').padStart(10)].join(' '))
  }
  console.log(`\nslowest lookup: ${worst.toFixed(1)} ms (target < 100 ms) ${worst < 100 ? 'met' : 'NOT met'}`)
} finally {
  await database.close()
  rmSync(dataDir, { recursive: true, force: true })
}

type Timed = { ms: number; output: Awaited<ReturnType<ReturnType<typeof lookupOperations>['LookupEvents']>> }

async function median(run: () => ReturnType<ReturnType<typeof lookupOperations>['LookupEvents']>): Promise<Timed> {
  const times: number[] = []
  let output!: Timed['output']
  for (let n = 0; n < REPEAT; n++) {
    const start = performance.now()
    output = await run()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return { ms: times[Math.floor(times.length / 2)]!, output }
}
