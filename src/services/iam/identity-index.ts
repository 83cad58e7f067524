// IdentityIndex: every user's, group's and role's policies in memory, so the authorization stage never queries SQL;
// kept fresh by change notifications on `iam.policies` (and `iam.credentials`, which names new users' keys).
//
// Writers notify inside their transaction with what changed (`user:ACCOUNT:KEY`, `group:…`, `role:…`,
// `policy:ARN`, or `*`); the index reloads only that entity. Policies compile on first use and stay compiled, so
// a request costs the same whatever the number of entities: one map lookup and, after a change, one rebuild of
// that caller's policy list.
import type { Caller } from '../../core/caller.js'
import type { PolicySet, RequestPrincipal } from '../../policy/index.js'
import type { Database } from '../../storage/database.js'
import type { PrincipalKind, PrincipalRef } from './attachments-store.js'
import { CREDENTIALS_CHANGED } from './credential-index.js'
import { IndexState } from './identity-index-state.js'

/** The change channel of everything that decides a principal's permissions. */
export const IDENTITY_CHANGED = 'iam.policies'

/** What changed: one principal, one customer managed policy, or everything. */
export type IdentityChange = PrincipalRef | { readonly kind: 'policy'; readonly arn: string } | '*'

/** The caller's principal as the policy engine sees it, and every policy that applies to it. */
export interface CallerPolicies {
  readonly principal: RequestPrincipal
  readonly policies: PolicySet
}

/** A user's, group's or role's real ARN, tags and permissions boundary, as IAM actions on it see them. */
export interface ResourceFacts {
  /** Its ARN with its path. */
  readonly arn: string
  readonly tags: Readonly<Record<string, string>>
  readonly boundaryArn?: string
}

export interface IdentityIndex {
  /** Undefined for a principal the index does not know (deleted, or not an IAM user or role session). */
  forCaller(caller: Caller): CallerPolicies | undefined
  /** The real ARN, tags and boundary of the user, group or role an IAM ARN names, for IAM actions on it. */
  resourceFacts(arn: string): ResourceFacts | undefined
  /** Resolves once every change notified so far in this process has been applied. */
  settled(): Promise<void>
  /** Entity and policy counts, for the benchmark. */
  size(): { principals: number; groups: number; policies: number }
  close(): Promise<void>
}

/** Inside a mutating transaction: tells every identity index, in this process and in others, what changed. */
export function notifyIdentityChange(database: Database, change: IdentityChange): Promise<void> {
  return database.notify(IDENTITY_CHANGED, encodeChange(change))
}

/** After a transaction that notified a change: resolves once this process's index has applied it. */
export async function identityChangesApplied(database: Database): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve)) // the bus delivers on a later microtask
  await indexes.get(database)?.settled()
}

const indexes = new WeakMap<Database, IdentityIndex>()

export async function loadIdentityIndex(database: Database): Promise<IdentityIndex> {
  const state = new IndexState()
  let queue: Promise<void> = Promise.resolve()
  // Changes apply one at a time, in the order they were notified, so an older reload never overwrites a newer one.
  const enqueue = (work: () => Promise<void>) => {
    // A failed partial reload falls back to a full one; if that fails too (the database is gone), the index fails
    // closed: it forgets every principal, so nobody keeps permissions it may have lost.
    queue = queue.then(work).catch(() => state.reloadAll(database.db)).catch(() => state.forgetAll())
    return queue
  }
  const unsubscribers = [
    await database.subscribe(IDENTITY_CHANGED, (payload) => void enqueue(() => state.apply(database.db, decodeChange(payload))), {
      onMissed: () => void enqueue(() => state.reloadAll(database.db)),
    }),
    await database.subscribe(CREDENTIALS_CHANGED, (accessKeyId) => void enqueue(() => state.applyKeyChange(database.db, accessKeyId))),
  ]
  await state.reloadAll(database.db)
  const index: IdentityIndex = {
    forCaller: (caller) => state.forCaller(caller),
    resourceFacts: (arn) => state.resourceFacts(arn),
    async settled() {
      let seen: Promise<void> | undefined
      while (seen !== queue) await (seen = queue)
    },
    size: () => state.size(),
    async close() {
      indexes.delete(database)
      for (const unsubscribe of unsubscribers) await unsubscribe()
    },
  }
  indexes.set(database, index)
  return index
}

function encodeChange(change: IdentityChange): string {
  if (change === '*') return '*'
  if (change.kind === 'policy') return `policy:${change.arn}`
  return `${change.kind}:${change.accountId}:${change.key}`
}

function decodeChange(payload: string): IdentityChange {
  if (payload === '*') return '*'
  const colon = payload.indexOf(':')
  const kind = payload.slice(0, colon)
  const rest = payload.slice(colon + 1)
  if (kind === 'policy') return { kind, arn: rest }
  const second = rest.indexOf(':')
  return { kind: kind as PrincipalKind, accountId: rest.slice(0, second), key: rest.slice(second + 1) }
}
