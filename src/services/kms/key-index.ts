// KeyIndex: every KMS key (metadata, compiled key policy, aliases, grants, sealed material) in memory, so the
// authorization table and the crypto operations never query SQL. Writers notify `kms.keys` with the key that
// changed (`ACCOUNT:KEY_ID`, or `*`); the index reloads just that key.
import type { KeySpec, KeyUsageType, GrantConstraints, GrantOperation } from '../../generated/kms/types.js'
import type { SecretBox } from '../../crypto/secret-box.js'
import { compilePolicy, type CompiledPolicy } from '../../policy/index.js'
import type { Database } from '../../storage/database.js'
import { grantPolicy } from './grant-policy.js'
import { openMaterial, type OpenMaterial } from './key-material.js'
import { privateKeyWorkers, type PrivateKeyWorkers } from './private-key-workers.js'
import { scopeToKey } from './scoped-key-policy.js'
import { kmsStore, type KeyRows, type KmsGrantTokenRow } from './store.js'

export const KMS_KEYS_CHANGED = 'kms.keys'

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion'

export interface KmsGrant {
  readonly accountId: string
  readonly grantId: string
  readonly keyId: string
  readonly name?: string
  readonly granteePrincipal: string
  readonly retiringPrincipal?: string
  readonly operations: readonly GrantOperation[]
  readonly constraints?: GrantConstraints
  /** SHA-256 (hex) of every token CreateGrant returned for this grant: the first, then one per retry with its Name. */
  readonly tokenHashes: readonly string[]
  readonly issuingAccount: string
  readonly createdAt: Date
}

export interface KmsAlias {
  readonly accountId: string
  readonly aliasName: string
  readonly keyId: string
  readonly createdAt: Date
  readonly updatedAt: Date
}

export interface MaterialVersion {
  readonly version: number
  readonly sealed: string
  readonly createdAt: Date
  readonly rotationType?: 'AUTOMATIC' | 'ON_DEMAND'
}

export interface KmsKey {
  readonly accountId: string
  readonly keyId: string
  readonly arn: string
  readonly description: string
  readonly keyUsage: KeyUsageType
  readonly keySpec: KeySpec
  readonly state: KeyState
  readonly createdAt: Date
  readonly deletionDate?: Date
  readonly pendingWindowDays?: number
  readonly policy: string
  readonly compiledPolicy: CompiledPolicy
  /** The key policy with every statement limited to this key's ARN, for calls that weigh two keys' policies together. */
  readonly scopedPolicy: CompiledPolicy
  readonly rotationEnabled: boolean
  readonly rotationPeriodDays?: number
  readonly nextRotationDate?: Date
  readonly tags: Readonly<Record<string, string>>
  readonly materials: readonly MaterialVersion[]
  readonly aliases: readonly KmsAlias[]
  readonly grants: readonly KmsGrant[]
  /** One compiled Allow policy per grant, beside the key policy in every authorization on this key. */
  readonly grantPolicies: readonly CompiledPolicy[]
}

export interface KeyIndex {
  readonly region: string
  readonly partition: string
  /** The key a KeyId parameter names: key id or key ARN, alias name or alias ARN (ids and names in `accountId`). */
  resolve(keyIdParameter: string, accountId: string): KmsKey | undefined
  get(accountId: string, keyId: string): KmsKey | undefined
  keys(accountId: string): readonly KmsKey[]
  /** Every key of every account (the background sweep). */
  all(): Iterable<KmsKey>
  aliases(accountId: string): readonly KmsAlias[]
  alias(accountId: string, aliasName: string): KmsAlias | undefined
  grants(): Iterable<KmsGrant>
  /** The opened material of `version` (default: the newest); cached after the first use. */
  material(key: KmsKey, version?: number): { version: number; material: OpenMaterial } | undefined
  /** Worker threads for private-key operations (RSA and ECC signing, RSA decryption). */
  readonly privateKeys: PrivateKeyWorkers
  keyArn(accountId: string, keyId: string): string
  aliasArn(accountId: string, aliasName: string): string
  /** Resolves once every change notified so far in this process has been applied. */
  settled(): Promise<void>
  close(): Promise<void>
}

/** Inside a mutating transaction: tells every key index which key changed. */
export function notifyKeyChange(database: Database, accountId: string, keyId: string): Promise<void> {
  return database.notify(KMS_KEYS_CHANGED, `${accountId}:${keyId}`)
}

export async function loadKeyIndex(database: Database, options: { box: SecretBox; region: string; partition: string }): Promise<KeyIndex> {
  const { box, region, partition } = options
  const keyArn = (accountId: string, keyId: string) => `arn:${partition}:kms:${region}:${accountId}:key/${keyId}`
  const aliasArn = (accountId: string, aliasName: string) => `arn:${partition}:kms:${region}:${accountId}:${aliasName}`
  let keys = new Map<string, KmsKey>() // `account/keyId`
  let aliases = new Map<string, KmsAlias>() // `account/alias/name`
  const opened = new Map<string, OpenMaterial>() // `arn#version`
  const privateKeys = privateKeyWorkers()

  const toKey = (rows: KeyRows, tokens: readonly KmsGrantTokenRow[]): KmsKey => {
    const row = rows.key
    const arn = keyArn(row.account_id, row.key_id)
    const retryTokens = (grantId: string) => tokens.filter((token) => token.grant_id === grantId).map((token) => token.token_hash)
    const grants = rows.grants.map((grant): KmsGrant => ({
      accountId: grant.account_id,
      grantId: grant.grant_id,
      keyId: grant.key_id,
      ...(grant.name !== null && { name: grant.name }),
      granteePrincipal: grant.grantee_principal,
      ...(grant.retiring_principal !== null && { retiringPrincipal: grant.retiring_principal }),
      operations: JSON.parse(grant.operations) as GrantOperation[],
      ...(grant.constraints !== null && { constraints: JSON.parse(grant.constraints) as GrantConstraints }),
      tokenHashes: [grant.token_hash, ...retryTokens(grant.grant_id)],
      issuingAccount: grant.issuing_account,
      createdAt: new Date(grant.created_at),
    }))
    return {
      accountId: row.account_id,
      keyId: row.key_id,
      arn,
      description: row.description,
      keyUsage: row.key_usage as KeyUsageType,
      keySpec: row.key_spec as KeySpec,
      state: row.key_state as KeyState,
      createdAt: new Date(row.created_at),
      ...(row.deletion_date !== null && { deletionDate: new Date(row.deletion_date) }),
      ...(row.pending_window_days !== null && { pendingWindowDays: row.pending_window_days }),
      policy: row.policy,
      compiledPolicy: compilePolicy(`${arn}/policy/default`, 'resource', row.policy),
      scopedPolicy: compilePolicy(`${arn}/policy/default`, 'resource', scopeToKey(JSON.parse(row.policy) as Record<string, unknown>, arn)),
      rotationEnabled: row.rotation_enabled === 1,
      ...(row.rotation_period_days !== null && { rotationPeriodDays: row.rotation_period_days }),
      ...(row.next_rotation_date !== null && { nextRotationDate: new Date(row.next_rotation_date) }),
      tags: JSON.parse(row.tags) as Record<string, string>,
      materials: rows.materials.map((material) => ({
        version: material.version,
        sealed: material.sealed,
        createdAt: new Date(material.created_at),
        ...(material.rotation_type !== null && { rotationType: material.rotation_type as 'AUTOMATIC' | 'ON_DEMAND' }),
      })),
      aliases: rows.aliases.map((alias) => ({
        accountId: alias.account_id,
        aliasName: alias.alias_name,
        keyId: alias.key_id,
        createdAt: new Date(alias.created_at),
        updatedAt: new Date(alias.updated_at),
      })),
      grants,
      grantPolicies: grants.map((grant) => grantPolicy(grant, arn)),
    }
  }

  const forget = (accountId: string, keyId: string) => {
    const old = keys.get(`${accountId}/${keyId}`)
    if (!old) return
    keys.delete(`${accountId}/${keyId}`)
    for (const material of old.materials) opened.delete(`${old.arn}#${material.version}`)
    for (const alias of old.aliases) {
      if (aliases.get(`${accountId}/${alias.aliasName}`)?.keyId === keyId) aliases.delete(`${accountId}/${alias.aliasName}`)
    }
  }
  const remember = (key: KmsKey) => {
    keys.set(`${key.accountId}/${key.keyId}`, key)
    for (const alias of key.aliases) aliases.set(`${key.accountId}/${alias.aliasName}`, alias)
  }
  const reloadAll = async () => {
    const [all, tokens] = await Promise.all([kmsStore(database.db).loadAll(), kmsStore(database.db).grantTokens()])
    const tokensOf = groupTokens(tokens)
    // everything is read and compiled before the swap: no request sees half an index
    const next = all.map((rows) => toKey(rows, tokensOf.get(`${rows.key.account_id}/${rows.key.key_id}`) ?? []))
    keys = new Map()
    aliases = new Map()
    for (const key of next) remember(key)
  }
  const reloadKey = async (accountId: string, keyId: string) => {
    const [rows, tokens] = await Promise.all([kmsStore(database.db).loadKey(accountId, keyId), kmsStore(database.db).grantTokens({ accountId, keyId })])
    forget(accountId, keyId)
    if (rows) remember(toKey(rows, tokens))
  }

  let queue: Promise<void> = Promise.resolve()
  const enqueue = (work: () => Promise<void>) => {
    // A failed reload falls back to a full one; if that fails too the index forgets every key (fails closed).
    queue = queue.then(work).catch(() => reloadAll()).catch(() => { keys = new Map(); aliases = new Map() })
    return queue
  }
  const unsubscribe = await database.subscribe(KMS_KEYS_CHANGED, (payload) => {
    const colon = payload.indexOf(':')
    void enqueue(() => (payload === '*' || colon < 0 ? reloadAll() : reloadKey(payload.slice(0, colon), payload.slice(colon + 1))))
  }, { onMissed: () => void enqueue(reloadAll) })
  await reloadAll()

  const index: KeyIndex = {
    region,
    partition,
    resolve(parameter, accountId) {
      if (parameter.startsWith('alias/')) {
        const alias = aliases.get(`${accountId}/${parameter}`)
        return alias && keys.get(`${accountId}/${alias.keyId}`)
      }
      const arn = /^arn:([^:]+):kms:([^:]*):(\d{12}):(key\/|alias\/)(.+)$/.exec(parameter)
      if (arn) {
        const [, arnPartition, arnRegion, owner, kind, rest] = arn as unknown as [string, string, string, string, string, string]
        if (arnPartition !== partition || arnRegion !== region) return undefined // keys live in this server's region only
        if (kind === 'key/') return keys.get(`${owner}/${rest}`)
        const alias = aliases.get(`${owner}/alias/${rest}`)
        return alias && keys.get(`${owner}/${alias.keyId}`)
      }
      return keys.get(`${accountId}/${parameter}`)
    },
    get: (accountId, keyId) => keys.get(`${accountId}/${keyId}`),
    keys: (accountId) => [...keys.values()].filter((key) => key.accountId === accountId),
    all: () => keys.values(),
    aliases: (accountId) => [...aliases.values()].filter((alias) => alias.accountId === accountId),
    alias: (accountId, aliasName) => aliases.get(`${accountId}/${aliasName}`),
    *grants() {
      for (const key of keys.values()) yield* key.grants
    },
    material(key, version) {
      const entry = version === undefined ? key.materials.at(-1) : key.materials.find((material) => material.version === version)
      if (!entry) return undefined
      const cacheKey = `${key.arn}#${entry.version}`
      let material = opened.get(cacheKey)
      if (!material) {
        material = openMaterial(key.keySpec, box.open(entry.sealed, materialContext(key.accountId, key.keyId, entry.version)))
        opened.set(cacheKey, material)
      }
      return { version: entry.version, material }
    },
    privateKeys,
    keyArn,
    aliasArn,
    async settled() {
      let seen: Promise<void> | undefined
      while (seen !== queue) await (seen = queue)
    },
    async close() {
      await unsubscribe()
      await privateKeys.close()
    },
  }
  return index
}

/** The secret box context of a material version: sealed material cannot be moved to another key or version. */
export function materialContext(accountId: string, keyId: string, version: number): string {
  return `kms:${accountId}:${keyId}:${version}`
}

/** Grant token rows by `account/keyId`. */
function groupTokens(tokens: readonly KmsGrantTokenRow[]): Map<string, KmsGrantTokenRow[]> {
  const byKey = new Map<string, KmsGrantTokenRow[]>()
  for (const token of tokens) {
    const id = `${token.account_id}/${token.key_id}`
    const group = byKey.get(id)
    if (group) group.push(token)
    else byKey.set(id, [token])
  }
  return byKey
}

/** After a transaction that notified a change: resolves once this process's index has applied it. */
export async function keyChangesApplied(index: KeyIndex): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve)) // the bus delivers on a later microtask
  await index.settled()
}
