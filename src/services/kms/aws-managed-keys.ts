// AWS managed keys: the KMS key a service uses in an account when a request names none (S3's `alias/aws/s3`),
// created by the service on first use (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key).
// Its key policy lets every principal of the account use it, but only through that service, and the account read
// its metadata (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-service-integration).
// The `alias/aws/` prefix is reserved to them (CreateAlias refuses it), so that alias is what marks a key AWS managed.
import { DuplicateKeyError } from '../../storage/duplicate-key-error.js'
import { keyChangesApplied, KMS_KEYS_CHANGED, materialContext, notifyKeyChange, type KeyIndex, type KmsKey } from './key-index.js'
import { generateMaterial } from './key-material.js'
import type { KmsDeps } from './kms-deps.js'
import { kmsStore } from './store.js'

const AWS_MANAGED_PREFIX = 'alias/aws/'

/** The services Palisade makes AWS managed keys for, with the description AWS gives each. */
const MANAGED_KEYS = {
  s3: 'Default key that protects my S3 objects when no other key is defined',
} as const

export type ManagedKeyService = keyof typeof MANAGED_KEYS

/** The aliases of the AWS managed keys Palisade knows, which ListAliases shows before their keys exist. */
export const AWS_MANAGED_ALIASES: readonly string[] = Object.keys(MANAGED_KEYS).map((service) => `${AWS_MANAGED_PREFIX}${service}`)

/** The service whose AWS managed key an alias name (`alias/aws/s3`) is, if Palisade knows it. */
export function managedKeyService(aliasName: string): ManagedKeyService | undefined {
  const service = aliasName.startsWith(AWS_MANAGED_PREFIX) ? aliasName.slice(AWS_MANAGED_PREFIX.length) : undefined
  return service !== undefined && Object.hasOwn(MANAGED_KEYS, service) ? service as ManagedKeyService : undefined
}

export function isAwsManagedKey(key: KmsKey): boolean {
  return key.aliases.some((alias) => alias.aliasName.startsWith(AWS_MANAGED_PREFIX))
}

export function awsManagedKeyPolicy(partition: string, region: string, accountId: string, service: ManagedKeyService): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: `auto-${service}-2`,
    Statement: [
      {
        Sid: `Allow access through ${service.toUpperCase()} for all principals in the account that are authorized to use ${service.toUpperCase()}`,
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': accountId, 'kms:ViaService': `${service}.${region}.amazonaws.com` } },
      },
      {
        Sid: 'Allow direct access to key metadata to the account',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'],
        Resource: '*',
      },
    ],
  }, null, 2)
}

/** Creations under way, per key index. */
const creationsByIndex = new WeakMap<KeyIndex, Map<string, Promise<KmsKey>>>()

/**
 * The account's AWS managed key for `service`, created (key, material, alias) on first use. Concurrent first uses
 * share one creation in this process (every caller over the same key index: DescribeKey and the data-key port alike);
 * another process creating it meanwhile wins the alias, and its key is used.
 */
export function awsManagedKeys(deps: KmsDeps): (accountId: string, service: ManagedKeyService) => Promise<KmsKey> {
  const { database, clock, ids, box, keys } = deps
  const creating = creationsByIndex.get(keys) ?? new Map<string, Promise<KmsKey>>()
  creationsByIndex.set(keys, creating)

  async function create(accountId: string, service: ManagedKeyService): Promise<KmsKey> {
    const aliasName = `${AWS_MANAGED_PREFIX}${service}`
    const keyId = ids.uuid()
    const material = await generateMaterial('SYMMETRIC_DEFAULT', (length) => ids.bytes(length))
    const now = clock.now().toISOString()
    try {
      await database.transaction(async (tx) => {
        const store = kmsStore(tx)
        await store.insertKey(
          {
            account_id: accountId, key_id: keyId, description: MANAGED_KEYS[service], key_usage: 'ENCRYPT_DECRYPT', key_spec: 'SYMMETRIC_DEFAULT',
            key_state: 'Enabled', created_at: now, deletion_date: null, pending_window_days: null,
            policy: awsManagedKeyPolicy(keys.partition, keys.region, accountId, service),
            // AWS rotates AWS managed keys every year, always.
            rotation_enabled: 1, rotation_period_days: 365, next_rotation_date: new Date(clock.now().getTime() + 365 * 86_400_000).toISOString(), tags: '{}',
          },
          { account_id: accountId, key_id: keyId, version: 1, sealed: box.seal(material, materialContext(accountId, keyId, 1)), created_at: now, rotation_type: null },
        )
        await store.insertAlias({ account_id: accountId, alias_name: aliasName, key_id: keyId, created_at: now, updated_at: now })
        await notifyKeyChange(database, accountId, keyId)
      })
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error // another process made the alias first: its key is the one
      await database.notify(KMS_KEYS_CHANGED, '*')
    } finally {
      material.fill(0)
    }
    await keyChangesApplied(keys)
    const key = keys.resolve(aliasName, accountId)
    if (!key) throw new Error(`the AWS managed key ${aliasName} of ${accountId} was not found after its creation`)
    return key
  }

  return async (accountId, service) => {
    const existing = keys.resolve(`${AWS_MANAGED_PREFIX}${service}`, accountId)
    if (existing) return existing
    const id = `${accountId}/${service}`
    let pending = creating.get(id)
    if (!pending) {
      pending = create(accountId, service).finally(() => creating.delete(id))
      creating.set(id, pending)
    }
    return pending
  }
}
