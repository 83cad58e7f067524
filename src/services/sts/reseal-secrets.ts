// resealStsSessions: re-seals every stored STS session's secret access key under a new root key, inside the caller's
// transaction, so temporary credentials already handed out keep signing after a root key rotation.
import type { SecretBox } from '../../crypto/secret-box.js'
import type { Db } from '../../storage/schema.js'

/**
 * Opens each session's secret with `from` and seals it with `to` (context: the session's access key id, as
 * issueSession seals it), expired sessions included. A secret `from` cannot open throws SecretBoxError, so the
 * caller's transaction rolls back. Returns how many sessions were re-sealed.
 */
export async function resealStsSessions(tx: Db, from: SecretBox, to: SecretBox): Promise<number> {
  const sessions = await tx.selectFrom('sts_sessions').select(['account_id', 'access_key_id', 'secret_sealed']).execute()
  for (const session of sessions) {
    const plain = from.open(session.secret_sealed, session.access_key_id)
    const sealed = to.seal(plain, session.access_key_id)
    plain.fill(0)
    await tx.updateTable('sts_sessions').set({ secret_sealed: sealed })
      .where('account_id', '=', session.account_id).where('access_key_id', '=', session.access_key_id).execute()
  }
  return sessions.length
}
