// TrustIndex: every role's trust policy, compiled, in memory, so AssumeRole's authorization entry can hand the
// authorization stage the policy without a query; kept fresh by IAM's identity change notices (`role:…`).
import { compilePolicy, type CompiledPolicy } from '../../policy/index.js'
import type { Database } from '../../storage/database.js'
import { IDENTITY_CHANGED, roleStore, type RoleRecord } from '../iam/index.js'

export interface TrustedRole {
  readonly role: RoleRecord
  /** Compiled on first use; undefined if the stored document no longer parses (which then allows nothing). */
  trustPolicy(): CompiledPolicy | undefined
}

export interface TrustIndex {
  /** The role a role ARN names (path included), or undefined. */
  find(roleArn: string): TrustedRole | undefined
  /** Resolves once every change notified so far in this process has been applied. */
  settled(): Promise<void>
  close(): Promise<void>
}

export async function loadTrustIndex(database: Database): Promise<TrustIndex> {
  let roles = new Map<string, TrustedRole>()
  const loadAll = async () => {
    const loaded = new Map<string, TrustedRole>()
    const accounts = await database.db.selectFrom('accounts').select('account_id').execute()
    for (const { account_id } of accounts) {
      for (const role of await roleStore(database.db).list(account_id)) loaded.set(roleKey(role.accountId, role.roleName), trustedRole(role))
    }
    roles = loaded
  }
  const reload = async (accountId: string, nameKey: string) => {
    const role = await roleStore(database.db).get(accountId, nameKey)
    if (role) roles.set(roleKey(accountId, nameKey), trustedRole(role))
    else roles.delete(roleKey(accountId, nameKey))
  }
  let queue: Promise<void> = Promise.resolve()
  const enqueue = (work: () => Promise<void>) => {
    queue = queue.then(work).catch(loadAll).catch(() => { roles = new Map() }) // fail closed: no role can be assumed
  }
  const unsubscribe = await database.subscribe(IDENTITY_CHANGED, (payload) => {
    if (payload === '*') return enqueue(loadAll)
    // IAM's role notices are `role:ACCOUNT:NAMEKEY` (services/iam/identity-index.ts); other kinds do not concern trust.
    const match = /^role:(\d{12}):(.+)$/.exec(payload)
    if (match) enqueue(() => reload(match[1]!, match[2]!))
  }, { onMissed: () => enqueue(loadAll) })
  await loadAll()
  return {
    find(roleArn) {
      const match = ROLE_ARN.exec(roleArn)
      const found = match ? roles.get(roleKey(match[1]!, match[2]!)) : undefined
      return found && found.role.arn === roleArn ? found : undefined
    },
    async settled() {
      let seen: Promise<void> | undefined
      while (seen !== queue) await (seen = queue)
    },
    close: unsubscribe,
  }
}

// `arn:aws:iam::111122223333:role/path/Name` → account, name.
const ROLE_ARN = /^arn:[\w-]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/

function roleKey(accountId: string, roleName: string): string {
  return `${accountId}/${roleName.toLowerCase()}`
}

function trustedRole(role: RoleRecord): TrustedRole {
  let compiled: CompiledPolicy | undefined
  let tried = false
  return {
    role,
    trustPolicy() {
      if (!tried) {
        tried = true
        try {
          compiled = compilePolicy(role.arn, 'trust', role.assumeRolePolicy)
        } catch {
          compiled = undefined
        }
      }
      return compiled
    },
  }
}
