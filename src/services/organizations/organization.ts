// The organization itself: CreateOrganization, DescribeOrganization, DeleteOrganization, ListRoots,
// EnablePolicyType and DisablePolicyType. (EnableAllFeatures is a handshake: see handshakes.ts.)
import type { OperationContext } from '../../core/operation.js'
import {
  AlreadyInOrganizationException,
  OrganizationNotEmptyException,
  PolicyTypeAlreadyEnabledException,
  PolicyTypeNotAvailableForOrganizationException,
  PolicyTypeNotEnabledException,
  RootNotFoundException,
} from '../../generated/organizations/errors.js'
import type { OrganizationsApi } from '../../generated/organizations/api.js'
import type { Organization, PolicyType } from '../../generated/organizations/types.js'
import type { Db } from '../../storage/schema.js'
import { ensureAccountRecord, ensureOrganizationsServiceRole } from '../iam/index.js'
import { defaultPolicyFor } from './aws-managed-policies.js'
import { everyTarget } from './default-attachments.js'
import { managementScope, readScope, requireServiceLinkedRolePermission, scopeOf, type OrgScope } from './org-access.js'
import type { OrganizationsDeps } from './org-deps.js'
import { organizationId, rootId } from './org-ids.js'
import { orgStore } from './org-store.js'
import { organizationChangesApplied, notifyOrganizationChange } from './organization-index.js'
import { paginate } from './pagination.js'
import { policyStore } from './policy-store.js'
import { toRootShape } from './org-view.js'

export function organizationOperations(deps: OrganizationsDeps) {
  const { database, clock, ids } = deps
  return {
    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateOrganization.html
    async CreateOrganization(input, ctx) {
      requireServiceLinkedRolePermission(ctx)
      const scope = await database.transaction(async (tx) => {
        if (await orgStore(tx).organizationOf(ctx.accountId)) {
          throw new AlreadyInOrganizationException('The AWS account is already a member of an organization.')
        }
        const now = clock.now()
        await ensureAccountRecord(tx, ctx.accountId, now)
        await ensureOrganizationsServiceRole(database, tx, { accountId: ctx.accountId, partition: ctx.partition, roleId: ids.uniqueId('AROA'), createdAt: now })
        const row = {
          account_id: ctx.accountId,
          organization_id: organizationId(ids),
          feature_set: input.FeatureSet ?? 'ALL',
          root_id: rootId(ids),
          created_at: now.toISOString(),
        }
        await orgStore(tx).insertOrganization(row)
        // The management account is listed among the accounts; AWS reports it as having joined by invitation.
        await orgStore(tx).insertMember({ account_id: ctx.accountId, member_account_id: ctx.accountId, parent_id: row.root_id, joined_method: 'INVITED', joined_at: row.created_at })
        await notifyOrganizationChange(database, ctx.accountId)
        return scopeOf(row, ctx)
      })
      await organizationChangesApplied(database)
      return { Organization: await describe(database.db, scope) }
    },

    async DescribeOrganization(_input, ctx) {
      const scope = await readScope(deps, ctx, { anyMember: true })
      return { Organization: await describe(database.db, scope) }
    },

    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeleteOrganization.html
    async DeleteOrganization(_input, ctx) {
      await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        if ((await orgStore(tx).countMembers(scope.management)) > 1) {
          throw new OrganizationNotEmptyException('The organization isn\'t empty. To delete an organization, you must first remove all accounts except the management account.')
        }
        await orgStore(tx).deleteOrganization(scope.management)
        await notifyOrganizationChange(database, scope.management)
      })
      await organizationChangesApplied(database)
    },

    async ListRoots(input, ctx) {
      const scope = await readScope(deps, ctx)
      const types = await orgStore(database.db).enabledPolicyTypes(scope.management)
      const page = paginate([toRootShape(scope, types)], input, (root) => root.Id!)
      return { Roots: page.items, ...(page.NextToken !== undefined && { NextToken: page.NextToken }) }
    },

    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnablePolicyType.html
    async EnablePolicyType(input, ctx) {
      return changePolicyType(input.RootId, input.PolicyType, ctx, true)
    },

    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_DisablePolicyType.html
    async DisablePolicyType(input, ctx) {
      return changePolicyType(input.RootId, input.PolicyType, ctx, false)
    },
  } satisfies Partial<OrganizationsApi>

  async function changePolicyType(root: string, type: PolicyType, ctx: OperationContext, enable: boolean) {
    const result = await database.transaction(async (tx) => {
      const scope = await managementScope(tx, ctx)
      if (root !== scope.org.root_id) throw new RootNotFoundException("We can't find a root with the RootId that you specified.")
      if (scope.org.feature_set !== 'ALL') {
        throw new PolicyTypeNotAvailableForOrganizationException("You can't use the specified policy type with the feature set currently enabled for this organization.")
      }
      const store = orgStore(tx)
      const enabled = (await store.enabledPolicyTypes(scope.management)).includes(type)
      if (enable && enabled) throw new PolicyTypeAlreadyEnabledException('The specified policy type is already enabled in the specified root.')
      if (!enable && !enabled) throw new PolicyTypeNotEnabledException(POLICY_TYPE_NOT_ENABLED)
      await store.setPolicyTypeEnabled(scope.management, type, enable)
      // Disabling a type detaches all its policies; enabling SCPs or RCPs attaches the AWS managed full-access
      // policy everywhere (https://docs.aws.amazon.com/organizations/latest/userguide/enable-policy-type.html).
      await policyStore(tx).detachAllOfType(scope.management, type)
      const managed = defaultPolicyFor(type)
      if (enable && managed) {
        for (const target of await everyTarget(tx, scope)) {
          await policyStore(tx).attach({ account_id: scope.management, policy_id: managed.id, target_id: target, policy_type: type })
        }
      }
      await notifyOrganizationChange(database, scope.management)
      return toRootShape(scope, await store.enabledPolicyTypes(scope.management))
    })
    await organizationChangesApplied(database)
    return { Root: result }
  }
}

export const POLICY_TYPE_NOT_ENABLED =
  "The specified policy type isn't currently enabled in this root. You can't attach policies of the specified type to entities in a root until you enable that type in the root."

async function describe(db: Db, scope: OrgScope): Promise<Organization> {
  const management = await db.selectFrom('accounts').select('email').where('account_id', '=', scope.management).executeTakeFirst()
  return {
    Id: scope.org.organization_id,
    Arn: scope.arns.organization(),
    FeatureSet: scope.org.feature_set as Organization['FeatureSet'],
    MasterAccountArn: scope.arns.account(scope.management),
    MasterAccountId: scope.management,
    MasterAccountEmail: management?.email ?? '',
    // Deprecated by AWS (roots carry the enabled types); AWS still returns the SCP entry here.
    AvailablePolicyTypes: scope.org.feature_set === 'ALL' ? [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] : [],
  }
}

