// IndexState: the identity index's maps (principals, groups, managed policies) and how each change reloads them.
import type { Caller } from '../../core/caller.js'
import { compilePolicy, type CompiledPolicy, type PolicyType, type RequestPrincipal } from '../../policy/index.js'
import type { Db } from '../../storage/schema.js'
import type { PrincipalRef } from './attachments-store.js'
import { awsManagedPolicy, isAwsManagedPolicyArn } from './aws-managed-policies.js'
import { nameKey } from './iam-names.js'
import type { CallerPolicies, IdentityChange, ResourceFacts } from './identity-index.js'

/** A policy document that compiles on first use. */
class LazyPolicy {
  private compiled: CompiledPolicy | undefined
  constructor(
    readonly id: string,
    private readonly type: PolicyType,
    private readonly document: string,
  ) {}

  get(): CompiledPolicy {
    return (this.compiled ??= compileOrNothing(this.id, this.type, this.document))
  }
}

/**
 * INVARIANT: documents were validated when written, so compiling fails only for an AWS managed policy our
 * stricter parser refuses; such a policy then grants nothing (and as a boundary allows nothing), never more.
 */
function compileOrNothing(id: string, type: PolicyType, document: string): CompiledPolicy {
  try {
    return compilePolicy(id, type, document)
  } catch {
    return compilePolicy(id, type, { type, version: '2012-10-17', singleStatement: false, statements: [] })
  }
}

interface PrincipalEntry {
  readonly kind: 'user' | 'role'
  readonly id: string
  readonly arn: string
  readonly boundaryArn: string | undefined
  readonly tags: Readonly<Record<string, string>>
  readonly inline: readonly LazyPolicy[]
  readonly attached: readonly string[]
  /** Users only: the name keys of their groups. */
  groups: string[]
  cache?: { readonly generation: number; readonly value: CallerPolicies }
}

interface GroupEntry {
  readonly arn: string
  readonly inline: readonly LazyPolicy[]
  readonly attached: readonly string[]
  readonly members: ReadonlySet<string>
}

/** Customer managed policies by ARN: their default version, compiled lazily per use (permissions or boundary). */
interface ManagedEntry {
  readonly identity: LazyPolicy
  readonly boundary: LazyPolicy
}

export class IndexState {
  private principals = new Map<string, PrincipalEntry>()
  private groups = new Map<string, GroupEntry>()
  private managed = new Map<string, ManagedEntry>()
  private awsManaged = new Map<string, ManagedEntry>()
  /** Bumped on every change; a cached policy list from an older generation is rebuilt. */
  private generation = 0

  forCaller(caller: Caller): CallerPolicies | undefined {
    const role = caller.type === 'AssumedRole'
    if (caller.type !== 'IAMUser' && !role) return undefined
    const name = role ? sessionRoleName(caller.arn) : caller.arn.slice(caller.arn.lastIndexOf('/') + 1)
    const entry = this.principals.get(principalKey(role ? 'role' : 'user', caller.accountId, nameKey(name)))
    if (!entry) return undefined
    if (!role && entry.id !== caller.userId) return undefined // a deleted user's name taken by a new one
    let cached = entry.cache
    if (!cached || cached.generation !== this.generation) {
      cached = entry.cache = { generation: this.generation, value: this.build(entry, caller) }
    }
    if (!role) return cached.value
    // A role's sessions share its policies; the principal is the session.
    return { principal: { ...cached.value.principal, arn: caller.arn, userId: caller.userId }, policies: cached.value.policies }
  }

  /** What the index knows of the user, group or role an IAM ARN names (`arn:aws:iam::ACCOUNT:user/PATH/NAME`). */
  resourceFacts(arn: string): ResourceFacts | undefined {
    const match = IAM_ENTITY_ARN.exec(arn)
    if (!match) return undefined
    const key = principalKey(match[2]!, match[1]!, nameKey(arn.slice(arn.lastIndexOf('/') + 1)))
    if (match[2] === 'group') {
      const group = this.groups.get(key)
      return group && { arn: group.arn, tags: NO_TAGS } // IAM groups cannot be tagged
    }
    const entry = this.principals.get(key)
    return entry && { arn: entry.arn, tags: entry.tags, ...(entry.boundaryArn !== undefined && { boundaryArn: entry.boundaryArn }) }
  }

  size() {
    return { principals: this.principals.size, groups: this.groups.size, policies: this.managed.size + this.awsManaged.size }
  }

  forgetAll(): void {
    this.principals = new Map()
    this.groups = new Map()
    this.generation++
  }

  async reloadAll(db: Db): Promise<void> {
    const principals = new Map<string, PrincipalEntry>()
    const groups = new Map<string, GroupEntry>()
    const inline = new Map<string, LazyPolicy[]>()
    for (const row of await db.selectFrom('iam_inline_policies').select(['account_id', 'principal_kind', 'principal_key', 'policy_name', 'document']).execute()) {
      push(inline, principalKey(row.principal_kind, row.account_id, row.principal_key), new LazyPolicy(row.policy_name, 'identity', row.document))
    }
    const attached = new Map<string, string[]>()
    for (const row of await db.selectFrom('iam_policy_attachments').select(['account_id', 'principal_kind', 'principal_key', 'policy_arn']).orderBy('attached_at').execute()) {
      push(attached, principalKey(row.principal_kind, row.account_id, row.principal_key), row.policy_arn)
    }
    const tags = new Map<string, Record<string, string>>()
    for (const row of await db.selectFrom('iam_tags').select(['account_id', 'resource_kind', 'resource_key', 'tag_key', 'tag_value']).where('resource_kind', 'in', ['user', 'role']).execute()) {
      const key = principalKey(row.resource_kind, row.account_id, row.resource_key)
      let found = tags.get(key)
      if (!found) tags.set(key, (found = {}))
      found[row.tag_key] = row.tag_value
    }
    const members = new Map<string, Set<string>>()
    for (const row of await db.selectFrom('iam_group_members').select(['account_id', 'group_key', 'user_key']).execute()) {
      const key = principalKey('group', row.account_id, row.group_key)
      let found = members.get(key)
      if (!found) members.set(key, (found = new Set()))
      found.add(row.user_key)
    }
    for (const row of await db.selectFrom('iam_groups').select(['account_id', 'name_key', 'arn']).execute()) {
      const key = principalKey('group', row.account_id, row.name_key)
      groups.set(key, { arn: row.arn, inline: inline.get(key) ?? [], attached: attached.get(key) ?? [], members: members.get(key) ?? new Set() })
    }
    const users = await db.selectFrom('iam_users').select(['account_id', 'name_key', 'user_id', 'arn', 'permissions_boundary_arn']).execute()
    const roles = await db.selectFrom('iam_roles').select(['account_id', 'name_key', 'role_id', 'arn', 'permissions_boundary_arn']).execute()
    for (const [kind, rows] of [['user', users.map((r) => ({ ...r, id: r.user_id }))], ['role', roles.map((r) => ({ ...r, id: r.role_id }))]] as const) {
      for (const row of rows) {
        const key = principalKey(kind, row.account_id, row.name_key)
        principals.set(key, {
          kind,
          id: row.id,
          arn: row.arn,
          boundaryArn: row.permissions_boundary_arn ?? undefined,
          tags: tags.get(key) ?? {},
          inline: inline.get(key) ?? [],
          attached: attached.get(key) ?? [],
          groups: [],
        })
      }
    }
    for (const [groupKey, group] of groups) {
      const { accountId, key } = splitKey(groupKey)
      for (const user of group.members) principals.get(principalKey('user', accountId, user))?.groups.push(key)
    }
    // Everything is read before anything is swapped in: requests meanwhile see the previous, consistent state.
    const managed = new Map<string, ManagedEntry>()
    await this.loadManaged(db, referencedCustomerPolicies(principals, groups), managed)
    this.principals = principals
    this.groups = groups
    this.managed = managed
    this.generation++
  }

  async apply(db: Db, change: IdentityChange): Promise<void> {
    if (change === '*') return this.reloadAll(db)
    if (change.kind === 'policy') {
      const reloaded = new Map<string, ManagedEntry>()
      if (referencedCustomerPolicies(this.principals, this.groups).has(change.arn)) await this.loadManaged(db, new Set([change.arn]), reloaded)
      const entry = reloaded.get(change.arn)
      if (entry) this.managed.set(change.arn, entry)
      else this.managed.delete(change.arn)
    } else if (change.kind === 'group') {
      await this.reloadGroup(db, change)
    } else {
      await this.reloadPrincipal(db, change)
    }
    this.generation++
  }

  /** A key was created, changed or deleted: reload its user, which may be new to the index. */
  async applyKeyChange(db: Db, accessKeyId: string): Promise<void> {
    if (accessKeyId === '*') return this.reloadAll(db)
    const row = await db.selectFrom('access_keys').select(['account_id', 'user_name']).where('access_key_id', '=', accessKeyId).executeTakeFirst()
    if (!row?.user_name) return
    await this.reloadPrincipal(db, { kind: 'user', accountId: row.account_id, key: nameKey(row.user_name) })
    this.generation++
  }

  private async reloadPrincipal(db: Db, ref: PrincipalRef): Promise<void> {
    const key = principalKey(ref.kind, ref.accountId, ref.key)
    const row = ref.kind === 'user'
      ? await db.selectFrom('iam_users').select(['user_id as id', 'arn', 'permissions_boundary_arn']).where('account_id', '=', ref.accountId).where('name_key', '=', ref.key).executeTakeFirst()
      : await db.selectFrom('iam_roles').select(['role_id as id', 'arn', 'permissions_boundary_arn']).where('account_id', '=', ref.accountId).where('name_key', '=', ref.key).executeTakeFirst()
    if (!row) {
      this.principals.delete(key)
      return
    }
    const [inline, attached, tags, groups] = await Promise.all([
      this.loadInline(db, ref),
      this.loadAttached(db, ref),
      db.selectFrom('iam_tags').select(['tag_key', 'tag_value']).where('account_id', '=', ref.accountId).where('resource_kind', '=', ref.kind).where('resource_key', '=', ref.key).execute(),
      ref.kind === 'user'
        ? db.selectFrom('iam_group_members').select(['group_key']).where('account_id', '=', ref.accountId).where('user_key', '=', ref.key).execute()
        : Promise.resolve([]),
    ])
    await this.loadManaged(db, this.missingCustomerPolicies([...attached, ...(row.permissions_boundary_arn ? [row.permissions_boundary_arn] : [])]), this.managed)
    this.principals.set(key, {
      kind: ref.kind as 'user' | 'role',
      id: row.id,
      arn: row.arn,
      boundaryArn: row.permissions_boundary_arn ?? undefined,
      tags: Object.fromEntries(tags.map((tag) => [tag.tag_key, tag.tag_value])),
      inline,
      attached,
      groups: groups.map((group) => group.group_key),
    })
  }

  private async reloadGroup(db: Db, ref: PrincipalRef): Promise<void> {
    const key = principalKey('group', ref.accountId, ref.key)
    const before = this.groups.get(key)?.members ?? new Set<string>()
    const row = await db.selectFrom('iam_groups').select(['arn']).where('account_id', '=', ref.accountId).where('name_key', '=', ref.key).executeTakeFirst()
    const [inline, attached, members] = row
      ? await Promise.all([
          this.loadInline(db, ref),
          this.loadAttached(db, ref),
          db.selectFrom('iam_group_members').select(['user_key']).where('account_id', '=', ref.accountId).where('group_key', '=', ref.key).execute(),
        ])
      : [[], [], []]
    await this.loadManaged(db, this.missingCustomerPolicies(attached), this.managed)
    const after = new Set(members.map((member) => member.user_key))
    if (row) this.groups.set(key, { arn: row.arn, inline, attached, members: after })
    else this.groups.delete(key)
    // Membership may have changed without a notice for the user: bring each affected user's group list in line.
    for (const user of new Set([...before, ...after])) {
      const entry = this.principals.get(principalKey('user', ref.accountId, user))
      if (!entry) continue
      const others = entry.groups.filter((group) => group !== ref.key)
      entry.groups = after.has(user) ? [...others, ref.key] : others
    }
  }

  private async loadInline(db: Db, ref: PrincipalRef): Promise<LazyPolicy[]> {
    const rows = await db
      .selectFrom('iam_inline_policies')
      .select(['policy_name', 'document'])
      .where('account_id', '=', ref.accountId)
      .where('principal_kind', '=', ref.kind)
      .where('principal_key', '=', ref.key)
      .execute()
    return rows.map((row) => new LazyPolicy(row.policy_name, 'identity', row.document))
  }

  private async loadAttached(db: Db, ref: PrincipalRef): Promise<string[]> {
    const rows = await db
      .selectFrom('iam_policy_attachments')
      .select(['policy_arn'])
      .where('account_id', '=', ref.accountId)
      .where('principal_kind', '=', ref.kind)
      .where('principal_key', '=', ref.key)
      .orderBy('attached_at')
      .execute()
    return rows.map((row) => row.policy_arn)
  }

  /** Loads the default version of each customer managed policy named into `into`, in batches. */
  private async loadManaged(db: Db, arns: ReadonlySet<string>, into: Map<string, ManagedEntry>): Promise<void> {
    const list = [...arns]
    for (let start = 0; start < list.length; start += 500) {
      const rows = await db
        .selectFrom('iam_policies as p')
        .innerJoin('iam_policy_versions as v', (join) =>
          join.onRef('v.account_id', '=', 'p.account_id').onRef('v.policy_key', '=', 'p.name_key').onRef('v.version_id', '=', 'p.default_version_id'),
        )
        .select(['p.arn', 'v.document', 'v.version_id'])
        .where('p.arn', 'in', list.slice(start, start + 500))
        .execute()
      for (const row of rows) into.set(row.arn, managedEntry(row.arn, row.document))
    }
  }

  private missingCustomerPolicies(arns: readonly string[]): Set<string> {
    return new Set(arns.filter((arn) => !isAwsManagedPolicyArn(arn) && !this.managed.has(arn)))
  }

  private build(entry: PrincipalEntry, caller: Caller): CallerPolicies {
    const identity: CompiledPolicy[] = []
    const addManaged = (arn: string) => {
      const policy = this.managedPolicy(arn)
      if (policy) identity.push(policy.identity.get())
    }
    for (const policy of entry.inline) identity.push(policy.get())
    for (const arn of entry.attached) addManaged(arn)
    for (const groupKey of entry.groups) {
      const group = this.groups.get(principalKey('group', caller.accountId, groupKey))
      if (!group) continue
      for (const policy of group.inline) identity.push(policy.get())
      for (const arn of group.attached) addManaged(arn)
    }
    // A boundary whose policy cannot be found allows nothing: a missing boundary never widens permissions.
    const boundary = entry.boundaryArn === undefined ? undefined : (this.managedPolicy(entry.boundaryArn)?.boundary.get() ?? nothingAllowed(entry.boundaryArn))
    const principal: RequestPrincipal = {
      type: entry.kind === 'user' ? 'IAMUser' : 'AssumedRole',
      arn: caller.arn,
      accountId: caller.accountId,
      userId: caller.userId,
      tags: entry.tags,
      ...(entry.kind === 'role' && { issuerArn: entry.arn }),
    }
    return { principal, policies: { identity, ...(boundary && { boundary }) } }
  }

  private managedPolicy(arn: string): ManagedEntry | undefined {
    if (!isAwsManagedPolicyArn(arn)) return this.managed.get(arn)
    let entry = this.awsManaged.get(arn)
    if (!entry) {
      const policy = awsManagedPolicy(arn)
      if (!policy) return undefined
      this.awsManaged.set(arn, (entry = managedEntry(arn, policy.document)))
    }
    return entry
  }
}

function referencedCustomerPolicies(principals: ReadonlyMap<string, PrincipalEntry>, groups: ReadonlyMap<string, GroupEntry>): Set<string> {
  const arns = new Set<string>()
  const add = (arn: string | undefined) => arn !== undefined && !isAwsManagedPolicyArn(arn) && arns.add(arn)
  for (const entry of principals.values()) {
    for (const arn of entry.attached) add(arn)
    add(entry.boundaryArn)
  }
  for (const group of groups.values()) for (const arn of group.attached) add(arn)
  return arns
}

function managedEntry(arn: string, document: string): ManagedEntry {
  return { identity: new LazyPolicy(arn, 'identity', document), boundary: new LazyPolicy(arn, 'boundary', document) }
}

function nothingAllowed(id: string): CompiledPolicy {
  return compilePolicy(id, 'boundary', { type: 'boundary', version: '2012-10-17', singleStatement: false, statements: [] })
}

const IAM_ENTITY_ARN = /^arn:[^:]+:iam::(\d{12}):(user|group|role)\//
const NO_TAGS: Readonly<Record<string, string>> = Object.freeze({})

function principalKey(kind: string, accountId: string, key: string): string {
  return `${kind}:${accountId}:${key}`
}

function splitKey(key: string): { accountId: string; key: string } {
  const first = key.indexOf(':')
  const second = key.indexOf(':', first + 1)
  return { accountId: key.slice(first + 1, second), key: key.slice(second + 1) }
}

/** `arn:aws:sts::111122223333:assumed-role/RoleName/session` → `RoleName`. */
function sessionRoleName(arn: string): string {
  const start = arn.indexOf(':assumed-role/') + ':assumed-role/'.length
  return arn.slice(start, arn.indexOf('/', start))
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}
