// DescribeEffectivePolicy: the management policy (tag, backup, AI services opt-out…) an account ends up with, by
// applying the policies attached to the root, each OU and the account in that order, with the inheritance
// operators @@assign, @@append, @@remove and @@operators_allowed_for_child_policies.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html
import { AccessDeniedException, EffectivePolicyNotFoundException, TargetNotFoundException } from '../../generated/organizations/errors.js'
import type { OrganizationsApi } from '../../generated/organizations/api.js'
import { ORG_MESSAGES, readScope } from './org-access.js'
import type { OrganizationsDeps } from './org-deps.js'
import { orgStore } from './org-store.js'
import { policyStore } from './policy-store.js'
import { TARGET_NOT_FOUND } from './tags.js'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

const VALUE_OPERATORS = ['@@assign', '@@append', '@@remove'] as const
const CHILD_OPERATORS = '@@operators_allowed_for_child_policies'

export function effectivePolicyOperations(deps: OrganizationsDeps) {
  const { database } = deps
  return {
    async DescribeEffectivePolicy(input, ctx) {
      const db = database.db
      const scope = await readScope(deps, ctx, { anyMember: true })
      const targetId = input.TargetId ?? ctx.accountId
      // A member account sees its own effective policy; the management account sees any account's.
      if (!scope.callerIsManagement && targetId !== ctx.accountId) throw new AccessDeniedException(ORG_MESSAGES.accessDenied)
      const member = await orgStore(db).member(scope.management, targetId)
      if (!member) throw new TargetNotFoundException(TARGET_NOT_FOUND)
      const levels: string[] = [member.accountId]
      for (let parent: string | undefined = member.parentId; parent !== undefined;) {
        levels.unshift(parent)
        parent = parent === scope.org.root_id ? undefined : (await orgStore(db).unit(scope.management, parent))?.parent_id
      }
      const enabled = (await orgStore(db).enabledPolicyTypes(scope.management)).includes(input.PolicyType)
      const documents: JsonObject[][] = []
      let lastUpdated: string | undefined
      for (const target of enabled ? levels : []) {
        const ids = await policyStore(db).attachedTo(scope.management, target, input.PolicyType)
        const level: JsonObject[] = []
        for (const id of ids) {
          const row = await policyStore(db).policy(scope.management, id)
          if (!row) continue
          level.push(JSON.parse(row.content) as JsonObject)
          if (lastUpdated === undefined || row.updated_at > lastUpdated) lastUpdated = row.updated_at
        }
        documents.push(level)
      }
      if (documents.every((level) => level.length === 0)) {
        throw new EffectivePolicyNotFoundException(
          "If you ran this action on the management account, this policy type is not enabled. If you ran the action on a member account, the account doesn't have an effective policy of this type. Contact the administrator of your organization about attaching a policy of this type to the account.",
        )
      }
      return {
        EffectivePolicy: {
          PolicyContent: JSON.stringify(effectivePolicy(documents)),
          LastUpdatedTimestamp: new Date(lastUpdated!),
          TargetId: member.accountId,
          PolicyType: input.PolicyType,
        },
      }
    },
  } satisfies Partial<OrganizationsApi>
}

/** Applies the levels (root first) to an empty policy and strips the operators from the result. */
export function effectivePolicy(levels: readonly (readonly JsonObject[])[]): JsonObject {
  const result: JsonObject = {}
  const restrictions = new Map<string, Set<string>>() // path → operators later levels may still use
  levels.forEach((level) => {
    const fromParents = new Map(restrictions)
    for (const document of level) apply(result, document, [], fromParents, restrictions)
  })
  return result
}

function apply(target: JsonObject, node: JsonObject, path: string[], fromParents: ReadonlyMap<string, Set<string>>, restrictions: Map<string, Set<string>>): void {
  for (const [key, value] of Object.entries(node)) {
    if (key === CHILD_OPERATORS) {
      if (Array.isArray(value)) restrictions.set(path.join('/'), new Set(value.map(String)))
      continue
    }
    if (key.startsWith('@@') || !isObject(value)) continue
    const here = [...path, key]
    if (VALUE_OPERATORS.some((operator) => operator in value)) {
      for (const operator of VALUE_OPERATORS) {
        if (!(operator in value) || !allowed(operator, here, fromParents)) continue
        target[key] = applyOperator(operator, target[key], value[operator]!)
      }
      if (Array.isArray(value[CHILD_OPERATORS])) restrictions.set(here.join('/'), new Set((value[CHILD_OPERATORS] as Json[]).map(String)))
      continue
    }
    const child = isObject(target[key]) ? (target[key] as JsonObject) : {}
    target[key] = child
    apply(child, value, here, fromParents, restrictions)
  }
}

// A parent's @@operators_allowed_for_child_policies on a path or any path above it limits what children may do there.
function allowed(operator: string, path: readonly string[], fromParents: ReadonlyMap<string, Set<string>>): boolean {
  for (let length = path.length; length >= 0; length--) {
    const set = fromParents.get(path.slice(0, length).join('/'))
    if (set) return set.has('@@all') || set.has(operator)
  }
  return true
}

function applyOperator(operator: (typeof VALUE_OPERATORS)[number], current: Json | undefined, operand: Json): Json {
  if (operator === '@@assign') return operand
  const list = Array.isArray(current) ? current : current === undefined ? [] : [current]
  const values = Array.isArray(operand) ? operand : [operand]
  if (operator === '@@append') return [...list, ...values.filter((value) => !list.some((existing) => JSON.stringify(existing) === JSON.stringify(value)))]
  return list.filter((existing) => !values.some((value) => JSON.stringify(existing) === JSON.stringify(value)))
}

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
