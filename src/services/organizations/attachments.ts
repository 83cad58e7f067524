// Policy attachments: AttachPolicy, DetachPolicy, ListPoliciesForTarget and ListTargetsForPolicy.
import {
  ConstraintViolationException,
  DuplicatePolicyAttachmentException,
  InvalidInputException,
  PolicyNotAttachedException,
  PolicyTypeNotEnabledException,
} from '../../generated/organizations/errors.js'
import type { OrganizationsApi } from '../../generated/organizations/api.js'
import { RCP_FULL_AWS_ACCESS } from './aws-managed-policies.js'
import { managementScope, readScope } from './org-access.js'
import type { OrganizationsDeps } from './org-deps.js'
import { orgStore } from './org-store.js'
import { notifyOrganizationChange, organizationChangesApplied } from './organization-index.js'
import { POLICY_TYPE_NOT_ENABLED } from './organization.js'
import { paginate } from './pagination.js'
import { maxAttachmentsOfType } from './policy-content.js'
import { findPolicy, requirePolicy, requireTarget, toPolicySummary, type OrgPolicy } from './policy-lookup.js'
import { policyStore } from './policy-store.js'

export function attachmentOperations(deps: OrganizationsDeps) {
  const { database } = deps
  return {
    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_AttachPolicy.html
    async AttachPolicy(input, ctx) {
      await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        const policy = await requirePolicy(tx, scope, input.PolicyId)
        await requireTarget(tx, scope, input.TargetId)
        if (!(await orgStore(tx).enabledPolicyTypes(scope.management)).includes(policy.type)) throw new PolicyTypeNotEnabledException(POLICY_TYPE_NOT_ENABLED)
        const attached = await policyStore(tx).attachedTo(scope.management, input.TargetId, policy.type)
        if (attached.includes(policy.id)) throw new DuplicatePolicyAttachmentException('The selected policy is already attached to the specified target.')
        if (attached.length >= maxAttachmentsOfType(policy.type)) {
          throw new ConstraintViolationException('You attempted to exceed the number of policies of this type that you can attach to an entity.', { Reason: 'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED' })
        }
        await policyStore(tx).attach({ account_id: scope.management, policy_id: policy.id, target_id: input.TargetId, policy_type: policy.type })
        await notifyOrganizationChange(database, scope.management)
      })
      await organizationChangesApplied(database)
    },

    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_DetachPolicy.html
    async DetachPolicy(input, ctx) {
      await database.transaction(async (tx) => {
        const scope = await managementScope(tx, ctx)
        const policy = await requirePolicy(tx, scope, input.PolicyId)
        await requireTarget(tx, scope, input.TargetId)
        // "You can't detach the RCPFullAWSAccess policy" (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
        if (policy.id === RCP_FULL_AWS_ACCESS.id) throw new InvalidInputException('You cannot detach the AWS managed RCPFullAWSAccess policy.', { Reason: 'NON_DETACHABLE_POLICY' })
        const attached = await policyStore(tx).attachedTo(scope.management, input.TargetId, policy.type)
        if (!attached.includes(policy.id)) throw new PolicyNotAttachedException("The policy isn't attached to the specified target in the specified root.")
        // Every root, OU and account must keep at least one SCP.
        if (policy.type === 'SERVICE_CONTROL_POLICY' && attached.length === 1) {
          throw new ConstraintViolationException('You attempted to detach the last service control policy from an entity: every root, OU and account must have at least one SCP attached.', { Reason: 'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED' })
        }
        await policyStore(tx).detach(scope.management, policy.id, input.TargetId)
        await notifyOrganizationChange(database, scope.management)
      })
      await organizationChangesApplied(database)
    },

    async ListPoliciesForTarget(input, ctx) {
      const scope = await readScope(deps, ctx)
      await requireTarget(database.db, scope, input.TargetId)
      const ids = await policyStore(database.db).attachedTo(scope.management, input.TargetId, input.Filter)
      const policies = (await Promise.all(ids.map((id) => findPolicy(database.db, scope, id)))).filter((policy): policy is OrgPolicy => policy !== undefined)
      const page = paginate(policies, input, (policy) => policy.id)
      return { Policies: page.items.map((policy) => toPolicySummary(scope, policy)), ...(page.NextToken !== undefined && { NextToken: page.NextToken }) }
    },

    async ListTargetsForPolicy(input, ctx) {
      const scope = await readScope(deps, ctx)
      const policy = await requirePolicy(database.db, scope, input.PolicyId)
      const page = paginate(await policyStore(database.db).targetsOf(scope.management, policy.id), input, (id) => id)
      const targets = await Promise.all(page.items.map((id) => requireTarget(database.db, scope, id)))
      return { Targets: targets, ...(page.NextToken !== undefined && { NextToken: page.NextToken }) }
    },
  } satisfies Partial<OrganizationsApi>
}
