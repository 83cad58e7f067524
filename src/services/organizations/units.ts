// The tree: CreateOrganizationalUnit, UpdateOrganizationalUnit, DeleteOrganizationalUnit, DescribeOrganizationalUnit,
// ListOrganizationalUnitsForParent, ListParents and ListChildren.
import {
  ChildNotFoundException,
  ConstraintViolationException,
  DuplicateOrganizationalUnitException,
  OrganizationalUnitNotEmptyException,
  OrganizationalUnitNotFoundException,
} from '../../generated/organizations/errors.js'
import type { OrganizationsApi } from '../../generated/organizations/api.js'
import type { OrgUnitRow } from '../../storage/migrations/0012-organizations.js'
import type { Db } from '../../storage/schema.js'
import { attachDefaultPolicies } from './default-attachments.js'
import { managementScope, readScope, requireParent, unitDepth, type OrgScope } from './org-access.js'
import type { OrganizationsDeps } from './org-deps.js'
import { ID_PATTERNS, organizationalUnitId } from './org-ids.js'
import { orgStore } from './org-store.js'
import { toUnitShape } from './org-view.js'
import { notifyOrganizationChange, organizationChangesApplied } from './organization-index.js'
import { pageOf, pageSize, pageStart, paginate } from './pagination.js'
import { policyStore } from './policy-store.js'
import { dropTags, putTags } from './tags.js'

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
/** "OU maximum nesting in a root: 5 levels of OUs deep under a root." */
export const MAX_OU_DEPTH = 5
/** "Number of OUs in an organization: 2000." */
export const MAX_OUS = 2000

const OU_NOT_FOUND = "We can't find an OU with the OrganizationalUnitId that you specified."

export function unitOperations(deps: OrganizationsDeps) {
  const { database, clock, ids } = deps
  return {
    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateOrganizationalUnit.html
    async CreateOrganizationalUnit(input, ctx) {
      const result = await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        const parent = await requireParent(tx, scope, input.ParentId)
        const depth = parent.kind === 'ROOT' ? 1 : (await unitDepth(tx, scope, parent.unit.ou_id)) + 1
        if (depth > MAX_OU_DEPTH) {
          throw new ConstraintViolationException('You have exceeded the maximum nesting depth of OUs in a root (5 levels).', { Reason: 'OU_DEPTH_LIMIT_EXCEEDED' })
        }
        if ((await orgStore(tx).countUnits(scope.management)) >= MAX_OUS) {
          throw new ConstraintViolationException('You have exceeded the number of OUs allowed in an organization.', { Reason: 'OU_NUMBER_LIMIT_EXCEEDED' })
        }
        await requireUniqueName(tx, scope, input.ParentId, input.Name)
        const unit: OrgUnitRow = {
          account_id: scope.management,
          ou_id: organizationalUnitId(ids, scope.org.root_id),
          parent_id: input.ParentId,
          name: input.Name,
          created_at: clock.now().toISOString(),
        }
        await orgStore(tx).insertUnit(unit)
        await putTags(tx, scope, unit.ou_id, input.Tags)
        await attachDefaultPolicies(tx, scope, unit.ou_id)
        await notifyOrganizationChange(database, scope.management)
        return toUnitShape(scope, unit)
      })
      await organizationChangesApplied(database)
      return { OrganizationalUnit: result }
    },

    async UpdateOrganizationalUnit(input, ctx) {
      const result = await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        const unit = await requireUnit(tx, scope, input.OrganizationalUnitId)
        if (input.Name === undefined || input.Name === unit.name) return toUnitShape(scope, unit)
        await requireUniqueName(tx, scope, unit.parent_id, input.Name)
        await orgStore(tx).renameUnit(scope.management, unit.ou_id, input.Name)
        return toUnitShape(scope, { ...unit, name: input.Name })
      })
      return { OrganizationalUnit: result }
    },

    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeleteOrganizationalUnit.html
    async DeleteOrganizationalUnit(input, ctx) {
      await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        const unit = await requireUnit(tx, scope, input.OrganizationalUnitId)
        const store = orgStore(tx)
        if ((await store.unitsUnder(scope.management, unit.ou_id)).length > 0 || (await store.countMembers(scope.management, unit.ou_id)) > 0) {
          throw new OrganizationalUnitNotEmptyException(
            'The specified OU is not empty. Move all accounts to another root or OU and delete all child OUs, and then try the operation again.',
          )
        }
        await store.deleteUnit(scope.management, unit.ou_id)
        await policyStore(tx).detachAllFrom(scope.management, unit.ou_id)
        await dropTags(tx, scope, unit.ou_id)
        await notifyOrganizationChange(database, scope.management)
      })
      await organizationChangesApplied(database)
    },

    async DescribeOrganizationalUnit(input, ctx) {
      const scope = await readScope(deps, ctx)
      return { OrganizationalUnit: toUnitShape(scope, await requireUnit(database.db, scope, input.OrganizationalUnitId)) }
    },

    async ListOrganizationalUnitsForParent(input, ctx) {
      const scope = await readScope(deps, ctx)
      await requireParent(database.db, scope, input.ParentId)
      const page = paginate(await orgStore(database.db).unitsUnder(scope.management, input.ParentId), input, (unit) => unit.ou_id)
      return { OrganizationalUnits: page.items.map((unit) => toUnitShape(scope, unit)), ...(page.NextToken !== undefined && { NextToken: page.NextToken }) }
    },

    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListParents.html
    async ListParents(input, ctx) {
      const scope = await readScope(deps, ctx)
      const parentId = await parentOf(database.db, scope, input.ChildId)
      if (parentId === undefined) {
        throw new ChildNotFoundException("We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
      }
      const page = paginate([{ Id: parentId, Type: parentId === scope.org.root_id ? 'ROOT' as const : 'ORGANIZATIONAL_UNIT' as const }], input, (parent) => parent.Id)
      return { Parents: page.items, ...(page.NextToken !== undefined && { NextToken: page.NextToken }) }
    },

    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListChildren.html
    async ListChildren(input, ctx) {
      const scope = await readScope(deps, ctx)
      await requireParent(database.db, scope, input.ParentId)
      if (input.ChildType === 'ORGANIZATIONAL_UNIT') {
        const page = paginate(await orgStore(database.db).unitsUnder(scope.management, input.ParentId), input, (unit) => unit.ou_id)
        return { Children: page.items.map((unit) => ({ Id: unit.ou_id, Type: input.ChildType })), ...(page.NextToken !== undefined && { NextToken: page.NextToken }) }
      }
      const size = pageSize(input)
      const after = pageStart(input)
      const rows = await orgStore(database.db).members(scope.management, { parentId: input.ParentId, limit: size + 1, ...(after !== undefined && { afterId: after }) })
      const page = pageOf(rows, size, (member) => member.accountId)
      return { Children: page.items.map((member) => ({ Id: member.accountId, Type: input.ChildType })), ...(page.NextToken !== undefined && { NextToken: page.NextToken }) }
    },
  } satisfies Partial<OrganizationsApi>
}

export async function requireUnit(db: Db, scope: OrgScope, ouId: string): Promise<OrgUnitRow> {
  const unit = ID_PATTERNS.ou.test(ouId) ? await orgStore(db).unit(scope.management, ouId) : undefined
  if (!unit) throw new OrganizationalUnitNotFoundException(OU_NOT_FOUND)
  return unit
}

/** The parent of an OU or account of the organization, or undefined. */
async function parentOf(db: Db, scope: OrgScope, childId: string): Promise<string | undefined> {
  if (ID_PATTERNS.ou.test(childId)) return (await orgStore(db).unit(scope.management, childId))?.parent_id
  if (ID_PATTERNS.account.test(childId)) return (await orgStore(db).member(scope.management, childId))?.parentId
  return undefined
}

async function requireUniqueName(db: Db, scope: OrgScope, parentId: string, name: string): Promise<void> {
  const siblings = await orgStore(db).unitsUnder(scope.management, parentId)
  if (siblings.some((sibling) => sibling.name === name)) throw new DuplicateOrganizationalUnitException('An OU with the same name already exists.')
}
