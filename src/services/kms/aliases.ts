// Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases (https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html).
import { AlreadyExistsException, InvalidAliasNameException, NotFoundException } from '../../generated/kms/errors.js'
import type { KmsApi } from '../../generated/kms/api.js'
import type { AliasListEntry } from '../../generated/kms/types.js'
import type { OperationContext } from '../../core/operation.js'
import { DuplicateKeyError } from '../../storage/duplicate-key-error.js'
import { AWS_MANAGED_ALIASES } from './aws-managed-keys.js'
import { keyChangesApplied, notifyKeyChange, type KmsKey } from './key-index.js'
import { requireKey, requireNotPendingDeletion } from './key-lookup.js'
import type { KmsDeps } from './kms-deps.js'
import { paginate } from './pagination.js'
import { kmsStore } from './store.js'

export function aliasOperations({ database, clock, keys }: KmsDeps) {
  /** TargetKeyId takes a key id or key ARN, never an alias (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html). */
  const targetKey = (parameter: string, ctx: OperationContext): KmsKey => {
    if (parameter.startsWith('alias/') || /:alias\//.test(parameter)) throw new NotFoundException(`Invalid keyId '${parameter}'`)
    const key = requireKey(keys, parameter, ctx)
    // An alias and its key are in the same account (https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html).
    if (key.accountId !== ctx.accountId) throw new NotFoundException(`Key '${key.arn}' does not exist`)
    requireNotPendingDeletion(key)
    return key
  }
  const requireAlias = (aliasName: string, ctx: OperationContext) => {
    const alias = keys.alias(ctx.accountId, aliasName)
    if (!alias) throw new NotFoundException(`Alias ${keys.aliasArn(ctx.accountId, aliasName)} is not found.`)
    return alias
  }

  return {
    async CreateAlias(input, ctx) {
      checkAliasName(input.AliasName)
      const key = targetKey(input.TargetKeyId, ctx)
      const now = clock.now().toISOString()
      try {
        await database.transaction(async (tx) => {
          await kmsStore(tx).insertAlias({ account_id: ctx.accountId, alias_name: input.AliasName, key_id: key.keyId, created_at: now, updated_at: now })
          await notifyKeyChange(database, ctx.accountId, key.keyId)
        })
      } catch (error) {
        if (error instanceof DuplicateKeyError) {
          throw new AlreadyExistsException(`An alias with the name ${keys.aliasArn(ctx.accountId, input.AliasName)} already exists`)
        }
        throw error
      }
      await keyChangesApplied(keys)
    },

    async UpdateAlias(input, ctx) {
      checkAliasName(input.AliasName)
      const alias = requireAlias(input.AliasName, ctx)
      const key = targetKey(input.TargetKeyId, ctx)
      await database.transaction(async (tx) => {
        await kmsStore(tx).retargetAlias(ctx.accountId, input.AliasName, key.keyId, clock.now().toISOString())
        await notifyKeyChange(database, ctx.accountId, alias.keyId)
        await notifyKeyChange(database, ctx.accountId, key.keyId)
      })
      await keyChangesApplied(keys)
    },

    async DeleteAlias(input, ctx) {
      const alias = requireAlias(input.AliasName, ctx)
      await database.transaction(async (tx) => {
        await kmsStore(tx).deleteAlias(ctx.accountId, input.AliasName)
        await notifyKeyChange(database, ctx.accountId, alias.keyId)
      })
      await keyChangesApplied(keys)
    },

    async ListAliases(input, ctx) {
      const keyId = input.KeyId === undefined ? undefined : requireKey(keys, input.KeyId, ctx).keyId
      const listed: AliasListEntry[] = keys.aliases(ctx.accountId)
        .filter((alias) => keyId === undefined || alias.keyId === keyId)
        .map((alias) => ({
          AliasName: alias.aliasName,
          AliasArn: keys.aliasArn(alias.accountId, alias.aliasName),
          TargetKeyId: alias.keyId,
          CreationDate: alias.createdAt,
          LastUpdatedDate: alias.updatedAt,
        }))
      if (keyId === undefined) {
        // AWS lists the predefined aliases of AWS managed keys not created yet, without a TargetKeyId
        // (https://docs.aws.amazon.com/kms/latest/APIReference/API_ListAliases.html).
        const named = new Set(listed.map((alias) => alias.AliasName))
        for (const aliasName of AWS_MANAGED_ALIASES) {
          if (!named.has(aliasName)) listed.push({ AliasName: aliasName, AliasArn: keys.aliasArn(ctx.accountId, aliasName) })
        }
      }
      listed.sort((a, b) => (a.AliasName! < b.AliasName! ? -1 : 1))
      const { page, ...rest } = paginate(listed, input.Limit, input.Marker)
      return { Aliases: page, ...rest }
    },
  } satisfies Partial<KmsApi>
}

function checkAliasName(name: string): void {
  if (!/^alias\/[a-zA-Z0-9/_-]+$/.test(name)) {
    throw new InvalidAliasNameException(`Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html`)
  }
  if (name.startsWith('alias/aws/')) throw new InvalidAliasNameException('Cannot create alias with prefix \'alias/aws/\'')
}
