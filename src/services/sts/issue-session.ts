// issueSession: stores a new STS session and makes its credentials usable at once, in this process and others.
import type { Credentials } from '../../generated/sts/types.js'
import { retentionCutoff } from './session-index.js'
import { sessionStore, SESSIONS_CHANGED, type SessionCaller } from './session-store.js'
import type { StsDeps } from './sts-deps.js'
import { mintTemporaryCredentials, sessionTokenHash } from './temporary-credentials.js'

export interface SessionRequest {
  readonly accountId: string
  readonly caller: SessionCaller
  readonly durationSeconds: number
}

export async function issueSession(deps: Pick<StsDeps, 'database' | 'clock' | 'ids' | 'box' | 'sessions'>, request: SessionRequest): Promise<Credentials> {
  const { database, clock, ids, box, sessions } = deps
  const issuedAt = clock.now()
  const expiresAt = new Date(issuedAt.getTime() + request.durationSeconds * 1000)
  const minted = mintTemporaryCredentials(ids)
  await database.transaction(async (tx) => {
    const store = sessionStore(tx)
    await store.deleteExpiredBefore(retentionCutoff(clock))
    await store.insert({
      accountId: request.accountId,
      accessKeyId: minted.accessKeyId,
      secretSealed: box.seal(minted.secretAccessKey, minted.accessKeyId),
      tokenHash: sessionTokenHash(minted.sessionToken),
      caller: request.caller,
      issuedAt,
      expiresAt,
    })
    await database.notify(SESSIONS_CHANGED, minted.accessKeyId)
  })
  // The client may sign with the credentials as soon as it has them: this process knows them before answering.
  await sessions.load(minted.accessKeyId)
  return { AccessKeyId: minted.accessKeyId, SecretAccessKey: minted.secretAccessKey, SessionToken: minted.sessionToken, Expiration: expiresAt }
}
