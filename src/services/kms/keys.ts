// Key lifecycle: CreateKey, DescribeKey, ListKeys, UpdateKeyDescription, Enable/DisableKey, tags, and
// ScheduleKeyDeletion / CancelKeyDeletion with the sweep that deletes keys at their deletion date.
import { KMSInvalidStateException, TagException, UnsupportedOperationException } from '../../generated/kms/errors.js'
import type { KmsApi } from '../../generated/kms/api.js'
import type { KeySpec, KeyUsageType, Tag } from '../../generated/kms/types.js'
import { awsManagedKeys, managedKeyService } from './aws-managed-keys.js'
import { keyChangesApplied, materialContext, notifyKeyChange } from './key-index.js'
import { aliasName, requireKey, requireNotPendingDeletion } from './key-lookup.js'
import { generateMaterial } from './key-material.js'
import { toKeyMetadata } from './key-metadata.js'
import { checkKeyPolicy, defaultKeyPolicy } from './key-policies.js'
import { keySpecs } from './key-specs.js'
import type { KmsDeps } from './kms-deps.js'
import { ValidationException } from './kms-errors.js'
import { paginate } from './pagination.js'
import { kmsStore, type KeyRowPatch } from './store.js'

const DAY_MS = 24 * 60 * 60 * 1000

export function keyOperations(deps: KmsDeps) {
  const { database, clock, ids, box, keys } = deps
  const update = async (accountId: string, keyId: string, patch: KeyRowPatch) => {
    await database.transaction(async (tx) => {
      await kmsStore(tx).updateKey(accountId, keyId, patch)
      await notifyKeyChange(database, accountId, keyId)
    })
    await keyChangesApplied(keys)
  }

  const managedKeys = awsManagedKeys(deps)
  /** The service of the AWS managed key `keyId` names by its alias, or that alias's ARN in the caller's account. */
  const predefinedAlias = (keyId: string, accountId: string) => {
    const alias = aliasName(keyId)
    if (alias === undefined) return undefined
    const service = managedKeyService(alias)
    return service && (keyId === alias || keyId === keys.aliasArn(accountId, alias)) ? service : undefined
  }

  return {
    async CreateKey(input, ctx) {
      const keySpec: KeySpec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT'
      const keyUsage: KeyUsageType = input.KeyUsage ?? 'ENCRYPT_DECRYPT'
      const traits = keySpecs[keySpec]
      if (!traits) throw new UnsupportedOperationException(`KeySpec ${keySpec} is not supported by this server.`)
      if (!traits.usages.includes(keyUsage)) {
        throw new ValidationException(`KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}`)
      }
      if (input.Origin !== undefined && input.Origin !== 'AWS_KMS') {
        throw new UnsupportedOperationException(`Origin ${input.Origin} is not supported by this server.`)
      }
      if (input.MultiRegion) throw new UnsupportedOperationException('Multi-Region keys are not supported by this server.')
      const keyId = ids.uuid()
      const arn = keys.keyArn(ctx.accountId, keyId)
      const policy = input.Policy ?? defaultKeyPolicy(ctx.partition, ctx.accountId)
      if (input.Policy !== undefined) checkKeyPolicy(input.Policy, ctx.caller, arn, input.BypassPolicyLockoutSafetyCheck)
      const tags = tagMap({}, input.Tags ?? [])
      const material = await generateMaterial(keySpec, (length) => ids.bytes(length))
      const now = clock.now().toISOString()
      await database.transaction(async (tx) => {
        await kmsStore(tx).insertKey(
          {
            account_id: ctx.accountId, key_id: keyId, description: input.Description ?? '', key_usage: keyUsage, key_spec: keySpec,
            key_state: 'Enabled', created_at: now, deletion_date: null, pending_window_days: null, policy,
            rotation_enabled: 0, rotation_period_days: null, next_rotation_date: null, tags: JSON.stringify(tags),
          },
          { account_id: ctx.accountId, key_id: keyId, version: 1, sealed: box.seal(material, materialContext(ctx.accountId, keyId, 1)), created_at: now, rotation_type: null },
        )
        await notifyKeyChange(database, ctx.accountId, keyId)
      })
      material.fill(0)
      await keyChangesApplied(keys)
      return { KeyMetadata: toKeyMetadata(requireKey(keys, keyId, ctx)) }
    },

    async DescribeKey(input, ctx) {
      // DescribeKey on the predefined alias of an AWS managed key that does not exist yet creates the key
      // (https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html).
      const service = keys.resolve(input.KeyId, ctx.accountId) ? undefined : predefinedAlias(input.KeyId, ctx.accountId)
      const key = service ? await managedKeys(ctx.accountId, service) : requireKey(keys, input.KeyId, ctx)
      return { KeyMetadata: toKeyMetadata(key) }
    },

    async ListKeys(input, ctx) {
      const all = [...keys.keys(ctx.accountId)].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.keyId.localeCompare(b.keyId))
      const { page, ...rest } = paginate(all, input.Limit, input.Marker)
      return { Keys: page.map((key) => ({ KeyId: key.keyId, KeyArn: key.arn })), ...rest }
    },

    async UpdateKeyDescription(input, ctx) {
      const key = requireKey(keys, input.KeyId, ctx)
      requireNotPendingDeletion(key)
      await update(key.accountId, key.keyId, { description: input.Description })
    },

    async EnableKey(input, ctx) {
      const key = requireKey(keys, input.KeyId, ctx)
      requireNotPendingDeletion(key)
      await update(key.accountId, key.keyId, { key_state: 'Enabled' })
    },

    async DisableKey(input, ctx) {
      const key = requireKey(keys, input.KeyId, ctx)
      requireNotPendingDeletion(key)
      await update(key.accountId, key.keyId, { key_state: 'Disabled' })
    },

    async ScheduleKeyDeletion(input, ctx) {
      const days = input.PendingWindowInDays ?? 30
      if (days < 7 || days > 30) { // the model allows 1–365; the KMS API reference allows 7–30
        throw new ValidationException(`1 validation error detected: Value '${days}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 30 and greater than or equal to 7`)
      }
      const key = requireKey(keys, input.KeyId, ctx)
      requireNotPendingDeletion(key)
      const deletionDate = new Date(clock.now().getTime() + days * DAY_MS)
      await update(key.accountId, key.keyId, { key_state: 'PendingDeletion', deletion_date: deletionDate.toISOString(), pending_window_days: days })
      return { KeyId: key.arn, DeletionDate: deletionDate, KeyState: 'PendingDeletion', PendingWindowInDays: days }
    },

    async CancelKeyDeletion(input, ctx) {
      const key = requireKey(keys, input.KeyId, ctx)
      if (key.state !== 'PendingDeletion') {
        throw new KMSInvalidStateException(`${key.arn} is not pending deletion.`)
      }
      // A cancelled key comes back Disabled (https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-scheduling-key-deletion.html).
      await update(key.accountId, key.keyId, { key_state: 'Disabled', deletion_date: null, pending_window_days: null })
      return { KeyId: key.arn }
    },

    async TagResource(input, ctx) {
      const key = requireKey(keys, input.KeyId, ctx)
      requireNotPendingDeletion(key)
      await update(key.accountId, key.keyId, { tags: JSON.stringify(tagMap(key.tags, input.Tags)) })
    },

    async UntagResource(input, ctx) {
      const key = requireKey(keys, input.KeyId, ctx)
      requireNotPendingDeletion(key)
      const tags = Object.fromEntries(Object.entries(key.tags).filter(([tagKey]) => !input.TagKeys.includes(tagKey)))
      await update(key.accountId, key.keyId, { tags: JSON.stringify(tags) })
    },

    async ListResourceTags(input, ctx) {
      const key = requireKey(keys, input.KeyId, ctx)
      const all = Object.entries(key.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue }))
      const { page, ...rest } = paginate(all, input.Limit, input.Marker)
      return { Tags: page, ...rest }
    },
  } satisfies Partial<KmsApi>
}

/**
 * Deletes every key whose deletion date has passed; the background sweep calls it. Returns the ARNs it deleted: a key
 * another process deleted first, or whose deletion was cancelled meanwhile, is not among them (nor told to `deleted`).
 */
export async function deleteDueKeys(deps: Pick<KmsDeps, 'database' | 'clock' | 'keys'>, deleted: (arn: string) => void = () => {}): Promise<string[]> {
  const now = deps.clock.now()
  const due = [...deps.keys.all()].filter((key) => key.state === 'PendingDeletion' && key.deletionDate && key.deletionDate.getTime() <= now.getTime())
  const done: string[] = []
  for (const key of due) {
    const gone = await deps.database.transaction(async (tx) => {
      if (!await kmsStore(tx).deleteKeyIfDue(key.accountId, key.keyId, now)) return false
      await notifyKeyChange(deps.database, key.accountId, key.keyId)
      return true
    })
    if (!gone) continue
    done.push(key.arn)
    deleted(key.arn)
  }
  if (due.length > 0) await keyChangesApplied(deps.keys)
  return done
}

// Tag keys beginning `aws:` are reserved (https://docs.aws.amazon.com/kms/latest/developerguide/tagging-keys.html).
function tagMap(existing: Readonly<Record<string, string>>, tags: readonly Tag[]): Record<string, string> {
  const merged = { ...existing }
  for (const tag of tags) {
    if (tag.TagKey.toLowerCase().startsWith('aws:')) throw new TagException('Tags beginning with aws: are reserved')
    merged[tag.TagKey] = tag.TagValue
  }
  if (Object.keys(merged).length > 50) throw new TagException('The number of tags on a KMS key cannot exceed 50.')
  return merged
}
