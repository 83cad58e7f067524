// AccountAliasStore: each account's alias (at most one), unique across every account.
import type { Db } from '../../storage/schema.js'

export async function findAccountAlias(db: Db, accountId: string): Promise<string | undefined> {
  const row = await db.selectFrom('iam_account_aliases').select('alias').where('account_id', '=', accountId).executeTakeFirst()
  return row?.alias
}

/** The account an alias names, in any account. */
export async function accountOfAlias(db: Db, alias: string): Promise<string | undefined> {
  const row = await db.selectFrom('iam_account_aliases').select('account_id').where('alias', '=', alias).executeTakeFirst()
  return row?.account_id
}

/** DuplicateKeyError when another account holds the alias, or this account has one. */
export async function insertAccountAlias(db: Db, accountId: string, alias: string): Promise<void> {
  await db.insertInto('iam_account_aliases').values({ account_id: accountId, alias }).execute()
}

/** False when the account has no such alias. */
export async function deleteAccountAlias(db: Db, accountId: string, alias: string): Promise<boolean> {
  const result = await db.deleteFrom('iam_account_aliases').where('account_id', '=', accountId).where('alias', '=', alias).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}
