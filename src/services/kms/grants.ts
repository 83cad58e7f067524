// Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant
// (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html).
import { AccessDeniedError } from '../../core/common-errors.js'
import { DryRunOperationException, InvalidGrantIdException, NotFoundException } from '../../generated/kms/errors.js'
import type { KmsApi } from '../../generated/kms/api.js'
import type { CreateGrantRequest, GrantConstraints, GrantListEntry, GrantOperation } from '../../generated/kms/types.js'
import { checkGrantTokens, grantTokenHash, mintGrantToken } from './grant-tokens.js'
import { keyChangesApplied, notifyKeyChange, type KmsGrant, type KmsKey } from './key-index.js'
import { requireKey, requireNotPendingDeletion } from './key-lookup.js'
import type { KmsDeps } from './kms-deps.js'
import { ValidationException } from './kms-errors.js'
import { paginate } from './pagination.js'
import { kmsStore, type KmsGrantRow } from './store.js'

// An account id, an IAM/STS principal ARN, or a service principal.
const PRINCIPAL = /^(\d{12}|arn:[^:]+:(iam|sts)::\d{12}:.+|[a-z0-9.-]+\.amazonaws\.com)$/

export function grantOperations({ database, clock, ids, keys }: KmsDeps) {
  const findGrant = (key: KmsKey, grantId: string): KmsGrant => {
    const grant = key.grants.find((candidate) => candidate.grantId === grantId)
    if (!grant) throw new NotFoundException(`Grant ID ${grantId} not found`)
    return grant
  }
  const deleteGrant = async (grant: KmsGrant) => {
    await database.transaction(async (tx) => {
      await kmsStore(tx).deleteGrant(grant.accountId, grant.grantId)
      await notifyKeyChange(database, grant.accountId, grant.keyId)
    })
    await keyChangesApplied(keys)
  }

  return {
    async CreateGrant(input, ctx) {
      checkGrantTokens(input.GrantTokens)
      const key = requireKey(keys, input.KeyId, ctx)
      requireNotPendingDeletion(key)
      for (const principal of [input.GranteePrincipal, input.RetiringPrincipal]) {
        if (principal !== undefined && !PRINCIPAL.test(principal)) throw new ValidationException(`Invalid principal: ${principal}`)
      }
      checkGrantOperations(key, input.Operations, input.Constraints)
      if (input.DryRun) throw new DryRunOperationException('The request would have succeeded, but the DryRun option is set.')
      const newGrantId = ids.bytes(32).toString('hex')
      const token = mintGrantToken(ids.bytes(32))
      const grantId = await database.transaction(async (tx) => {
        const store = kmsStore(tx)
        // With a Name, a retry with identical parameters returns the existing grant's id and a new token; AWS does
        // not say what a different request with the same Name does, and the Name is documented only as a retry
        // guard, so it creates a grant (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html#KMS-CreateGrant-request-Name).
        const existing = input.Name === undefined ? undefined
          : (await store.namedGrants(key.accountId, key.keyId, input.Name)).find((row) => isRetryOf(input, row))
        if (existing) {
          await store.insertGrantToken({
            account_id: key.accountId, grant_id: existing.grant_id, key_id: key.keyId,
            token_hash: grantTokenHash(token), created_at: clock.now().toISOString(),
          })
        } else {
          await store.insertGrant({
            account_id: key.accountId, grant_id: newGrantId, key_id: key.keyId, name: input.Name ?? null,
            grantee_principal: input.GranteePrincipal, retiring_principal: input.RetiringPrincipal ?? null,
            operations: JSON.stringify(input.Operations), constraints: input.Constraints ? JSON.stringify(input.Constraints) : null,
            token_hash: grantTokenHash(token), issuing_account: `arn:${ctx.partition}:iam::${ctx.accountId}:root`,
            created_at: clock.now().toISOString(),
          })
        }
        await notifyKeyChange(database, key.accountId, key.keyId)
        return existing?.grant_id ?? newGrantId
      })
      await keyChangesApplied(keys)
      return { GrantToken: token, GrantId: grantId }
    },

    async ListGrants(input, ctx) {
      const key = requireKey(keys, input.KeyId, ctx)
      const grants = key.grants.filter((grant) =>
        (input.GrantId === undefined || grant.grantId === input.GrantId)
        && (input.GranteePrincipal === undefined || grant.granteePrincipal === input.GranteePrincipal))
      const { page, ...rest } = paginate(grants, input.Limit, input.Marker)
      return { Grants: page.map((grant) => toGrantListEntry(grant, key)), ...rest }
    },

    async ListRetirableGrants(input) {
      const grants = [...keys.grants()].filter((grant) => grant.retiringPrincipal === input.RetiringPrincipal)
      const { page, ...rest } = paginate(grants, input.Limit, input.Marker)
      return { Grants: page.map((grant) => toGrantListEntry(grant, keys.get(grant.accountId, grant.keyId))), ...rest }
    },

    async RetireGrant(input, ctx) {
      let grant: KmsGrant | undefined
      if (input.GrantToken !== undefined) {
        checkGrantTokens([input.GrantToken])
        const hash = grantTokenHash(input.GrantToken)
        grant = [...keys.grants()].find((candidate) => candidate.tokenHashes.includes(hash))
        if (!grant) throw new NotFoundException('Grant token not found')
      } else if (input.KeyId !== undefined && input.GrantId !== undefined) {
        grant = findGrant(requireKey(keys, input.KeyId, ctx), input.GrantId)
      } else {
        throw new InvalidGrantIdException('Either GrantToken, or both KeyId and GrantId, must be given.')
      }
      // "Permission to retire a grant is determined primarily by the grant": its retiring principal, its grantee
      // when the grant allows RetireGrant, or the account it was created in
      // (https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html#grant-retire).
      const caller = ctx.caller
      const mayRetire = grant.retiringPrincipal === caller.arn
        || (grant.granteePrincipal === caller.arn && grant.operations.includes('RetireGrant'))
        || (caller.type === 'Root' && caller.accountId === grant.accountId)
      if (!mayRetire) {
        throw new AccessDeniedError(`User: ${caller.arn} is not authorized to perform: kms:RetireGrant on resource: ${keys.keyArn(grant.accountId, grant.keyId)} because the grant does not name it as retiring principal`)
      }
      if (input.DryRun) throw new DryRunOperationException('The request would have succeeded, but the DryRun option is set.')
      await deleteGrant(grant)
    },

    async RevokeGrant(input, ctx) {
      const grant = findGrant(requireKey(keys, input.KeyId, ctx), input.GrantId)
      if (input.DryRun) throw new DryRunOperationException('The request would have succeeded, but the DryRun option is set.')
      await deleteGrant(grant)
    },
  } satisfies Partial<KmsApi>
}

const COMMON: readonly GrantOperation[] = ['CreateGrant', 'RetireGrant', 'DescribeKey']
const BY_USAGE: Readonly<Record<string, readonly GrantOperation[]>> = {
  SYMMETRIC_DEFAULT: ['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo'],
  ENCRYPT_DECRYPT: ['Decrypt', 'Encrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GetPublicKey'],
  SIGN_VERIFY: ['Sign', 'Verify', 'GetPublicKey'],
  GENERATE_VERIFY_MAC: ['GenerateMac', 'VerifyMac'],
}

/**
 * A grant may only allow operations the key supports, and encryption context constraints only on symmetric
 * encryption keys (https://docs.aws.amazon.com/kms/latest/developerguide/create-grant-overview.html).
 */
function checkGrantOperations(key: KmsKey, operations: readonly GrantOperation[], constraints: GrantConstraints | undefined): void {
  const allowed = [...COMMON, ...(BY_USAGE[key.keySpec === 'SYMMETRIC_DEFAULT' ? 'SYMMETRIC_DEFAULT' : key.keyUsage] ?? [])]
  const unsupported = operations.filter((operation) => !allowed.includes(operation))
  if (unsupported.length > 0) {
    throw new ValidationException(`Grant operations ${unsupported.join(', ')} are not supported by ${key.arn} (${key.keySpec}, ${key.keyUsage}).`)
  }
  if (constraints && (constraints.EncryptionContextEquals || constraints.EncryptionContextSubset) && key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw new ValidationException('Encryption context grant constraints are supported only for symmetric encryption KMS keys.')
  }
}

/** Same grantee, retiring principal, operations (as a set) and constraints: a retry of the stored grant's CreateGrant. */
function isRetryOf(input: CreateGrantRequest, row: KmsGrantRow): boolean {
  const storedOperations = new Set(JSON.parse(row.operations) as GrantOperation[])
  const operations = new Set(input.Operations)
  return row.grantee_principal === input.GranteePrincipal
    && row.retiring_principal === (input.RetiringPrincipal ?? null)
    && operations.size === storedOperations.size && [...operations].every((operation) => storedOperations.has(operation))
    && canonicalConstraints(row.constraints === null ? undefined : JSON.parse(row.constraints) as GrantConstraints)
      === canonicalConstraints(input.Constraints)
}

/** Constraints as text that does not depend on the order of their encryption context pairs. */
function canonicalConstraints(constraints: GrantConstraints | undefined): string {
  const sorted = (context: Record<string, string> | undefined) =>
    context && Object.fromEntries(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  return JSON.stringify([sorted(constraints?.EncryptionContextSubset), sorted(constraints?.EncryptionContextEquals)])
}

function toGrantListEntry(grant: KmsGrant, key: KmsKey | undefined): GrantListEntry {
  return {
    KeyId: key?.arn ?? grant.keyId,
    GrantId: grant.grantId,
    ...(grant.name !== undefined && { Name: grant.name }),
    CreationDate: grant.createdAt,
    GranteePrincipal: grant.granteePrincipal,
    ...(grant.retiringPrincipal !== undefined && { RetiringPrincipal: grant.retiringPrincipal }),
    IssuingAccount: grant.issuingAccount,
    Operations: [...grant.operations],
    ...(grant.constraints !== undefined && { Constraints: grant.constraints }),
  }
}
