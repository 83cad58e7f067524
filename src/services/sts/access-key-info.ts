// sts:GetAccessKeyInfo: the account an access key (long-term or temporary) belongs to.
import { InvalidParameterValueError } from '../../core/common-errors.js'
import type { StsApi } from '../../generated/sts/api.js'
import type { StsDeps } from './sts-deps.js'

export function accessKeyInfoOperations({ credentials }: Pick<StsDeps, 'credentials'>) {
  return {
    async GetAccessKeyInfo(input) {
      const found = credentials.find(input.AccessKeyId)
      // AWS decodes the account from any key id it issued; Palisade knows only the keys it issued itself.
      if (!found) throw new InvalidParameterValueError(`The access key ID ${input.AccessKeyId} was not issued by this server.`)
      return { Account: found.caller.accountId }
    },
  } satisfies Partial<StsApi>
}
