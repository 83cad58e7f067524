// Key rotation: EnableKeyRotation / DisableKeyRotation / GetKeyRotationStatus, RotateKeyOnDemand,
// ListKeyRotations, and the sweep that rotates keys when their date comes. Old material stays for Decrypt.
import { LimitExceededException, UnsupportedOperationException } from '../../generated/kms/errors.js'
import type { KmsApi } from '../../generated/kms/api.js'
import { keyChangesApplied, materialContext, notifyKeyChange, type KmsKey } from './key-index.js'
import { requireEnabled, requireKey } from './key-lookup.js'
import { generateMaterial } from './key-material.js'
import type { KmsDeps } from './kms-deps.js'
import { ValidationException } from './kms-errors.js'
import { paginate } from './pagination.js'
import { kmsStore } from './store.js'

const DAY_MS = 24 * 60 * 60 * 1000
const DEFAULT_PERIOD_DAYS = 365
/** "You can perform on-demand key rotation a maximum of 25 times per KMS key" (RotateKeyOnDemand API reference). */
const ON_DEMAND_LIMIT = 25

export function rotationOperations(deps: KmsDeps) {
  const { database, clock, keys } = deps
  const rotatableKey = (keyId: string, ctx: { accountId: string }): KmsKey => {
    const key = requireKey(keys, keyId, ctx)
    requireEnabled(key)
    requireSymmetric(key)
    return key
  }

  return {
    async EnableKeyRotation(input, ctx) {
      const days = input.RotationPeriodInDays ?? DEFAULT_PERIOD_DAYS
      if (days < 90 || days > 2560) {
        throw new ValidationException(`1 validation error detected: Value '${days}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value less than or equal to 2560 and greater than or equal to 90`)
      }
      const key = rotatableKey(input.KeyId, ctx)
      const next = new Date(clock.now().getTime() + days * DAY_MS).toISOString()
      await updateRotation(deps, key, { rotation_enabled: 1, rotation_period_days: days, next_rotation_date: next })
    },

    async DisableKeyRotation(input, ctx) {
      const key = rotatableKey(input.KeyId, ctx)
      await updateRotation(deps, key, { rotation_enabled: 0, rotation_period_days: null, next_rotation_date: null })
    },

    async GetKeyRotationStatus(input, ctx) {
      const key = requireKey(keys, input.KeyId, ctx)
      requireSymmetric(key)
      return {
        KeyRotationEnabled: key.rotationEnabled,
        KeyId: key.arn,
        ...(key.rotationEnabled && { RotationPeriodInDays: key.rotationPeriodDays, NextRotationDate: key.nextRotationDate }),
      }
    },

    async RotateKeyOnDemand(input, ctx) {
      const key = rotatableKey(input.KeyId, ctx)
      if (key.materials.filter((material) => material.rotationType === 'ON_DEMAND').length >= ON_DEMAND_LIMIT) {
        throw new LimitExceededException(`${key.arn} has reached the limit of ${ON_DEMAND_LIMIT} on-demand rotations.`)
      }
      await rotate(deps, key, 'ON_DEMAND')
      return { KeyId: key.arn }
    },

    async ListKeyRotations(input, ctx) {
      const key = requireKey(keys, input.KeyId, ctx)
      requireSymmetric(key)
      const rotations = key.materials.filter((material) => material.rotationType !== undefined)
      const { page, ...rest } = paginate(rotations, input.Limit, input.Marker)
      return { Rotations: page.map((material) => ({ KeyId: key.arn, RotationDate: material.createdAt, RotationType: material.rotationType })), ...rest }
    },
  } satisfies Partial<KmsApi>
}

// Only symmetric encryption keys rotate (https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html).
function requireSymmetric(key: KmsKey): void {
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw new UnsupportedOperationException(`${key.arn} key usage is not valid for rotation: only symmetric encryption keys rotate.`)
  }
}

/** Rotates every key whose automatic rotation date has passed; the background sweep calls it. Returns their ARNs. */
export async function rotateDueKeys(deps: KmsDeps, rotated: (arn: string) => void = () => {}): Promise<string[]> {
  const now = deps.clock.now().getTime()
  const due = [...deps.keys.all()].filter((key) => key.state === 'Enabled' && key.rotationEnabled && key.nextRotationDate && key.nextRotationDate.getTime() <= now)
  for (const key of due) {
    await rotate(deps, key, 'AUTOMATIC')
    rotated(key.arn)
  }
  return due.map((key) => key.arn)
}

/** New material as the next version; new encryptions use it, older blobs still name their own version. */
async function rotate(deps: KmsDeps, key: KmsKey, type: 'AUTOMATIC' | 'ON_DEMAND'): Promise<void> {
  const { database, clock, ids, box, keys } = deps
  const material = await generateMaterial(key.keySpec, (length) => ids.bytes(length))
  const version = (key.materials.at(-1)?.version ?? 0) + 1
  const now = clock.now()
  await database.transaction(async (tx) => {
    const store = kmsStore(tx)
    await store.insertMaterial({
      account_id: key.accountId, key_id: key.keyId, version, created_at: now.toISOString(), rotation_type: type,
      sealed: box.seal(material, materialContext(key.accountId, key.keyId, version)),
    })
    if (type === 'AUTOMATIC' && key.rotationPeriodDays !== undefined) {
      await store.updateKey(key.accountId, key.keyId, { next_rotation_date: new Date(now.getTime() + key.rotationPeriodDays * DAY_MS).toISOString() })
    }
    await notifyKeyChange(database, key.accountId, key.keyId)
  })
  material.fill(0)
  await keyChangesApplied(keys)
}

async function updateRotation(deps: KmsDeps, key: KmsKey, patch: Parameters<ReturnType<typeof kmsStore>['updateKey']>[2]): Promise<void> {
  await deps.database.transaction(async (tx) => {
    await kmsStore(tx).updateKey(key.accountId, key.keyId, patch)
    await notifyKeyChange(deps.database, key.accountId, key.keyId)
  })
  await keyChangesApplied(deps.keys)
}
