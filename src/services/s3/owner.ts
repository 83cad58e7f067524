// The Owner element S3 shows in listings: the account's canonical user id.
import type { Owner } from '../../generated/s3/types.js'
import { canonicalUserId } from './access/canonical-user.js'

/** DisplayName is no longer returned by AWS for most Regions, so it is left out. */
export function ownerOf(accountId: string): Owner {
  return { ID: canonicalUserId(accountId) }
}
