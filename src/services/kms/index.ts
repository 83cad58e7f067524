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

/**
 * One pass of the background sweep: deletes keys past their deletion date, rotates keys due for rotation. `done`
 * hears each key as its change commits (CloudTrail records it as an AWS service event), so a key that fails later in
 * the pass loses nothing already done; that key is tried again on the next pass.
 */
export async function sweepKms(deps: KmsDeps, done: (sweep: KmsSweep) => void = () => {}): Promise<KmsSweep> {
  const deleted = await deleteDueKeys(deps, (arn) => done({ deleted: [arn], rotated: [] }))
  const rotated = await rotateDueKeys(deps, (arn) => done({ deleted: [], rotated: [arn] }))
  return { deleted, rotated }
}

/**
 * Runs `sweepKms` every `intervalMs` (time itself comes from `deps.clock`), telling `done` each key it deleted or
 * rotated as that commits; the result stops it. A failing pass, or a throwing `done`, is reported to `onError` and the
 * next tick sweeps again.
 */
export function startKmsSweeper(
  deps: KmsDeps, intervalMs: number, onError: (error: unknown) => void, done: (sweep: KmsSweep) => void = () => {},
): () => Promise<void> {
  const report = (sweep: KmsSweep) => {
    try {
      done(sweep)
    } catch (error) {
      onError(error)
    }
  }
  let running: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    running = running.then(() => sweepKms(deps, report)).catch(onError).catch(() => {})
  }, intervalMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}
