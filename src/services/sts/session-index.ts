// SessionIndex: every STS session in memory, so authenticating temporary credentials never queries SQL; sessions
// issued by other processes arrive by change notice, and all of them are read back from storage after a restart.
import type { Caller } from '../../core/caller.js'
import type { Clock } from '../../core/clock.js'
import type { SecretBox } from '../../crypto/secret-box.js'
import { compilePolicy } from '../../policy/index.js'
import type { Database } from '../../storage/database.js'
import { CREDENTIALS_CHANGED } from '../iam/index.js'
import { sessionStore, SESSIONS_CHANGED, type StoredSession } from './session-store.js'
import { sessionTokenMatches } from './temporary-credentials.js'
import type { TrustIndex } from './trust-index.js'

/** What authentication needs of one session (the credential index's session side, services/iam/credential-index.ts). */
export interface SessionCredential {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly active: boolean
  readonly caller: Caller
  readonly session: { tokenMatches(token: string): boolean; readonly expiresAt: Date }
}

export interface SessionIndex {
  find(accessKeyId: string): SessionCredential | undefined
  /** Reads one session from storage into the index (after issuing it, before answering). */
  load(accessKeyId: string): Promise<void>
  close(): Promise<void>
}

/**
 * Expired sessions are kept this long, so that their credentials fail with ExpiredToken rather than as unknown
 * keys; after that they are forgotten.
 */
export const EXPIRED_SESSION_RETENTION_MS = 24 * 3600_000

export interface SessionIndexOptions {
  /**
   * The roles as they are now: a role session whose role was deleted and created again under the same name is
   * refused, since its role id (the AROA… in aws:userid) is not the new role's
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles).
   */
  readonly trust?: Pick<TrustIndex, 'find'>
}

export async function loadSessionIndex(database: Database, box: SecretBox, clock: Clock, options: SessionIndexOptions = {}): Promise<SessionIndex> {
  let sessions = new Map<string, SessionCredential>()
  const add = (into: Map<string, SessionCredential>, stored: StoredSession | undefined) => {
    const credential = stored && toCredential(stored, box)
    if (credential) into.set(credential.accessKeyId, credential)
  }
  const load = async (accessKeyId: string) => add(sessions, await sessionStore(database.db).get(accessKeyId))
  const loadAll = async () => {
    const loaded = new Map<string, SessionCredential>()
    for (const stored of await sessionStore(database.db).listExpiringAfter(retentionCutoff(clock))) add(loaded, stored)
    sessions = loaded
  }
  // Subscribe before the first load so a session issued between the two is not missed. A reset of all data
  // (`*` on the credentials channel) erases the sessions too: forget them all at once, then read what is left.
  const unsubscribers = [
    await database.subscribe(SESSIONS_CHANGED, (accessKeyId) => void load(accessKeyId).catch(() => undefined), {
      onMissed: () => void loadAll().catch(() => undefined),
    }),
    await database.subscribe(CREDENTIALS_CHANGED, (accessKeyId) => {
      if (accessKeyId !== '*') return
      sessions = new Map()
      void loadAll().catch(() => undefined)
    }),
  ]
  await loadAll()
  return {
    find(accessKeyId) {
      const found = sessions.get(accessKeyId)
      if (!found) return undefined
      if (found.session.expiresAt.getTime() < retentionCutoff(clock).getTime()) {
        sessions.delete(accessKeyId)
        return undefined
      }
      const issuer = found.caller.session?.issuer
      const current = issuer?.type === 'Role' ? options.trust?.find(issuer.arn)?.role : undefined
      if (current && current.roleId !== issuer!.id) return undefined
      return found
    },
    load,
    async close() {
      for (const unsubscribe of unsubscribers) await unsubscribe()
    },
  }
}

export function retentionCutoff(clock: Clock): Date {
  return new Date(clock.now().getTime() - EXPIRED_SESSION_RETENTION_MS)
}

/** A session whose secret or policies cannot be read back signs as no one (fails closed). */
function toCredential(stored: StoredSession, box: SecretBox): SessionCredential | undefined {
  try {
    const facts = stored.caller
    const caller: Caller = {
      type: facts.type,
      arn: facts.arn,
      accountId: stored.accountId,
      userId: facts.userId,
      accessKeyId: stored.accessKeyId,
      session: {
        ...(facts.name !== undefined && { name: facts.name }),
        issuer: facts.issuer,
        ...(facts.policies && { policies: facts.policies.map((policy) => compilePolicy(policy.id, 'session', policy.document)) }),
        ...(facts.tags && { tags: facts.tags }),
        ...(facts.transitiveTagKeys && { transitiveTagKeys: facts.transitiveTagKeys }),
        ...(facts.sourceIdentity !== undefined && { sourceIdentity: facts.sourceIdentity }),
        mfaAuthenticated: facts.mfaAuthenticated,
        ...(facts.mfaAuthenticatedAt !== undefined && { mfaAuthenticatedAt: new Date(facts.mfaAuthenticatedAt) }),
        issuedAt: stored.issuedAt,
        expiresAt: stored.expiresAt,
      },
    }
    return {
      accessKeyId: stored.accessKeyId,
      secretAccessKey: box.open(stored.secretSealed, stored.accessKeyId).toString('utf8'),
      active: true,
      caller,
      session: { tokenMatches: (token) => sessionTokenMatches(token, stored.tokenHash), expiresAt: stored.expiresAt },
    }
  } catch {
    return undefined
  }
}
