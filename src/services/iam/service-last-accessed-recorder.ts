// ServiceAccessRecorder: remembers, from every finished call, each IAM user's and role's last authenticated access
// per action, in memory, and writes them in batches; the composition root hands it every call the pipeline audits.
//
// AWS counts every authenticated attempt, allowed or denied ("an unexpected entry does not mean access was granted"):
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html
import type { Caller } from '../../core/caller.js'
import { batchWriter, type Flushable } from '../../storage/batch-writer.js'
import type { Database } from '../../storage/database.js'
import { recordServiceAccesses, type ServiceAccess } from './service-last-accessed-store.js'

/** What the recorder reads of a finished call (a structural subset of the audit port's CallRecord). */
export interface AccessedCall {
  readonly time: Date
  /** The signing name, which is the action's service namespace (`iam`, `sts`, `kms`). */
  readonly service?: string
  readonly operation?: string
  readonly caller?: Caller
  readonly region: string
}

export interface ServiceAccessRecorder extends Flushable {
  /** Cheap: one map write; the batch is written within `flushMs`. */
  record(call: AccessedCall): void
}

/** This process's pending batch per database, for the reports to write out first. */
const batches = new WeakMap<Database, Flushable>()

/** Writes this process's pending accesses, so a report generated now sees every call that finished before it. */
export async function flushServiceAccesses(database: Database): Promise<void> {
  await batches.get(database)?.flush()
}

export function serviceAccessRecorder(database: Database, options: { readonly flushMs?: number; readonly maxPending?: number } = {}): ServiceAccessRecorder {
  // A lost batch only makes a last-accessed date older than it should be; the next call records it again.
  const batch = batchWriter<ServiceAccess>(database, { ...options, write: recordServiceAccesses })
  batches.set(database, batch)
  return {
    record(call) {
      const principalArn = trackedPrincipal(call.caller)
      if (principalArn === undefined || call.service === undefined || call.operation === undefined) return
      const action = `${call.service}:${call.operation}`
      const key = `${call.caller!.accountId}\n${principalArn}\n${action.toLowerCase()}`
      const seen = batch.pending(key)
      if (seen && seen.at >= call.time) return
      batch.put(key, { accountId: call.caller!.accountId, principalArn, action, at: call.time, region: call.region })
    },
    flush: batch.flush,
    close: batch.close,
  }
}

/** IAM users by their ARN, role sessions by their role's ARN; the root user and others are not reported on. */
function trackedPrincipal(caller: Caller | undefined): string | undefined {
  if (caller?.type === 'IAMUser') return caller.arn
  if (caller?.type === 'AssumedRole' && caller.session?.issuer.type === 'Role') return caller.session.issuer.arn
  return undefined
}
