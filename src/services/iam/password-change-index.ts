// PasswordChangeIndex: which accounts' password policies let IAM users change their own password
// (AllowUsersToChangePassword), in memory so the authorization entries of ChangePassword and
// GetAccountPasswordPolicy can read it synchronously; kept fresh by change notices on `iam.password-policy`, from
// this process and from others sharing the database.
import type { Caller } from '../../core/caller.js'
import type { ResourcePolicies } from '../../core/authorization-target.js'
import { compilePolicy, type CompiledPolicy } from '../../policy/index.js'
import type { Database } from '../../storage/database.js'
import { readPasswordPolicy, type StoredPasswordPolicy } from './password-policy-store.js'

/** The change channel writers of the account password policy notify with the account id ('*' reloads everything). */
export const PASSWORD_POLICY_CHANGED = 'iam.password-policy'

export interface PasswordChangeIndex {
  /** Whether the account's password policy has AllowUsersToChangePassword (false with no policy, AWS's default). */
  allowsUsersToChangePassword(accountId: string): boolean
  /** Resolves once every change notified so far in this process has been applied. */
  settled(): Promise<void>
  close(): Promise<void>
}

/** Inside the transaction that wrote or deleted an account's password policy: tells every index what changed. */
export function notifyPasswordPolicyChange(database: Database, accountId: string): Promise<void> {
  return database.notify(PASSWORD_POLICY_CHANGED, accountId)
}

/** After a transaction that notified a change: resolves once this process's index has applied it. */
export async function passwordPolicyChangesApplied(database: Database): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve)) // the bus delivers on a later microtask
  await indexes.get(database)?.settled()
}

const indexes = new WeakMap<Database, PasswordChangeIndex>()

export async function loadPasswordChangeIndex(database: Database): Promise<PasswordChangeIndex> {
  let allowing = new Set<string>()
  const loadAll = async (): Promise<Set<string>> => {
    const loaded = new Set<string>()
    for (const row of await database.db.selectFrom('iam_password_policies').select(['account_id', 'settings']).execute()) {
      if ((JSON.parse(row.settings) as StoredPasswordPolicy).AllowUsersToChangePassword) loaded.add(row.account_id)
    }
    return loaded
  }
  const reload = async (accountId: string): Promise<void> => {
    if ((await readPasswordPolicy(database.db, accountId))?.AllowUsersToChangePassword) allowing.add(accountId)
    else allowing.delete(accountId)
  }
  // Reloads run one at a time, in the order notified, so an older read never overwrites a newer one. If storage
  // fails even a full reload, the index fails closed: the account setting grants nothing until the next notice.
  let queue: Promise<void> = Promise.resolve()
  const enqueue = (work: () => Promise<void>) => {
    queue = queue.then(work)
      .catch(async () => { allowing = await loadAll() })
      .catch(() => { allowing = new Set() })
  }
  // Subscribe before the first load so a write between the two is not missed.
  const unsubscribe = await database.subscribe(
    PASSWORD_POLICY_CHANGED,
    (accountId) => {
      if (accountId === '*') return enqueue(async () => { allowing = await loadAll() })
      // Forget the grant at once, before reading the policy back: a revoked setting must refuse the very next
      // request, which may arrive while the read is in flight.
      allowing.delete(accountId)
      enqueue(() => reload(accountId))
    },
    { onMissed: () => enqueue(async () => { allowing = await loadAll() }) },
  )
  allowing = await loadAll()

  const index: PasswordChangeIndex = {
    allowsUsersToChangePassword: (accountId) => allowing.has(accountId),
    async settled() {
      let seen: Promise<void> | undefined
      while (seen !== queue) await (seen = queue)
    },
    async close() {
      indexes.delete(database)
      await unsubscribe()
    },
  }
  indexes.set(database, index)
  return index
}

/**
 * What the account setting grants an IAM user, as a resource-based policy for the authorization stage: "Gives IAM
 * users permissions to iam:ChangePassword for only their user and to the iam:GetAccountPasswordPolicy action. This
 * option does not attach a permissions policy to each user, rather the permissions are applied at the
 * account-level" (https://docs.aws.amazon.com/IAM/latest/APIReference/API_PasswordPolicy.html). A resource policy
 * naming the caller grants on its own, and an explicit deny in the user's policies still wins. Undefined when the
 * account does not allow it, or for any caller but an IAM user.
 */
export function accountSettingGrant(index: PasswordChangeIndex | undefined, caller: Caller): ResourcePolicies | undefined {
  if (caller.type !== 'IAMUser' || !index?.allowsUsersToChangePassword(caller.accountId)) return undefined
  return { kind: 'resource', policies: [accountSettingPolicy()], ownerAccountId: caller.accountId }
}

let accountSetting: CompiledPolicy | undefined

// INVARIANT: the grant is attached only to ChangePassword, whose one resource is the caller's own user ARN, and to
// GetAccountPasswordPolicy, which has no resource type, both in the caller's own account: Principal and Resource
// `*` here reach no one but the caller.
function accountSettingPolicy(): CompiledPolicy {
  accountSetting ??= compilePolicy('account-password-policy:AllowUsersToChangePassword', 'resource', {
    Version: '2012-10-17',
    Statement: [{
      Sid: 'AllowUsersToChangePassword',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['iam:ChangePassword', 'iam:GetAccountPasswordPolicy'],
      Resource: '*',
    }],
  })
  return accountSetting
}
