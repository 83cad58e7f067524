// Block Public Access for a whole account, through S3 Control: Get/Put/DeletePublicAccessBlock
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_PutPublicAccessBlock.html). Each bucket of the
// account is then held to the stricter of its own settings and these.
import type { AuthorizationTable, CallFacts } from '../../../core/authorization-target.js'
import type { OperationContext } from '../../../core/operation.js'
import type { S3controlApi } from '../../../generated/s3control/api.js'
import { NoSuchPublicAccessBlockConfiguration } from '../../../generated/s3control/errors.js'
import { bucketStore } from '../bucket-store.js'
import type { S3Deps } from '../s3-deps.js'
import { S3AccessDeniedError } from './access-errors.js'
import { normalizeBlock } from './public-access-block.js'

export function accountPublicAccessBlockOperations(deps: S3Deps): S3controlApi {
  const { database, buckets } = deps
  const store = bucketStore(database)

  return {
    async PutPublicAccessBlock(input, ctx) {
      const accountId = ownAccount(input.AccountId, ctx)
      const block = normalizeBlock(input.PublicAccessBlockConfiguration)
      await database.transaction((tx) => store.putAccountPublicAccessBlock(tx, accountId, JSON.stringify(block)))
      await buckets.settled()
    },

    async GetPublicAccessBlock(input, ctx) {
      const stored = buckets.account(ownAccount(input.AccountId, ctx))?.publicAccessBlock
      if (stored === undefined) throw new NoSuchPublicAccessBlockConfiguration('The public access block configuration was not found')
      return { PublicAccessBlockConfiguration: normalizeBlock(stored) }
    },

    async DeletePublicAccessBlock(input, ctx) {
      const accountId = ownAccount(input.AccountId, ctx)
      await database.transaction((tx) => store.putAccountPublicAccessBlock(tx, accountId, null))
      await buckets.settled()
    },
  }
}

// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html: account-level actions
// take no resource.
export function accountPublicAccessBlockAuthorization(): AuthorizationTable<S3controlApi> {
  const onAccount = (action: string) => (input: { AccountId: string }, call: CallFacts) => ({
    action, resources: ['*'], context: { 's3:ResourceAccount': input.AccountId, 'aws:ResourceAccount': input.AccountId }, ...(input.AccountId !== call.accountId && { resourcePolicies: { kind: 'resource' as const, policies: [], ownerAccountId: input.AccountId } }),
  })
  return {
    GetPublicAccessBlock: onAccount('s3:GetAccountPublicAccessBlock'),
    PutPublicAccessBlock: onAccount('s3:PutAccountPublicAccessBlock'),
    DeletePublicAccessBlock: onAccount('s3:PutAccountPublicAccessBlock'),
  }
}

/** An account configures only itself: another account's id is AccessDenied. */
function ownAccount(accountId: string, ctx: OperationContext): string {
  if (accountId !== ctx.caller.accountId) throw new S3AccessDeniedError()
  return accountId
}
