// The KMS service: keys, aliases, cryptography, rotation, key policies and grants; the key index the authorization
// table reads; and the background sweep (scheduled deletions, automatic rotations).
import { unsupportedOperations } from '../../core/unsupported-operations.js'
import type { KmsApi } from '../../generated/kms/api.js'
import { aliasOperations } from './aliases.js'
import { cryptographyOperations } from './cryptography.js'
import { grantOperations } from './grants.js'
import { keyPolicyOperations } from './key-policies.js'
import { deleteDueKeys, keyOperations } from './keys.js'
import type { KmsDeps } from './kms-deps.js'
import { rotateDueKeys, rotationOperations } from './rotation.js'

export { kmsAuthorization } from './authorization.js'
export { kmsDataKeys, type DataKeyKey, type KmsDataKeys } from './data-keys.js'
export { KMS_KEYS_CHANGED, loadKeyIndex, type KeyIndex } from './key-index.js'
export type { KmsDeps } from './kms-deps.js'
export { rewrapKeyMaterial } from './root-key-rewrap.js'

export function kmsService(deps: KmsDeps): KmsApi {
  return {
    ...keyOperations(deps),
    ...aliasOperations(deps),
    ...cryptographyOperations(deps),
    ...rotationOperations(deps),
    ...keyPolicyOperations(deps),
    ...grantOperations(deps),
    ...unsupportedOperations('kms', [
      'ConnectCustomKeyStore', 'CreateCustomKeyStore', 'DeleteCustomKeyStore', 'DescribeCustomKeyStores',
      'DisconnectCustomKeyStore', 'UpdateCustomKeyStore', 'DeleteImportedKeyMaterial', 'GetParametersForImport',
      'ImportKeyMaterial', 'DeriveSharedSecret', 'ReplicateKey', 'UpdatePrimaryRegion',
    ]),
  }
}

/** What one pass of the sweep did: the ARNs of the keys it deleted and of those it rotated. */
export interface KmsSweep {
  readonly deleted: string[]
  readonly rotated: string[]
}

/** One pass of the background sweep: deletes keys past their deletion date, rotates keys due for rotation. */
export async function sweepKms(deps: KmsDeps): Promise<KmsSweep> {
  const deleted = await deleteDueKeys(deps)
  const rotated = await rotateDueKeys(deps)
  return { deleted, rotated }
}

/**
 * Runs `sweepKms` every `intervalMs` (time itself comes from `deps.clock`), telling `onSwept` what each pass deleted
 * and rotated (CloudTrail records them as AWS service events); the result stops it.
 */
export function startKmsSweeper(
  deps: KmsDeps, intervalMs: number, onError: (error: unknown) => void, onSwept: (sweep: KmsSweep) => void = () => {},
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    running = running.then(() => sweepKms(deps)).then(onSwept).catch(onError)
  }, intervalMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}
