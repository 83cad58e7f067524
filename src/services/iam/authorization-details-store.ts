// What GetAccountAuthorizationDetails shows of a page of users, groups or roles, read with one query per kind of
// fact for the whole page rather than several per entity.
import type { AttachedPolicy, PolicyDetail, Tag } from '../../generated/iam/types.js'
import type { Db } from '../../storage/schema.js'
import type { PrincipalKind } from './attachments-store.js'
import { encodePolicyDocument } from './managed-policies-documents.js'

/** The facts of the entities of one kind on a page, by name key; an entity without any has empty lists. */
export interface PageFacts {
  inline(key: string): PolicyDetail[]
  attached(key: string): AttachedPolicy[]
  tags(key: string): Tag[]
  /** Users only: the names of the groups the user is in. */
  groups(key: string): string[]
}

export async function loadPageFacts(db: Db, accountId: string, kind: PrincipalKind, keys: readonly string[]): Promise<PageFacts> {
  const inline = new Map<string, PolicyDetail[]>()
  const attached = new Map<string, AttachedPolicy[]>()
  const tags = new Map<string, Tag[]>()
  const groups = new Map<string, string[]>()
  if (keys.length > 0) {
    const inlineRows = await db.selectFrom('iam_inline_policies').select(['principal_key', 'policy_name', 'document'])
      .where('account_id', '=', accountId).where('principal_kind', '=', kind).where('principal_key', 'in', [...keys])
      .orderBy('principal_key').orderBy('policy_key')
      .execute()
    for (const row of inlineRows) push(inline, row.principal_key, { PolicyName: row.policy_name, PolicyDocument: encodePolicyDocument(row.document) })

    const attachmentRows = await db.selectFrom('iam_policy_attachments').select(['principal_key', 'policy_arn'])
      .where('account_id', '=', accountId).where('principal_kind', '=', kind).where('principal_key', 'in', [...keys])
      .orderBy('principal_key').orderBy('attached_at').orderBy('policy_arn')
      .execute()
    for (const row of attachmentRows) push(attached, row.principal_key, { PolicyName: row.policy_arn.slice(row.policy_arn.lastIndexOf('/') + 1), PolicyArn: row.policy_arn })

    if (kind !== 'group') {
      const tagRows = await db.selectFrom('iam_tags').select(['resource_key', 'tag_key', 'tag_value'])
        .where('account_id', '=', accountId).where('resource_kind', '=', kind).where('resource_key', 'in', [...keys])
        .orderBy('resource_key').orderBy('tag_key_lower')
        .execute()
      for (const row of tagRows) push(tags, row.resource_key, { Key: row.tag_key, Value: row.tag_value })
    }

    if (kind === 'user') {
      const memberRows = await db.selectFrom('iam_group_members')
        .innerJoin('iam_groups', (join) => join.onRef('iam_groups.account_id', '=', 'iam_group_members.account_id').onRef('iam_groups.name_key', '=', 'iam_group_members.group_key'))
        .select(['iam_group_members.user_key', 'iam_groups.group_name'])
        .where('iam_group_members.account_id', '=', accountId).where('iam_group_members.user_key', 'in', [...keys])
        .orderBy('iam_group_members.user_key').orderBy('iam_groups.name_key')
        .execute()
      for (const row of memberRows) push(groups, row.user_key, row.group_name)
    }
  }
  return {
    inline: (key) => inline.get(key) ?? [],
    attached: (key) => attached.get(key) ?? [],
    tags: (key) => tags.get(key) ?? [],
    groups: (key) => groups.get(key) ?? [],
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}
