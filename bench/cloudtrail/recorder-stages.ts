// Where the recorder's CPU per call goes, stage by stage, for a group commit of the size a busy server writes
// (4000 calls): building the records, serializing them, sealing the batches (text and lookup keys), storing them (SQLite
// statements, commit), and the whole recorder (record() then flush(), garbage collection included). No pipeline and no sockets, so the figures
// hold still on a shared machine; bench/cloudtrail/record.ts measures the cost against a whole call.
//
//   node --import tsx bench/cloudtrail/recorder-stages.ts [--rounds 10]
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { CallRecord } from '../../src/audit/audit-sink.js'
import type { Caller } from '../../src/core/caller.js'
import { randomIds } from '../../src/core/ids.js'
import { serviceModels } from '../../src/generated/services.js'
import { eventRecords, type RecordContext } from '../../src/services/cloudtrail/event-record.js'
import { cloudTrailRecorder } from '../../src/services/cloudtrail/event-recorder.js'
import { BATCH_KEY_LENGTH, insertBatches, RECORDS_PER_BATCH, sealRecords, type SealedBatch } from '../../src/services/cloudtrail/event-store.js'
import { recordText } from '../../src/services/cloudtrail/record-text.js'
import { openDatabase } from '../../src/storage/database.js'

const { values: options } = parseArgs({ options: { rounds: { type: 'string', default: '10' } } })
const CALLS = 4000
const ACCOUNT = '000000000000'
const caller: Caller = { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, userId: ACCOUNT, accessKeyId: 'AKIABENCHMARKROOT000' }
const SHAPES = {
  'sts:GetCallerIdentity': () => call('sts', 'GetCallerIdentity', {}, { UserId: ACCOUNT, Account: ACCOUNT, Arn: caller.arn }, ['*']),
  'iam:GetUser': () => call('iam', 'GetUser', { UserName: 'bench' }, {
    User: { Path: '/', UserName: 'bench', UserId: 'AIDAEXAMPLEEXAMPLE01', Arn: `arn:aws:iam::${ACCOUNT}:user/bench`, CreateDate: new Date() },
  }, [`arn:aws:iam::${ACCOUNT}:user/bench`]),
}

function call(service: string, operation: string, input: Record<string, unknown>, output: unknown, resources: string[]): CallRecord {
  return {
    requestId: randomUUID(), time: new Date(), service, operation, caller, region: 'us-east-1', sourceIp: '127.0.0.1',
    userAgent: 'aws-sdk-js/3.0.0 ua/2.1 os/linux lang/js md/nodejs#20', readOnly: true, input, resources, output, status: 200,
  }
}

const cpu = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / CALLS
}

const dataDir = mkdtempSync(join(tmpdir(), 'palisade-bench-ct-stages-'))
try {
  const database = await openDatabase({ url: join(dataDir, 'palisade.db') })
  const recorder = cloudTrailRecorder({ database, ids: randomIds, models: serviceModels, defaultAccountId: ACCOUNT, onError: (error) => console.error(error) })
  // As the recorder draws them: the ids of one stored batch share their first BATCH_KEY_LENGTH characters.
  let drawn = 0
  let prefix = ''
  const eventId = (): string => {
    if (drawn++ % RECORDS_PER_BATCH === 0) prefix = randomUUID().slice(0, BATCH_KEY_LENGTH)
    return prefix + randomUUID().slice(BATCH_KEY_LENGTH)
  }
  const context: RecordContext = { models: serviceModels, defaultAccountId: ACCOUNT, eventId, uuid: () => randomUUID() }
  console.log(`CPU µs per call, best of ${options.rounds} group commits of ${CALLS} calls, on ${process.version}, load ${loadavg().map((n) => n.toFixed(2)).join(' ')}`)
  console.log(['call'.padEnd(24), 'build', 'serialize', 'seal', 'store', 'recorder'].map((name, index) => index === 0 ? name : name.padStart(11)).join(''))
  for (const [name, make] of Object.entries(SHAPES)) {
    const best = [Infinity, Infinity, Infinity, Infinity, Infinity]
    for (let round = 0; round < Number(options.rounds); round++) {
      const calls = Array.from({ length: CALLS }, make)
      drawn = 0
      let start = process.cpuUsage()
      const records = calls.flatMap((one) => eventRecords(one, context))
      const build = cpu(start)
      start = process.cpuUsage()
      for (const record of records) recordText(record)
      const serialize = cpu(start)
      const batches: SealedBatch[] = []
      start = process.cpuUsage()
      for (let index = 0; index < records.length; index += RECORDS_PER_BATCH) {
        const place = { accountId: ACCOUNT, region: 'us-east-1', batchId: `${round}-${index}-${randomUUID()}`, management: true }
        batches.push(sealRecords(place, records.slice(index, index + RECORDS_PER_BATCH)))
      }
      const seal = cpu(start)
      start = process.cpuUsage()
      await database.transaction((tx) => insertBatches(tx, batches))
      const store = cpu(start)
      const fresh = Array.from({ length: CALLS }, make)
      start = process.cpuUsage()
      for (const one of fresh) recorder.record(one)
      await recorder.flush()
      const whole = cpu(start)
      ;[build, serialize, seal, store, whole].forEach((value, index) => { best[index] = Math.min(best[index]!, value) })
    }
    console.log([name.padEnd(24), ...best.map((value) => value.toFixed(2).padStart(11))].join(''))
  }
  console.log('(serialize: the records\' chunks (record-text.ts); seal: the batches\' text and lookup keys, serializing included;\n' +
  ' store: insertBatches in a transaction: SQL, commit; recorder: record() for each call then one flush, everything\n' +
  ' included: what it costs beyond build + seal + store is batching, id draws and garbage collection)')
  await recorder.close()
  await database.close()
} finally {
  rmSync(dataDir, { recursive: true, force: true })
}
