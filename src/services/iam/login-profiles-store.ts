// LoginProfileStore: IAM users' console passwords (scrypt hashes) and the history reuse prevention checks.
import { fromDbBoolean, fromDbTimestamp, toDbBoolean, toDbTimestamp } from '../../storage/columns.js'
import type { Db } from '../../storage/schema.js'
import { nameKey } from './iam-names.js'

export interface LoginProfile {
  readonly passwordHash: string
  readonly passwordResetRequired: boolean
  readonly createdAt: Date
  readonly passwordChangedAt: Date
}

/** IAM remembers at most 24 previous passwords (PasswordReusePrevention 1–24). */
export const PASSWORD_HISTORY_LIMIT = 24

export async function findLoginProfile(db: Db, accountId: string, userName: string): Promise<LoginProfile | undefined> {
  const row = await db.selectFrom('iam_login_profiles').selectAll()
    .where('account_id', '=', accountId).where('user_key', '=', nameKey(userName))
    .executeTakeFirst()
  return row && {
    passwordHash: row.password_hash,
    passwordResetRequired: fromDbBoolean(row.password_reset_required),
    createdAt: fromDbTimestamp(row.created_at),
    passwordChangedAt: fromDbTimestamp(row.password_changed_at),
  }
}

/** DuplicateKeyError when the user has a login profile already. */
export async function insertLoginProfile(db: Db, accountId: string, userName: string, profile: LoginProfile): Promise<void> {
  await db.insertInto('iam_login_profiles').values({
    account_id: accountId,
    user_key: nameKey(userName),
    password_hash: profile.passwordHash,
    password_reset_required: toDbBoolean(profile.passwordResetRequired),
    created_at: toDbTimestamp(profile.createdAt),
    password_changed_at: toDbTimestamp(profile.passwordChangedAt),
  }).execute()
}

export async function updateLoginProfile(
  db: Db,
  accountId: string,
  userName: string,
  change: { readonly password?: { readonly hash: string; readonly at: Date }; readonly passwordResetRequired?: boolean },
): Promise<void> {
  await db.updateTable('iam_login_profiles')
    .set({
      ...(change.password ? { password_hash: change.password.hash, password_changed_at: toDbTimestamp(change.password.at) } : {}),
      ...(change.passwordResetRequired !== undefined ? { password_reset_required: toDbBoolean(change.passwordResetRequired) } : {}),
    })
    .where('account_id', '=', accountId).where('user_key', '=', nameKey(userName))
    .execute()
}

/** False when the user had no login profile. The password history goes with it. */
export async function deleteLoginProfile(db: Db, accountId: string, userName: string): Promise<boolean> {
  const result = await db.deleteFrom('iam_login_profiles').where('account_id', '=', accountId).where('user_key', '=', nameKey(userName)).executeTakeFirst()
  await db.deleteFrom('iam_password_history').where('account_id', '=', accountId).where('user_key', '=', nameKey(userName)).execute()
  return Number(result.numDeletedRows) > 0
}

/** The hashes of the user's most recent passwords, newest first (the current one included). */
export async function recentPasswordHashes(db: Db, accountId: string, userName: string, count: number): Promise<string[]> {
  const rows = await db.selectFrom('iam_password_history').select('password_hash')
    .where('account_id', '=', accountId).where('user_key', '=', nameKey(userName))
    .orderBy('created_at', 'desc').limit(count)
    .execute()
  return rows.map((row) => row.password_hash)
}

/** Adds a password to the history, keeping the newest PASSWORD_HISTORY_LIMIT. */
export async function rememberPassword(db: Db, accountId: string, userName: string, hash: string, at: Date): Promise<void> {
  const userKey = nameKey(userName)
  await db.insertInto('iam_password_history').values({ account_id: accountId, user_key: userKey, password_hash: hash, created_at: toDbTimestamp(at) }).execute()
  const kept = await recentPasswordHashes(db, accountId, userName, PASSWORD_HISTORY_LIMIT)
  if (kept.length < PASSWORD_HISTORY_LIMIT) return
  await db.deleteFrom('iam_password_history')
    .where('account_id', '=', accountId).where('user_key', '=', userKey).where('password_hash', 'not in', kept)
    .execute()
}

/** Records a successful console sign-in (User.PasswordLastUsed). */
export async function recordPasswordUse(db: Db, accountId: string, userName: string, at: Date): Promise<void> {
  await db.updateTable('iam_users').set({ password_last_used: toDbTimestamp(at) })
    .where('account_id', '=', accountId).where('name_key', '=', nameKey(userName))
    .execute()
}
