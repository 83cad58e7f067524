// SessionStore: STS sessions as rows of `sts_sessions` — who each set of temporary credentials signs as, until when.
import { fromDbTimestamp, toDbTimestamp } from '../../storage/columns.js'
import type { StsSessionRow } from '../../storage/migrations/0007-sts-sessions.js'
import type { Db } from '../../storage/schema.js'

/** The change channel session writers notify with the new session's access key id. */
export const SESSIONS_CHANGED = 'sts.sessions'

/** An issued session as stored: the secret is sealed, the token only hashed. */
export interface StoredSession {
  readonly accountId: string
  /** ASIA… */
  readonly accessKeyId: string
  readonly secretSealed: string
  /** SHA-256 (hex) of the session token. */
  readonly tokenHash: string
  readonly caller: SessionCaller
  readonly issuedAt: Date
  readonly expiresAt: Date
}

/** Who the session signs as, in JSON-friendly form (policies as documents, compiled when loaded). */
export interface SessionCaller {
  readonly type: 'Root' | 'IAMUser' | 'AssumedRole' | 'FederatedUser'
  readonly arn: string
  readonly userId: string
  readonly name?: string
  readonly issuer: { readonly type: 'Role' | 'IAMUser' | 'Root'; readonly arn: string; readonly id: string }
  /** Session policies: the inline Policy and each PolicyArns document, as `{ id, document }`. */
  readonly policies?: readonly { readonly id: string; readonly document: string }[]
  readonly tags?: Readonly<Record<string, string>>
  readonly transitiveTagKeys?: readonly string[]
  readonly sourceIdentity?: string
  readonly mfaAuthenticated: boolean
  /** ISO-8601 */
  readonly mfaAuthenticatedAt?: string
}

export interface SessionStore {
  insert(session: StoredSession): Promise<void>
  get(accessKeyId: string): Promise<StoredSession | undefined>
  /** Every session that expired after `cutoff` (or has not expired yet). */
  listExpiringAfter(cutoff: Date): Promise<StoredSession[]>
  /** Forgets sessions that expired before `cutoff`. */
  deleteExpiredBefore(cutoff: Date): Promise<void>
}

export function sessionStore(db: Db): SessionStore {
  return {
    async insert(session) {
      await db.insertInto('sts_sessions').values(toRow(session)).execute()
    },

    async get(accessKeyId) {
      const row = await db.selectFrom('sts_sessions').selectAll().where('access_key_id', '=', accessKeyId).executeTakeFirst()
      return row && toSession(row)
    },

    async listExpiringAfter(cutoff) {
      const rows = await db.selectFrom('sts_sessions').selectAll().where('expires_at', '>', toDbTimestamp(cutoff)).execute()
      return rows.map(toSession)
    },

    async deleteExpiredBefore(cutoff) {
      await db.deleteFrom('sts_sessions').where('expires_at', '<', toDbTimestamp(cutoff)).execute()
    },
  }
}

function toRow(session: StoredSession): StsSessionRow {
  return {
    account_id: session.accountId,
    access_key_id: session.accessKeyId,
    secret_sealed: session.secretSealed,
    token_hash: session.tokenHash,
    caller_json: JSON.stringify(session.caller),
    issued_at: toDbTimestamp(session.issuedAt),
    expires_at: toDbTimestamp(session.expiresAt),
  }
}

function toSession(row: StsSessionRow): StoredSession {
  return {
    accountId: row.account_id,
    accessKeyId: row.access_key_id,
    secretSealed: row.secret_sealed,
    tokenHash: row.token_hash,
    caller: JSON.parse(row.caller_json) as SessionCaller,
    issuedAt: fromDbTimestamp(row.issued_at),
    expiresAt: fromDbTimestamp(row.expires_at),
  }
}
