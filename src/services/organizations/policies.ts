// Policies: CreatePolicy, UpdatePolicy, DeletePolicy, DescribePolicy and ListPolicies, for every policy type; SCPs
// and RCPs are enforced (through the organization index), the other types are stored and reported.
import {
  ConstraintViolationException,
  DuplicatePolicyException,
  InvalidInputException,
  PolicyInUseException,
  PolicyTypeNotAvailableForOrganizationException,
} from '../../generated/organizations/errors.js'
import type { OrganizationsApi } from '../../generated/organizations/api.js'
import { DuplicateKeyError } from '../../storage/duplicate-key-error.js'
import { AWS_MANAGED_ORG_POLICIES } from './aws-managed-policies.js'
import { managementScope, readScope, type OrgScope } from './org-access.js'
import type { OrganizationsDeps } from './org-deps.js'
import { policyId } from './org-ids.js'
import { notifyOrganizationChange, organizationChangesApplied } from './organization-index.js'
import { paginate } from './pagination.js'
import { checkPolicyContent, maxPoliciesOfType } from './policy-content.js'
import { requirePolicy, toPolicySummary, type OrgPolicy } from './policy-lookup.js'
import { policyStore } from './policy-store.js'
import { dropTags, putTags } from './tags.js'

const DUPLICATE_POLICY = 'A policy with the same name already exists.'

export function policyOperations(deps: OrganizationsDeps) {
  const { database, clock, ids } = deps
  return {
    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreatePolicy.html
    async CreatePolicy(input, ctx) {
      const result = await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        if (scope.org.feature_set !== 'ALL') {
          throw new PolicyTypeNotAvailableForOrganizationException("You can't use the specified policy type with the feature set currently enabled for this organization.")
        }
        checkPolicyContent(input.Type, input.Content)
        if ((await policyStore(tx).countOfType(scope.management, input.Type)) >= maxPoliciesOfType(input.Type)) {
          throw new ConstraintViolationException('You have exceeded the number of policies of this type allowed in an organization.', { Reason: 'POLICY_NUMBER_LIMIT_EXCEEDED' })
        }
        if (AWS_MANAGED_ORG_POLICIES.some((managed) => managed.type === input.Type && managed.name === input.Name)) throw new DuplicatePolicyException(DUPLICATE_POLICY)
        const policy: OrgPolicy = { id: policyId(ids), type: input.Type, name: input.Name, description: input.Description, content: input.Content, awsManaged: false }
        try {
          await policyStore(tx).insertPolicy({
            account_id: scope.management, policy_id: policy.id, policy_type: policy.type, name: policy.name,
            description: policy.description, content: policy.content, created_at: clock.now().toISOString(), updated_at: clock.now().toISOString(),
          })
        } catch (error) {
          if (error instanceof DuplicateKeyError) throw new DuplicatePolicyException(DUPLICATE_POLICY)
          throw error
        }
        await putTags(tx, scope, policy.id, input.Tags)
        await notifyOrganizationChange(database, scope.management) // the index knows each policy's type (its ARN)
        return toPolicyShape(scope, policy)
      })
      await organizationChangesApplied(database)
      return { Policy: result }
    },

    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_UpdatePolicy.html
    async UpdatePolicy(input, ctx) {
      const result = await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        const policy = await requireCustomerPolicy(tx, scope, input.PolicyId)
        if (input.Content !== undefined) checkPolicyContent(policy.type, input.Content)
        const changes = {
          ...(input.Name !== undefined && { name: input.Name }),
          ...(input.Description !== undefined && { description: input.Description }),
          ...(input.Content !== undefined && { content: input.Content }),
        }
        if (Object.keys(changes).length > 0) {
          try {
            await policyStore(tx).updatePolicy(scope.management, policy.id, { ...changes, updated_at: clock.now().toISOString() })
          } catch (error) {
            if (error instanceof DuplicateKeyError) throw new DuplicatePolicyException(DUPLICATE_POLICY)
            throw error
          }
        }
        // A changed SCP or RCP applies to the next request of every account it reaches.
        if (input.Content !== undefined) await notifyOrganizationChange(database, scope.management)
        return toPolicyShape(scope, { ...policy, ...changes })
      })
      await organizationChangesApplied(database)
      return { Policy: result }
    },

    async DeletePolicy(input, ctx) {
      await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        const policy = await requireCustomerPolicy(tx, scope, input.PolicyId)
        if ((await policyStore(tx).targetsOf(scope.management, policy.id)).length > 0) {
          throw new PolicyInUseException('The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.')
        }
        await policyStore(tx).deletePolicy(scope.management, policy.id)
        await dropTags(tx, scope, policy.id)
        await notifyOrganizationChange(database, scope.management)
      })
      await organizationChangesApplied(database)
    },

    async DescribePolicy(input, ctx) {
      const scope = await readScope(deps, ctx)
      return { Policy: toPolicyShape(scope, await requirePolicy(database.db, scope, input.PolicyId)) }
    },

    async ListPolicies(input, ctx) {
      const scope = await readScope(deps, ctx)
      const managed = AWS_MANAGED_ORG_POLICIES.filter((policy) => policy.type === input.Filter).map((policy): OrgPolicy => ({ ...policy, awsManaged: true }))
      const customer = (await policyStore(database.db).policiesOfType(scope.management, input.Filter)).map((row): OrgPolicy => ({
        id: row.policy_id, type: row.policy_type, name: row.name, description: row.description, content: row.content, awsManaged: false,
      }))
      const all = [...managed, ...customer].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      const page = paginate(all, input, (policy) => policy.id)
      return { Policies: page.items.map((policy) => toPolicySummary(scope, policy)), ...(page.NextToken !== undefined && { NextToken: page.NextToken }) }
    },
  } satisfies Partial<OrganizationsApi>
}

function toPolicyShape(scope: OrgScope, policy: OrgPolicy) {
  return { PolicySummary: toPolicySummary(scope, policy), Content: policy.content }
}

/** AWS managed policies cannot be changed or deleted: InvalidInputException (IMMUTABLE_POLICY). */
async function requireCustomerPolicy(db: Parameters<typeof requirePolicy>[0], scope: OrgScope, id: string): Promise<OrgPolicy> {
  const policy = await requirePolicy(db, scope, id)
  if (policy.awsManaged) throw new InvalidInputException('You specified a policy that is managed by AWS and cannot be modified.', { Reason: 'IMMUTABLE_POLICY' })
  return policy
}
