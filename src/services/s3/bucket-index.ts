// BucketIndex: every bucket (owner, region, versioning, configuration documents parsed, bucket policy compiled) and
// every account's S3 settings in memory, so the authorization table never queries SQL. Writers notify
// `s3.buckets` (bucket-store.ts) with the bucket that changed; the index reloads just that bucket.
import { compilePolicy, type CompiledPolicy } from '../../policy/index.js'
import type { Database } from '../../storage/database.js'
import { loadAccountSettingsRows, loadBucketRows, S3_BUCKETS_CHANGED, type S3AccountSettingsRow, type S3BucketRow } from './bucket-store.js'

export type VersioningStatus = 'Enabled' | 'Suspended' | undefined

export interface BucketPolicy {
  /** The document as the owner put it (GetBucketPolicy returns it verbatim). */
  readonly text: string
  readonly compiled: CompiledPolicy
}

export interface Bucket {
  readonly name: string
  readonly ownerAccountId: string
  readonly region: string
  readonly createdAt: Date
  /** Undefined until versioning was first enabled (GetBucketVersioning then answers with no Status). */
  readonly versioning: VersioningStatus
  readonly policy?: BucketPolicy
  /** Parsed JSON of the configuration columns (their shapes are the S3 model's, as the writer stored them). */
  readonly acl?: unknown
  readonly publicAccessBlock?: unknown
  readonly ownershipControls?: unknown
  readonly encryption?: unknown
  readonly tags?: Readonly<Record<string, string>>
}

export interface AccountS3Settings {
  readonly accountId: string
  readonly publicAccessBlock?: unknown
}

export interface BucketIndex {
  get(name: string): Bucket | undefined
  /** The account's buckets, in name order (ListBuckets). */
  ownedBy(accountId: string): readonly Bucket[]
  account(accountId: string): AccountS3Settings | undefined
  /** Resolves once every change notified so far in this process has been applied. */
  settled(): Promise<void>
  close(): Promise<void>
}

export async function loadBucketIndex(database: Database): Promise<BucketIndex> {
  let buckets = new Map<string, Bucket>()
  let accounts = new Map<string, AccountS3Settings>()

  const reloadAll = async () => {
    const [rows, settings] = await Promise.all([loadBucketRows(database.db), loadAccountSettingsRows(database.db)])
    // everything is read and parsed before the swap: no request sees half an index
    const next = new Map(rows.map((row) => [row.name, toBucket(row)]))
    buckets = next
    accounts = new Map(settings.map((row) => [row.account_id, toAccountSettings(row)]))
  }
  const reloadBucket = async (name: string) => {
    const [row] = await loadBucketRows(database.db, name)
    if (row) buckets.set(name, toBucket(row))
    else buckets.delete(name)
  }
  const reloadAccount = async (accountId: string) => {
    const [row] = await loadAccountSettingsRows(database.db, accountId)
    if (row) accounts.set(accountId, toAccountSettings(row))
    else accounts.delete(accountId)
  }

  let queue: Promise<void> = Promise.resolve()
  const enqueue = (work: () => Promise<void>) => {
    // A failed reload falls back to a full one; if that fails too the index forgets everything (fails closed).
    queue = queue.then(work).catch(() => reloadAll()).catch(() => { buckets = new Map(); accounts = new Map() })
    return queue
  }
  const unsubscribe = await database.subscribe(S3_BUCKETS_CHANGED, (payload) => {
    if (payload === '*') void enqueue(reloadAll)
    else if (payload.startsWith('account:')) void enqueue(() => reloadAccount(payload.slice('account:'.length)))
    else void enqueue(() => reloadBucket(payload))
  }, { onMissed: () => void enqueue(reloadAll) })
  await reloadAll()

  return {
    get: (name) => buckets.get(name),
    ownedBy: (accountId) => [...buckets.values()].filter((bucket) => bucket.ownerAccountId === accountId).sort((a, b) => (a.name < b.name ? -1 : 1)),
    account: (accountId) => accounts.get(accountId),
    async settled() {
      let seen: Promise<void> | undefined
      while (seen !== queue) await (seen = queue)
    },
    close: unsubscribe,
  }
}

function toBucket(row: S3BucketRow): Bucket {
  return {
    name: row.name,
    ownerAccountId: row.account_id,
    region: row.region,
    createdAt: new Date(row.created_at),
    versioning: row.versioning === 'Enabled' || row.versioning === 'Suspended' ? row.versioning : undefined,
    ...(row.policy !== null && { policy: { text: row.policy, compiled: compilePolicy(`arn:aws:s3:::${row.name}/policy`, 'resource', row.policy) } }),
    ...(row.acl !== null && { acl: JSON.parse(row.acl) as unknown }),
    ...(row.public_access_block !== null && { publicAccessBlock: JSON.parse(row.public_access_block) as unknown }),
    ...(row.ownership_controls !== null && { ownershipControls: JSON.parse(row.ownership_controls) as unknown }),
    ...(row.encryption !== null && { encryption: JSON.parse(row.encryption) as unknown }),
    ...(row.tags !== null && { tags: JSON.parse(row.tags) as Record<string, string> }),
  }
}

function toAccountSettings(row: S3AccountSettingsRow): AccountS3Settings {
  return {
    accountId: row.account_id,
    ...(row.public_access_block !== null && { publicAccessBlock: JSON.parse(row.public_access_block) as unknown }),
  }
}
