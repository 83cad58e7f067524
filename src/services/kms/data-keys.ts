// The narrow KMS port other services use for envelope encryption (S3's SSE-KMS): resolve a key, describe the
// authorization a use of it needs (its key policy and grants must allow), make a data key and open one again.
import type { AuthorizationTarget } from '../../core/authorization-target.js'
import type { Ids } from '../../core/ids.js'
import { BLOB_IV_BYTES, openBlob, readBlobHeader, sealBlob } from './ciphertext-blob.js'
import type { KeyIndex, KmsKey } from './key-index.js'
import { awsManagedKeys, type ManagedKeyService } from './aws-managed-keys.js'
import type { KmsDeps } from './kms-deps.js'

export interface DataKeyKey {
  readonly arn: string
  readonly accountId: string
  /** Enabled and a symmetric ENCRYPT_DECRYPT key: usable for data keys. */
  readonly usable: boolean
}

export interface KmsDataKeys {
  /** The key a KeyId parameter names (key id or ARN, alias name or ARN) in `accountId`, or undefined. */
  resolve(keyIdParameter: string, accountId: string): DataKeyKey | undefined
  /** The account's AWS managed key for `service` (alias/aws/s3), created on first use; absent without KMS's deps. */
  awsManagedKey?(accountId: string, service: ManagedKeyService): Promise<DataKeyKey>
  /**
   * What calling `operation` (GenerateDataKey, Decrypt) on the key through `viaService` needs: the action on the key
   * ARN with kms:ViaService and kms:EncryptionContext:*, its key policy and grants as resource policies that must allow.
   */
  authorization(keyArn: string, operation: 'GenerateDataKey' | 'Decrypt', callerAccountId: string, viaService: string, context: Readonly<Record<string, string>>): AuthorizationTarget
  /** A fresh 256-bit data key and its ciphertext blob under the key, bound to `context`; undefined if the key is unusable. */
  generate(keyArn: string, context: Readonly<Record<string, string>>): { plaintext: Buffer; ciphertext: Buffer } | undefined
  /** The data key inside `ciphertext`, or undefined when the key is gone, disabled, or the blob does not authenticate. */
  decrypt(ciphertext: Uint8Array, context: Readonly<Record<string, string>>): Buffer | undefined
}

/** `deps`: KMS's own dependencies, with which the port can create AWS managed keys. */
export function kmsDataKeys(keys: KeyIndex, ids: Ids, deps?: KmsDeps): KmsDataKeys {
  const managed = deps && awsManagedKeys(deps)
  const usable = (key: KmsKey) => key.state === 'Enabled' && key.keyUsage === 'ENCRYPT_DECRYPT' && key.keySpec === 'SYMMETRIC_DEFAULT'
  // A key ARN names its own account, so the caller's account does not matter to the index's resolve.
  const keyOf = (arn: string) => (arn.startsWith('arn:') ? keys.resolve(arn, '') : undefined)
  return {
    resolve(parameter, accountId) {
      const key = keys.resolve(parameter, accountId)
      return key && { arn: key.arn, accountId: key.accountId, usable: usable(key) }
    },
    ...(managed && {
      async awsManagedKey(accountId: string, service: ManagedKeyService) {
        const key = await managed(accountId, service)
        return { arn: key.arn, accountId: key.accountId, usable: usable(key) }
      },
    }),
    authorization(keyArn, operation, callerAccountId, viaService, context) {
      const key = keyOf(keyArn)
      const pairs = Object.entries(context)
      const target: AuthorizationTarget = {
        action: `kms:${operation}`,
        resources: [keyArn],
        context: {
          'kms:CallerAccount': callerAccountId,
          'kms:ViaService': viaService,
          'kms:EncryptionContextKeys': pairs.map(([name]) => name),
          ...Object.fromEntries(pairs.map(([name, value]) => [`kms:EncryptionContext:${name}`, value])),
        },
      }
      if (!key) return target
      const grants = key.grantPolicies.filter((_policy, index) => key.grants[index]!.operations.includes(operation))
      return { ...target, resourcePolicies: { kind: 'resource', policies: [key.compiledPolicy, ...grants], ownerAccountId: key.accountId, mustAllow: true } }
    },
    generate(keyArn, context) {
      const key = keyOf(keyArn)
      if (!key || !usable(key)) return undefined
      const opened = keys.material(key)
      if (opened?.material.kind !== 'secret') return undefined
      const plaintext = ids.bytes(32)
      const header = { accountId: key.accountId, keyId: key.keyId, materialVersion: opened.version }
      return { plaintext, ciphertext: sealBlob(header, opened.material.secret, ids.bytes(BLOB_IV_BYTES), plaintext, context) }
    },
    decrypt(ciphertext, context) {
      const header = readBlobHeader(ciphertext)
      const key = header && keys.get(header.accountId, header.keyId)
      if (!header || !key || !usable(key)) return undefined
      const opened = keys.material(key, header.materialVersion)
      return opened?.material.kind === 'secret' ? openBlob(ciphertext, opened.material.secret, context) : undefined
    },
  }
}
