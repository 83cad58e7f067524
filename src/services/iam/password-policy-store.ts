// PasswordPolicyStore: the account password policy, one row per account holding its settings as JSON.
import type { PasswordPolicy } from '../../generated/iam/types.js'
import type { Db } from '../../storage/schema.js'

/** The settings UpdateAccountPasswordPolicy stores: every member given or defaulted, as AWS keeps them. */
export interface StoredPasswordPolicy {
  readonly MinimumPasswordLength: number
  readonly RequireSymbols: boolean
  readonly RequireNumbers: boolean
  readonly RequireUppercaseCharacters: boolean
  readonly RequireLowercaseCharacters: boolean
  readonly AllowUsersToChangePassword: boolean
  /** Days; absent when passwords never expire. */
  readonly MaxPasswordAge?: number
  /** How many previous passwords cannot be reused; absent when reuse is allowed. */
  readonly PasswordReusePrevention?: number
  readonly HardExpiry?: boolean
}

export async function readPasswordPolicy(db: Db, accountId: string): Promise<StoredPasswordPolicy | undefined> {
  const row = await db.selectFrom('iam_password_policies').select('settings').where('account_id', '=', accountId).executeTakeFirst()
  return row && (JSON.parse(row.settings) as StoredPasswordPolicy)
}

export async function writePasswordPolicy(db: Db, accountId: string, policy: StoredPasswordPolicy): Promise<void> {
  const settings = JSON.stringify(policy)
  await db.insertInto('iam_password_policies').values({ account_id: accountId, settings })
    .onConflict((conflict) => conflict.column('account_id').doUpdateSet({ settings }))
    .execute()
}

/** False when the account had no policy. */
export async function deletePasswordPolicy(db: Db, accountId: string): Promise<boolean> {
  const result = await db.deleteFrom('iam_password_policies').where('account_id', '=', accountId).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** GetAccountPasswordPolicy's shape: ExpirePasswords is derived from MaxPasswordAge. */
export function toPasswordPolicyShape(policy: StoredPasswordPolicy): PasswordPolicy {
  return { ...policy, ExpirePasswords: policy.MaxPasswordAge !== undefined }
}
