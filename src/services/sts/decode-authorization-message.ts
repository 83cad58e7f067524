// sts:DecodeAuthorizationMessage: opens an encoded authorization message this server made for the caller's account.
// Who may call it is the authorization stage's decision (sts:DecodeAuthorizationMessage, as AWS requires).
import type { StsApi } from '../../generated/sts/api.js'
import type { AuthorizationMessages } from './encoded-authorization.js'

export function decodeAuthorizationMessageOperations({ authorizationMessages }: { readonly authorizationMessages: AuthorizationMessages }) {
  return {
    async DecodeAuthorizationMessage(input, ctx) {
      return { DecodedMessage: authorizationMessages.decode(ctx.accountId, input.EncodedMessage) }
    },
  } satisfies Partial<StsApi>
}
