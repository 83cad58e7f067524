// OidcProviderIndex: which issuers each account has an IAM OIDC provider for, in memory, so that
// AssumeRoleWithWebIdentity's authorization entry can refuse an unknown issuer before any trust decision; kept fresh
// by IAM's provider change notices (`ACCOUNT:URLKEY`) and reloaded whole on a reset (`*` identity notice).
import type { Database } from '../../storage/database.js'
import { IDENTITY_CHANGED, OIDC_PROVIDERS_CHANGED, oidcProviderStore } from '../iam/index.js'

export interface OidcProviderIndex {
  /**
   * False only when the account surely has no provider for the issuer (`urlKey` as in the provider's ARN:
   * `server.example.com/path`): while notified changes are still being applied, every issuer may exist.
   */
  mayExist(accountId: string, urlKey: string): boolean
  /** Resolves once every change notified so far in this process has been applied. */
  settled(): Promise<void>
  close(): Promise<void>
}

export async function loadOidcProviderIndex(database: Database): Promise<OidcProviderIndex> {
  let known = new Set<string>()
  const loadAll = async () => {
    const loaded = new Set<string>()
    const accounts = await database.db.selectFrom('accounts').select('account_id').execute()
    for (const { account_id } of accounts) {
      for (const provider of await oidcProviderStore(database.db).list(account_id)) loaded.add(providerKey(account_id, provider.urlKey))
    }
    known = loaded
  }
  const reload = async (accountId: string, urlKey: string) => {
    if (await oidcProviderStore(database.db).get(accountId, urlKey)) known.add(providerKey(accountId, urlKey))
    else known.delete(providerKey(accountId, urlKey))
  }
  let queue: Promise<void> = Promise.resolve()
  let pending = 0
  // A failed reload keeps what was known: the handler still checks the provider in the database, so a stale entry
  // can only change which refusal a caller sees, never let a token through.
  const enqueue = (work: () => Promise<void>) => {
    pending++
    queue = queue.then(work).catch(loadAll).catch(() => undefined).finally(() => { pending-- })
  }
  const unsubscribers = [
    await database.subscribe(OIDC_PROVIDERS_CHANGED, (payload) => {
      const match = /^(\d{12}):(.+)$/.exec(payload)
      enqueue(match ? () => reload(match[1]!, match[2]!) : loadAll)
    }, { onMissed: () => enqueue(loadAll) }),
    await database.subscribe(IDENTITY_CHANGED, (payload) => {
      if (payload === '*') enqueue(loadAll)
    }),
  ]
  await loadAll()
  return {
    mayExist: (accountId, urlKey) => pending > 0 || known.has(providerKey(accountId, urlKey)),
    async settled() {
      let seen: Promise<void> | undefined
      while (seen !== queue) await (seen = queue)
    },
    async close() {
      for (const unsubscribe of unsubscribers) await unsubscribe()
    },
  }
}

function providerKey(accountId: string, urlKey: string): string {
  return `${accountId}/${urlKey}`
}
