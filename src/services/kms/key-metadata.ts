// toKeyMetadata: a key as DescribeKey, CreateKey and friends describe it.
import type { KeyMetadata } from '../../generated/kms/types.js'
import type { KmsKey } from './key-index.js'
import { isAwsManagedKey } from './aws-managed-keys.js'
import { keyAlgorithms } from './key-specs.js'

export function toKeyMetadata(key: KmsKey): KeyMetadata {
  const algorithms = keyAlgorithms(key.keySpec, key.keyUsage)
  return {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: key.createdAt,
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.state,
    ...(key.deletionDate && { DeletionDate: key.deletionDate, PendingDeletionWindowInDays: key.pendingWindowDays }),
    Origin: 'AWS_KMS',
    KeyManager: isAwsManagedKey(key) ? 'AWS' : 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec as KeyMetadata['CustomerMasterKeySpec'],
    KeySpec: key.keySpec,
    ...(algorithms.encryptionAlgorithms.length > 0 && { EncryptionAlgorithms: [...algorithms.encryptionAlgorithms] }),
    ...(algorithms.signingAlgorithms.length > 0 && { SigningAlgorithms: [...algorithms.signingAlgorithms] }),
    ...(algorithms.macAlgorithms.length > 0 && { MacAlgorithms: [...algorithms.macAlgorithms] }),
    MultiRegion: false,
  }
}
