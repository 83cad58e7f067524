// What each KMS operation touches, for the authorization stage: the key's ARN, its key policy and the grants that
// apply as resource policies (a key policy must allow explicitly), and KMS's condition keys
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html,
// https://docs.aws.amazon.com/kms/latest/developerguide/policy-conditions.html).
import type { AuthorizationTable, AuthorizationTarget, CallFacts } from '../../core/authorization-target.js'
import type { KmsApi } from '../../generated/kms/api.js'
import type { GrantConstraints } from '../../generated/kms/types.js'
import { readBlobHeader } from './ciphertext-blob.js'
import type { KeyIndex, KmsKey } from './key-index.js'
import { aliasName } from './key-lookup.js'

type Context = Record<string, string | readonly string[]>

export function kmsAuthorization(keys: KeyIndex): AuthorizationTable<KmsApi> {
  /** An action on the key `parameter` names (key id or ARN, alias name or ARN). */
  const onKey = (operation: string, parameter: string | undefined, call: CallFacts, extra: Context = {}, options: { grantOperation?: string; alias?: string } = {}): AuthorizationTarget => {
    const key = parameter === undefined ? undefined : keys.resolve(parameter, call.accountId)
    const resource = key?.arn ?? (parameter === undefined ? '*' : unresolvedArn(parameter, call))
    const requestAlias = parameter === undefined ? undefined : aliasName(parameter)
    const context: Context = {
      'kms:CallerAccount': call.caller.accountId,
      ...(requestAlias !== undefined && { 'kms:RequestAlias': requestAlias }),
      ...(key && keyContext(key)),
      ...extra,
    }
    const resources = options.alias === undefined ? [resource] : [keys.aliasArn(call.accountId, options.alias), resource]
    return {
      action: `kms:${operation}`,
      resources,
      context,
      ...(key && { resourcePolicies: resourcePolicies(key, options.grantOperation ?? operation) }),
    }
  }
  const anywhere = (operation: string, call: CallFacts, extra: Context = {}): AuthorizationTarget => ({
    action: `kms:${operation}`,
    resources: ['*'],
    context: { 'kms:CallerAccount': call.caller.accountId, ...extra },
  })
  const blobKey = (blob: Uint8Array | undefined, keyId: string | undefined): string | undefined => {
    if (keyId !== undefined) return keyId
    const header = readBlobHeader(blob)
    return header && keys.keyArn(header.accountId, header.keyId)
  }

  return {
    CreateKey: (input, call) => anywhere('CreateKey', call, {
      'kms:KeySpec': input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT',
      'kms:KeyUsage': input.KeyUsage ?? 'ENCRYPT_DECRYPT',
      'kms:KeyOrigin': input.Origin ?? 'AWS_KMS',
      'kms:MultiRegion': String(input.MultiRegion ?? false),
      ...(input.BypassPolicyLockoutSafetyCheck !== undefined && { 'kms:BypassPolicyLockoutSafetyCheck': String(input.BypassPolicyLockoutSafetyCheck) }),
      ...requestTags(input.Tags),
    }),
    DescribeKey: (input, call) => onKey('DescribeKey', input.KeyId, call),
    ListKeys: (_input, call) => anywhere('ListKeys', call),
    UpdateKeyDescription: (input, call) => onKey('UpdateKeyDescription', input.KeyId, call),
    EnableKey: (input, call) => onKey('EnableKey', input.KeyId, call),
    DisableKey: (input, call) => onKey('DisableKey', input.KeyId, call),
    ScheduleKeyDeletion: (input, call) => onKey('ScheduleKeyDeletion', input.KeyId, call, {
      'kms:ScheduleKeyDeletionPendingWindowInDays': String(input.PendingWindowInDays ?? 30),
    }),
    CancelKeyDeletion: (input, call) => onKey('CancelKeyDeletion', input.KeyId, call),
    TagResource: (input, call) => onKey('TagResource', input.KeyId, call, requestTags(input.Tags)),
    UntagResource: (input, call) => onKey('UntagResource', input.KeyId, call, { 'aws:TagKeys': input.TagKeys }),
    ListResourceTags: (input, call) => onKey('ListResourceTags', input.KeyId, call),

    CreateAlias: (input, call) => onKey('CreateAlias', input.TargetKeyId, call, {}, { alias: input.AliasName }),
    UpdateAlias: (input, call) => onKey('UpdateAlias', input.TargetKeyId, call, {}, { alias: input.AliasName }),
    DeleteAlias: (input, call) => onKey('DeleteAlias', keys.alias(call.accountId, input.AliasName)?.keyId, call, {}, { alias: input.AliasName }),
    ListAliases: (input, call) => (input.KeyId === undefined ? anywhere('ListAliases', call) : onKey('ListAliases', input.KeyId, call)),

    Encrypt: (input, call) => onKey('Encrypt', input.KeyId, call, {
      ...encryptionContext(input.EncryptionContext), 'kms:EncryptionAlgorithm': input.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT',
    }),
    Decrypt: (input, call) => onKey('Decrypt', blobKey(input.CiphertextBlob, input.KeyId), call, {
      ...encryptionContext(input.EncryptionContext), 'kms:EncryptionAlgorithm': input.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT',
    }),
    ReEncrypt: (input, call) => reEncrypt(keys, onKey, blobKey(input.CiphertextBlob, input.SourceKeyId), input.DestinationKeyId, call, {
      ...encryptionContext(input.SourceEncryptionContext),
    }),
    GenerateDataKey: (input, call) => onKey('GenerateDataKey', input.KeyId, call, encryptionContext(input.EncryptionContext)),
    GenerateDataKeyWithoutPlaintext: (input, call) => onKey('GenerateDataKeyWithoutPlaintext', input.KeyId, call, encryptionContext(input.EncryptionContext)),
    GenerateDataKeyPair: (input, call) => onKey('GenerateDataKeyPair', input.KeyId, call, {
      ...encryptionContext(input.EncryptionContext), 'kms:DataKeyPairSpec': input.KeyPairSpec,
    }),
    GenerateDataKeyPairWithoutPlaintext: (input, call) => onKey('GenerateDataKeyPairWithoutPlaintext', input.KeyId, call, {
      ...encryptionContext(input.EncryptionContext), 'kms:DataKeyPairSpec': input.KeyPairSpec,
    }),
    GenerateRandom: (_input, call) => anywhere('GenerateRandom', call),
    Sign: (input, call) => onKey('Sign', input.KeyId, call, { 'kms:SigningAlgorithm': input.SigningAlgorithm, 'kms:MessageType': input.MessageType ?? 'RAW' }),
    Verify: (input, call) => onKey('Verify', input.KeyId, call, { 'kms:SigningAlgorithm': input.SigningAlgorithm, 'kms:MessageType': input.MessageType ?? 'RAW' }),
    GetPublicKey: (input, call) => onKey('GetPublicKey', input.KeyId, call),
    GenerateMac: (input, call) => onKey('GenerateMac', input.KeyId, call, { 'kms:MacAlgorithm': input.MacAlgorithm }),
    VerifyMac: (input, call) => onKey('VerifyMac', input.KeyId, call, { 'kms:MacAlgorithm': input.MacAlgorithm }),

    EnableKeyRotation: (input, call) => onKey('EnableKeyRotation', input.KeyId, call, { 'kms:RotationPeriodInDays': String(input.RotationPeriodInDays ?? 365) }),
    DisableKeyRotation: (input, call) => onKey('DisableKeyRotation', input.KeyId, call),
    GetKeyRotationStatus: (input, call) => onKey('GetKeyRotationStatus', input.KeyId, call),
    RotateKeyOnDemand: (input, call) => onKey('RotateKeyOnDemand', input.KeyId, call),
    ListKeyRotations: (input, call) => onKey('ListKeyRotations', input.KeyId, call),

    GetKeyPolicy: (input, call) => onKey('GetKeyPolicy', input.KeyId, call),
    PutKeyPolicy: (input, call) => onKey('PutKeyPolicy', input.KeyId, call, {
      'kms:BypassPolicyLockoutSafetyCheck': String(input.BypassPolicyLockoutSafetyCheck ?? false),
    }),
    ListKeyPolicies: (input, call) => onKey('ListKeyPolicies', input.KeyId, call),

    CreateGrant: (input, call) => onKey('CreateGrant', input.KeyId, call, {
      'kms:GrantOperations': input.Operations,
      'kms:GranteePrincipal': input.GranteePrincipal,
      ...(input.RetiringPrincipal !== undefined && { 'kms:RetiringPrincipal': input.RetiringPrincipal }),
      ...grantConstraintType(input.Constraints),
      'kms:GrantIsForAWSResource': 'false',
    }),
    ListGrants: (input, call) => onKey('ListGrants', input.KeyId, call, {
      ...(input.GranteePrincipal !== undefined && { 'kms:GranteePrincipal': input.GranteePrincipal }),
    }),
    ListRetirableGrants: (_input, call) => anywhere('ListRetirableGrants', call),
    // "Permission to retire a grant is determined primarily by the grant. A policy alone cannot allow access to this
    // operation" (API_RetireGrant): the handler checks the grant's retiring principal.
    RetireGrant: (input, call) => ({ ...onKey('RetireGrant', input.KeyId, call), requiresPermission: false }),
    RevokeGrant: (input, call) => onKey('RevokeGrant', input.KeyId, call),

    ConnectCustomKeyStore: (_input, call) => anywhere('ConnectCustomKeyStore', call),
    CreateCustomKeyStore: (_input, call) => anywhere('CreateCustomKeyStore', call),
    DeleteCustomKeyStore: (_input, call) => anywhere('DeleteCustomKeyStore', call),
    DescribeCustomKeyStores: (_input, call) => anywhere('DescribeCustomKeyStores', call),
    DisconnectCustomKeyStore: (_input, call) => anywhere('DisconnectCustomKeyStore', call),
    UpdateCustomKeyStore: (_input, call) => anywhere('UpdateCustomKeyStore', call),
    DeleteImportedKeyMaterial: (input, call) => onKey('DeleteImportedKeyMaterial', input.KeyId, call),
    GetParametersForImport: (input, call) => onKey('GetParametersForImport', input.KeyId, call),
    ImportKeyMaterial: (input, call) => onKey('ImportKeyMaterial', input.KeyId, call),
    DeriveSharedSecret: (input, call) => onKey('DeriveSharedSecret', input.KeyId, call),
    ReplicateKey: (input, call) => onKey('ReplicateKey', input.KeyId, call),
    UpdatePrimaryRegion: (input, call) => onKey('UpdatePrimaryRegion', input.KeyId, call),
  }
}

/**
 * ReEncrypt needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html). A target declares one action list for
 * all its resources, so with two keys both actions are required on both keys (stricter than AWS for a principal
 * allowed only one direction per key), each key judged by its own policy and grants (policies scoped to their key).
 */
function reEncrypt(
  keys: KeyIndex,
  onKey: (operation: string, parameter: string | undefined, call: CallFacts, extra?: Context) => AuthorizationTarget,
  source: string | undefined, destination: string, call: CallFacts, extra: Context,
): AuthorizationTarget {
  const sourceKey = source === undefined ? undefined : keys.resolve(source, call.accountId)
  const destinationKey = keys.resolve(destination, call.accountId)
  const sameKey = sourceKey !== undefined && sourceKey === destinationKey
  const target = onKey('ReEncryptFrom', source, call, { ...extra, 'kms:ReEncryptOnSameKey': String(sameKey) })
  if (!sourceKey || !destinationKey || sameKey) return { ...target, additionalActions: ['kms:ReEncryptTo'] }
  const scoped = (key: KmsKey) => [key.scopedPolicy, ...resourcePolicies(key, 'ReEncryptFrom').policies.slice(1), ...resourcePolicies(key, 'ReEncryptTo').policies.slice(1)]
  return {
    ...target,
    resources: [sourceKey.arn, destinationKey.arn],
    additionalActions: ['kms:ReEncryptTo'],
    resourcePolicies: { kind: 'resource', policies: [...scoped(sourceKey), ...scoped(destinationKey)], ownerAccountId: sourceKey.accountId, mustAllow: true },
  }
}

/** The key policy, then one compiled Allow per grant that lists this operation. */
function resourcePolicies(key: KmsKey, operation: string): NonNullable<AuthorizationTarget['resourcePolicies']> {
  const grants = key.grantPolicies.filter((_policy, index) => key.grants[index]!.operations.includes(operation as 'Decrypt'))
  return { kind: 'resource', policies: [key.compiledPolicy, ...grants], ownerAccountId: key.accountId, mustAllow: true }
}

function keyContext(key: KmsKey): Context {
  const tags = Object.fromEntries(Object.entries(key.tags).map(([tagKey, value]) => [`aws:ResourceTag/${tagKey}`, value]))
  return {
    'kms:KeySpec': key.keySpec,
    'kms:KeyUsage': key.keyUsage,
    'kms:KeyOrigin': 'AWS_KMS',
    'kms:MultiRegion': 'false',
    ...(key.aliases.length > 0 && { 'kms:ResourceAliases': key.aliases.map((alias) => alias.aliasName) }),
    ...tags,
  }
}

/** `kms:EncryptionContext:<key>` per pair and `kms:EncryptionContextKeys` (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context). */
function encryptionContext(context: Readonly<Record<string, string>> | undefined): Context {
  if (!context) return {}
  const pairs = Object.entries(context)
  if (pairs.length === 0) return {}
  return {
    ...Object.fromEntries(pairs.map(([key, value]) => [`kms:EncryptionContext:${key}`, value])),
    'kms:EncryptionContextKeys': pairs.map(([key]) => key),
  }
}

function grantConstraintType(constraints: GrantConstraints | undefined): Context {
  const types = [
    ...(constraints?.EncryptionContextEquals ? ['EncryptionContextEquals'] : []),
    ...(constraints?.EncryptionContextSubset ? ['EncryptionContextSubset'] : []),
  ]
  return types.length > 0 ? { 'kms:GrantConstraintType': types } : {}
}

function requestTags(tags: readonly { TagKey: string; TagValue: string }[] | undefined): Context {
  if (!tags || tags.length === 0) return {}
  return {
    ...Object.fromEntries(tags.map((tag) => [`aws:RequestTag/${tag.TagKey}`, tag.TagValue])),
    'aws:TagKeys': tags.map((tag) => tag.TagKey),
  }
}

// A key the index does not know: name it as AWS would, so a denial message reads the same; the handler answers
// NotFoundException for callers who are allowed.
function unresolvedArn(parameter: string, call: CallFacts): string {
  if (parameter.startsWith('arn:')) return parameter
  if (parameter.startsWith('alias/')) return `arn:${call.partition}:kms:${call.region}:${call.accountId}:${parameter}`
  return `arn:${call.partition}:kms:${call.region}:${call.accountId}:key/${parameter}`
}

