// sts:GetCallerIdentity: who the signed request says the caller is.
import type { StsApi } from '../../generated/sts/api.js'

export function callerIdentityOperations() {
  return {
    async GetCallerIdentity(_input, ctx) {
      return { UserId: ctx.caller.userId, Account: ctx.caller.accountId, Arn: ctx.caller.arn }
    },
  } satisfies Partial<StsApi>
}
