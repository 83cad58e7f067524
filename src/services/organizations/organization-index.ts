// OrganizationIndex: every organization's tree (root, OUs, accounts) with its SCPs and RCPs compiled, in memory, so
// the authorization stage reads an account's membership without a query. Writers notify `organizations.changed`
// with the management account of the organization that changed (or `*`) inside their transaction; the index
// rebuilds that organization, so a changed SCP, attachment or account placement applies on the next request.
import type { OrganizationMembership, OrganizationPolicySource } from '../../authz/organization-policies.js'
import { compilePolicy, type CompiledPolicy } from '../../policy/index.js'
import type { Database } from '../../storage/database.js'
import { AWS_MANAGED_ORG_POLICIES } from './aws-managed-policies.js'
import { orgArns } from './org-ids.js'

export const ORGANIZATIONS_CHANGED = 'organizations.changed'

const ENFORCED_TYPES = ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'] as const
const CLOSED_STATES = new Set(['PENDING_CLOSURE', 'SUSPENDED'])

/** Where an account sits: enough to answer "which organization, managed by whom" without a query. */
export interface OrganizationFacts {
  readonly organizationId: string
  readonly managementAccountId: string
  readonly rootId: string
  readonly featureSet: string
  readonly createdAt: string
}

export interface OrganizationIndex extends OrganizationPolicySource {
  /** The organization an account belongs to (management or member), or undefined. */
  organizationOf(accountId: string): OrganizationFacts | undefined
  /** The type of a customer policy of the organization `managementAccountId` manages, or undefined. */
  policyType(managementAccountId: string, policyId: string): string | undefined
  /** Resolves once every change notified so far in this process has been applied. */
  settled(): Promise<void>
  close(): Promise<void>
}

/** Inside a mutating transaction: tells every organization index which organization changed. */
export function notifyOrganizationChange(database: Database, managementAccountId: string): Promise<void> {
  return database.notify(ORGANIZATIONS_CHANGED, managementAccountId)
}

/** After a transaction that notified a change: resolves once this process's index has applied it. */
export async function organizationChangesApplied(database: Database): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve)) // the bus delivers on a later microtask
  await indexes.get(database)?.settled()
}

const indexes = new WeakMap<Database, OrganizationIndex>()

interface OrganizationSnapshot {
  readonly facts: OrganizationFacts
  /** OU id → parent id (the root or an OU). */
  readonly parentOf: ReadonlyMap<string, string>
  /** Member account id → parent id; the management account included. */
  readonly accountParent: ReadonlyMap<string, string>
  readonly closedAccounts: ReadonlySet<string>
  /** Per enabled enforced type: target id → compiled policies attached to it. */
  readonly attached: ReadonlyMap<string, ReadonlyMap<string, readonly CompiledPolicy[]>>
  /** Every customer policy's type, for the ARNs the authorization table builds. */
  readonly policyTypes: ReadonlyMap<string, string>
  /** Memberships computed on first use. */
  readonly memberships: Map<string, OrganizationMembership>
}

export async function loadOrganizationIndex(database: Database, options: { partition: string }): Promise<OrganizationIndex> {
  let organizations = new Map<string, OrganizationSnapshot>() // by management account
  let accountToManagement = new Map<string, string>()
  // Compiled once per policy version: a reload after an unrelated change reuses them.
  let compiled = new Map<string, CompiledPolicy>()

  const compile = (arn: string, type: string, content: string): CompiledPolicy => {
    const key = `${arn}\n${content}`
    let policy = compiled.get(key)
    if (!policy) {
      policy = compilePolicy(arn, type === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp', content)
      compiled.set(key, policy)
    }
    return policy
  }

  const load = async (managementAccountId?: string): Promise<OrganizationSnapshot[]> => {
    const db = database.db
    const one = managementAccountId !== undefined
    const [orgRows, typeRows, unitRows, memberRows, policyRows, attachmentRows] = await Promise.all([
      db.selectFrom('org_organizations').selectAll().$if(one, (q) => q.where('account_id', '=', managementAccountId!)).execute(),
      db.selectFrom('org_policy_types').selectAll().$if(one, (q) => q.where('account_id', '=', managementAccountId!)).execute(),
      db.selectFrom('org_units').select(['account_id', 'ou_id', 'parent_id']).$if(one, (q) => q.where('account_id', '=', managementAccountId!)).execute(),
      db.selectFrom('org_members as m').innerJoin('accounts as a', 'a.account_id', 'm.member_account_id')
        .select(['m.account_id', 'm.member_account_id', 'm.parent_id', 'a.status'])
        .$if(one, (q) => q.where('m.account_id', '=', managementAccountId!)).execute(),
      db.selectFrom('org_policies').select(['account_id', 'policy_id', 'policy_type', 'content'])
        .$if(one, (q) => q.where('account_id', '=', managementAccountId!)).execute(),
      db.selectFrom('org_attachments').selectAll().where('policy_type', 'in', [...ENFORCED_TYPES])
        .$if(one, (q) => q.where('account_id', '=', managementAccountId!)).execute(),
    ])
    return orgRows.map((org) => {
      const mine = <R extends { account_id: string }>(rows: readonly R[]) => rows.filter((row) => row.account_id === org.account_id)
      const arns = orgArns(options.partition, org.account_id, org.organization_id)
      const enabled = new Set(mine(typeRows).map((row) => row.policy_type))
      const contents = new Map<string, { type: string; content: string }>()
      for (const policy of AWS_MANAGED_ORG_POLICIES) contents.set(policy.id, { type: policy.type, content: policy.content })
      for (const policy of mine(policyRows)) contents.set(policy.policy_id, { type: policy.policy_type, content: policy.content })
      const attached = new Map<string, Map<string, CompiledPolicy[]>>()
      if (org.feature_set === 'ALL') {
        for (const type of ENFORCED_TYPES) if (enabled.has(type)) attached.set(type, new Map())
      }
      for (const row of mine(attachmentRows)) {
        const byTarget = attached.get(row.policy_type)
        const policy = contents.get(row.policy_id)
        if (!byTarget || !policy) continue
        const arn = arns.policy(row.policy_type, row.policy_id)
        const list = byTarget.get(row.target_id) ?? []
        list.push(compile(arn, policy.type, policy.content))
        byTarget.set(row.target_id, list)
      }
      const members = mine(memberRows)
      return {
        facts: { organizationId: org.organization_id, managementAccountId: org.account_id, rootId: org.root_id, featureSet: org.feature_set, createdAt: org.created_at },
        parentOf: new Map(mine(unitRows).map((row) => [row.ou_id, row.parent_id])),
        accountParent: new Map(members.map((row) => [row.member_account_id, row.parent_id])),
        closedAccounts: new Set(members.filter((row) => CLOSED_STATES.has(row.status)).map((row) => row.member_account_id)),
        attached,
        policyTypes: new Map(mine(policyRows).map((row) => [row.policy_id, row.policy_type])),
        memberships: new Map(),
      }
    })
  }

  const install = (snapshots: readonly OrganizationSnapshot[], replacing: readonly string[]) => {
    for (const managementAccountId of replacing) {
      const old = organizations.get(managementAccountId)
      if (old) for (const accountId of old.accountParent.keys()) if (accountToManagement.get(accountId) === managementAccountId) accountToManagement.delete(accountId)
      organizations.delete(managementAccountId)
    }
    for (const snapshot of snapshots) {
      organizations.set(snapshot.facts.managementAccountId, snapshot)
      for (const accountId of snapshot.accountParent.keys()) accountToManagement.set(accountId, snapshot.facts.managementAccountId)
    }
  }

  const reloadAll = async () => {
    const snapshots = await load()
    // everything is read and compiled before the swap: no request sees half an index
    organizations = new Map()
    accountToManagement = new Map()
    if (compiled.size > 10_000) compiled = new Map()
    install(snapshots, [])
  }
  const reloadOne = async (managementAccountId: string) => install(await load(managementAccountId), [managementAccountId])

  let queue: Promise<void> = Promise.resolve()
  // A failed reload falls back to a full one; if that fails too the index keeps what it had (forgetting every
  // organization would lift every SCP: failing open).
  const enqueue = (work: () => Promise<void>) => {
    queue = queue.then(work).catch(() => reloadAll()).catch(() => undefined)
    return queue
  }
  // Notices for an organization whose reload is queued but not started join that reload: a burst of changes (an
  // import creating thousands of accounts) costs one rebuild, not one per change.
  const waiting = new Set<string>()
  const unsubscribe = await database.subscribe(ORGANIZATIONS_CHANGED, (payload) => {
    if (waiting.has(payload)) return
    waiting.add(payload)
    void enqueue(() => {
      waiting.delete(payload)
      return payload === '*' ? reloadAll() : reloadOne(payload)
    })
  }, { onMissed: () => void enqueue(reloadAll) })
  await reloadAll()

  const snapshotOf = (accountId: string): OrganizationSnapshot | undefined => {
    const management = accountToManagement.get(accountId)
    return management === undefined ? undefined : organizations.get(management)
  }

  const index: OrganizationIndex = {
    membership(accountId) {
      const snapshot = snapshotOf(accountId)
      if (!snapshot) return undefined
      let membership = snapshot.memberships.get(accountId)
      if (!membership) {
        membership = membershipOf(snapshot, accountId)
        snapshot.memberships.set(accountId, membership)
      }
      return membership
    },
    organizationOf: (accountId) => snapshotOf(accountId)?.facts,
    policyType: (managementAccountId, policyId) => organizations.get(managementAccountId)?.policyTypes.get(policyId),
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

/** The chain root → OUs → account, its org path, and the enforced policies per level (none for the management account). */
function membershipOf(snapshot: OrganizationSnapshot, accountId: string): OrganizationMembership {
  const { facts } = snapshot
  const chain: string[] = [] // root first, then each OU down to the account's parent
  for (let parent = snapshot.accountParent.get(accountId); parent !== undefined; parent = snapshot.parentOf.get(parent)) chain.unshift(parent)
  const orgPath = `${facts.organizationId}/${chain.join('/')}/`
  const levels = [...chain, accountId]
  const isManagement = accountId === facts.managementAccountId
  const policiesOf = (type: string) => {
    const byTarget = snapshot.attached.get(type)
    if (!byTarget || isManagement) return undefined
    return levels.map((target) => byTarget.get(target) ?? [])
  }
  const scps = policiesOf('SERVICE_CONTROL_POLICY')
  const rcps = policiesOf('RESOURCE_CONTROL_POLICY')
  return {
    organizationId: facts.organizationId,
    managementAccountId: facts.managementAccountId,
    orgPath,
    ...(scps && { scps }),
    ...(rcps && { rcps }),
    ...(snapshot.closedAccounts.has(accountId) && { closed: true }),
  }
}
