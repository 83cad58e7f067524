// requireKey: the key a KeyId parameter names, or AWS's NotFoundException; and the key-state checks operations share.
import type { OperationContext } from '../../core/operation.js'
import { InvalidKeyUsageException, NotFoundException } from '../../generated/kms/errors.js'
import type { KeyUsageType } from '../../generated/kms/types.js'
import type { KeyIndex, KmsKey } from './key-index.js'
import { keyStateError } from './kms-errors.js'

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The alias a KeyId parameter names (`alias/…`, or an alias ARN of any account and region); undefined for a key. */
export function aliasName(parameter: string): string | undefined {
  if (parameter.startsWith('alias/')) return parameter
  const arn = /^arn:[^:]+:kms:[^:]*:\d{12}:(alias\/.+)$/.exec(parameter)
  return arn?.[1]
}

export function requireKey(index: KeyIndex, parameter: string, ctx: Pick<OperationContext, 'accountId'>): KmsKey {
  const key = index.resolve(parameter, ctx.accountId)
  if (key) return key
  if (parameter.startsWith('alias/')) throw new NotFoundException(`Alias ${index.aliasArn(ctx.accountId, parameter)} is not found.`)
  if (/^arn:[^:]+:kms:[^:]*:\d{12}:alias\//.test(parameter)) throw new NotFoundException(`Alias ${parameter} is not found.`)
  if (parameter.startsWith('arn:')) {
    if (!/^arn:[^:]+:kms:[^:]*:\d{12}:key\//.test(parameter)) throw new NotFoundException(`Invalid arn ${parameter}`)
    throw new NotFoundException(`Key '${parameter}' does not exist`)
  }
  if (!KEY_ID.test(parameter)) throw new NotFoundException(`Invalid keyId '${parameter}'`)
  throw new NotFoundException(`Key '${index.keyArn(ctx.accountId, parameter)}' does not exist`)
}

/** A key the cryptographic operations may use: enabled, and made for `usage`. */
export function requireUsableKey(index: KeyIndex, parameter: string, ctx: Pick<OperationContext, 'accountId'>, usage: KeyUsageType, operation: string): KmsKey {
  const key = requireKey(index, parameter, ctx)
  requireEnabled(key)
  if (key.keyUsage !== usage) {
    throw new InvalidKeyUsageException(`${key.arn} key usage is ${key.keyUsage} which is not valid for ${operation}.`)
  }
  return key
}

export function requireEnabled(key: KmsKey): void {
  if (key.state !== 'Enabled') throw keyStateError(key.arn, key.state)
}

/** Management operations (tags, description, policy, aliases) work on any key that is not pending deletion. */
export function requireNotPendingDeletion(key: KmsKey): void {
  if (key.state === 'PendingDeletion') throw keyStateError(key.arn, key.state)
}
