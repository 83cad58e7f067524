// What each Organizations operation touches: `organizations:<Action>` on AWS's resource ARNs, with the
// organizations:PolicyType, organizations:ServicePrincipal and tag condition keys.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html
import type { AuthorizationTable, CallFacts, ContextValues } from '../../core/authorization-target.js'
import type { OrganizationsApi } from '../../generated/organizations/api.js'
import type { Tag } from '../../generated/organizations/types.js'
import { awsManagedOrgPolicy } from './aws-managed-policies.js'
import { orgArns, targetKindOf, type OrgArns } from './org-ids.js'
import type { OrganizationIndex } from './organization-index.js'

export function organizationsAuthorization(index: OrganizationIndex): AuthorizationTable<OrganizationsApi> {
  // The caller's organization's ARNs, or undefined outside one (the handler then answers AWSOrganizationsNotInUse).
  type Context = ContextValues | ((management: string) => ContextValues | undefined)
  const on = (action: string, resources: (arns: OrgArns, management: string) => string[], context?: Context) => (call: CallFacts) => {
    const facts = index.organizationOf(call.accountId)
    const arns = facts && orgArns(call.partition, facts.managementAccountId, facts.organizationId)
    const values = typeof context === 'function' ? (facts ? context(facts.managementAccountId) : undefined) : context
    return { action, resources: arns ? resources(arns, facts.managementAccountId) : ['*'], ...(values && { context: values }) }
  }
  const anywhere = (action: string, context?: ContextValues) => ({ action, resources: ['*'], ...(context && { context }) })
  const target = (arns: OrgArns, id: string): string => {
    const kind = targetKindOf(id)
    if (kind === 'ROOT') return arns.root(id)
    if (kind === 'ORGANIZATIONAL_UNIT') return arns.ou(id)
    if (kind === 'ACCOUNT') return arns.account(id)
    return '*'
  }
  // A policy's ARN names its type: AWS managed ones carry it, the index knows the customer ones'.
  const policyTypeOf = (management: string, id: string): string | undefined => awsManagedOrgPolicy(id)?.type ?? index.policyType(management, id)
  const policyArn = (arns: OrgArns, management: string, id: string): string => {
    const type = policyTypeOf(management, id)
    return type ? arns.policy(type, id) : '*'
  }
  // organizations:PolicyType of the policy an operation names.
  const typeOf = (id: string) => (management: string): ContextValues | undefined => {
    const type = policyTypeOf(management, id)
    return type ? ps(type) : undefined
  }
  const taggable = (arns: OrgArns, management: string, id: string): string => (id.startsWith('p-') ? policyArn(arns, management, id) : target(arns, id))
  const ps = (policyType: string): ContextValues => ({ 'organizations:PolicyType': policyType })
  const sp = (servicePrincipal: string | undefined): ContextValues | undefined =>
    (servicePrincipal === undefined ? undefined : { 'organizations:ServicePrincipal': servicePrincipal })

  return {
    CreateOrganization: () => anywhere('organizations:CreateOrganization'),
    DescribeOrganization: () => anywhere('organizations:DescribeOrganization'),
    DeleteOrganization: () => anywhere('organizations:DeleteOrganization'),
    EnableAllFeatures: () => anywhere('organizations:EnableAllFeatures'),
    ListRoots: () => anywhere('organizations:ListRoots'),
    EnablePolicyType: (input, call) => on('organizations:EnablePolicyType', (arns) => [arns.root(input.RootId)], ps(input.PolicyType))(call),
    DisablePolicyType: (input, call) => on('organizations:DisablePolicyType', (arns) => [arns.root(input.RootId)], ps(input.PolicyType))(call),

    CreateOrganizationalUnit: (input, call) => on('organizations:CreateOrganizationalUnit', (arns) => [target(arns, input.ParentId)], tagContext(input.Tags))(call),
    UpdateOrganizationalUnit: (input, call) => on('organizations:UpdateOrganizationalUnit', (arns) => [arns.ou(input.OrganizationalUnitId)])(call),
    DeleteOrganizationalUnit: (input, call) => on('organizations:DeleteOrganizationalUnit', (arns) => [arns.ou(input.OrganizationalUnitId)])(call),
    DescribeOrganizationalUnit: (input, call) => on('organizations:DescribeOrganizationalUnit', (arns) => [arns.ou(input.OrganizationalUnitId)])(call),
    ListOrganizationalUnitsForParent: (input, call) => on('organizations:ListOrganizationalUnitsForParent', (arns) => [target(arns, input.ParentId)])(call),
    ListParents: (input, call) => on('organizations:ListParents', (arns) => [target(arns, input.ChildId)])(call),
    ListChildren: (input, call) => on('organizations:ListChildren', (arns) => [target(arns, input.ParentId)])(call),

    CreateAccount: (input) => anywhere('organizations:CreateAccount', tagContext(input.Tags)),
    CreateGovCloudAccount: (input) => anywhere('organizations:CreateGovCloudAccount', tagContext(input.Tags)),
    DescribeCreateAccountStatus: () => anywhere('organizations:DescribeCreateAccountStatus'),
    ListCreateAccountStatus: () => anywhere('organizations:ListCreateAccountStatus'),
    DescribeAccount: (input, call) => on('organizations:DescribeAccount', (arns) => [arns.account(input.AccountId)])(call),
    ListAccounts: () => anywhere('organizations:ListAccounts'),
    ListAccountsForParent: (input, call) => on('organizations:ListAccountsForParent', (arns) => [target(arns, input.ParentId)])(call),
    MoveAccount: (input, call) => on('organizations:MoveAccount', (arns) => [arns.account(input.AccountId), target(arns, input.SourceParentId), target(arns, input.DestinationParentId)])(call),
    RemoveAccountFromOrganization: (input, call) => on('organizations:RemoveAccountFromOrganization', (arns) => [arns.account(input.AccountId)])(call),
    LeaveOrganization: () => anywhere('organizations:LeaveOrganization'),
    CloseAccount: (input, call) => on('organizations:CloseAccount', (arns) => [arns.account(input.AccountId)])(call),

    // Handshake ARNs name the handshake's type, which only a lookup knows; the invited account is not yet in the
    // organization either. These actions are decided on `*`.
    InviteAccountToOrganization: (input, call) => on('organizations:InviteAccountToOrganization',
      (arns) => [input.Target.Type === 'ACCOUNT' ? arns.account(input.Target.Id) : '*'], tagContext(input.Tags))(call),
    AcceptHandshake: () => anywhere('organizations:AcceptHandshake'),
    DeclineHandshake: () => anywhere('organizations:DeclineHandshake'),
    CancelHandshake: () => anywhere('organizations:CancelHandshake'),
    DescribeHandshake: () => anywhere('organizations:DescribeHandshake'),
    ListHandshakesForAccount: () => anywhere('organizations:ListHandshakesForAccount'),
    ListHandshakesForOrganization: () => anywhere('organizations:ListHandshakesForOrganization'),

    CreatePolicy: (input, call) => on('organizations:CreatePolicy', (arns) => [arns.policy(input.Type, '*')], { ...ps(input.Type), ...tagContext(input.Tags) })(call),
    UpdatePolicy: (input, call) => on('organizations:UpdatePolicy', (arns, management) => [policyArn(arns, management, input.PolicyId)], typeOf(input.PolicyId))(call),
    DeletePolicy: (input, call) => on('organizations:DeletePolicy', (arns, management) => [policyArn(arns, management, input.PolicyId)], typeOf(input.PolicyId))(call),
    DescribePolicy: (input, call) => on('organizations:DescribePolicy', (arns, management) => [policyArn(arns, management, input.PolicyId)], typeOf(input.PolicyId))(call),
    ListPolicies: (input) => anywhere('organizations:ListPolicies', ps(input.Filter)),
    AttachPolicy: (input, call) => on('organizations:AttachPolicy', (arns, management) => [policyArn(arns, management, input.PolicyId), target(arns, input.TargetId)], typeOf(input.PolicyId))(call),
    DetachPolicy: (input, call) => on('organizations:DetachPolicy', (arns, management) => [policyArn(arns, management, input.PolicyId), target(arns, input.TargetId)], typeOf(input.PolicyId))(call),
    ListPoliciesForTarget: (input, call) => on('organizations:ListPoliciesForTarget', (arns) => [target(arns, input.TargetId)], ps(input.Filter))(call),
    ListTargetsForPolicy: (input, call) => on('organizations:ListTargetsForPolicy', (arns, management) => [policyArn(arns, management, input.PolicyId)], typeOf(input.PolicyId))(call),
    DescribeEffectivePolicy: (input, call) => on('organizations:DescribeEffectivePolicy', (arns) => [arns.account(input.TargetId ?? call.accountId)], ps(input.PolicyType))(call),

    TagResource: (input, call) => on('organizations:TagResource', (arns, management) => [taggable(arns, management, input.ResourceId)], tagContext(input.Tags))(call),
    UntagResource: (input, call) => on('organizations:UntagResource', (arns, management) => [taggable(arns, management, input.ResourceId)], { 'aws:TagKeys': input.TagKeys })(call),
    ListTagsForResource: (input, call) => on('organizations:ListTagsForResource', (arns, management) => [taggable(arns, management, input.ResourceId)])(call),

    RegisterDelegatedAdministrator: (input, call) => on('organizations:RegisterDelegatedAdministrator', (arns) => [arns.account(input.AccountId)], sp(input.ServicePrincipal))(call),
    DeregisterDelegatedAdministrator: (input, call) => on('organizations:DeregisterDelegatedAdministrator', (arns) => [arns.account(input.AccountId)], sp(input.ServicePrincipal))(call),
    ListDelegatedAdministrators: (input) => anywhere('organizations:ListDelegatedAdministrators', sp(input.ServicePrincipal)),
    ListDelegatedServicesForAccount: (input, call) => on('organizations:ListDelegatedServicesForAccount', (arns) => [arns.account(input.AccountId)])(call),
    EnableAWSServiceAccess: (input) => anywhere('organizations:EnableAWSServiceAccess', sp(input.ServicePrincipal)),
    DisableAWSServiceAccess: (input) => anywhere('organizations:DisableAWSServiceAccess', sp(input.ServicePrincipal)),
    ListAWSServiceAccessForOrganization: () => anywhere('organizations:ListAWSServiceAccessForOrganization'),

    PutResourcePolicy: (input) => anywhere('organizations:PutResourcePolicy', tagContext(input.Tags)),
    DescribeResourcePolicy: () => anywhere('organizations:DescribeResourcePolicy'),
    DeleteResourcePolicy: () => anywhere('organizations:DeleteResourcePolicy'),
  }
}

function tagContext(tags: readonly Tag[] | undefined): ContextValues | undefined {
  if (!tags || tags.length === 0) return undefined
  const context: Record<string, string | readonly string[]> = { 'aws:TagKeys': tags.map((tag) => tag.Key) }
  for (const tag of tags) context[`aws:RequestTag/${tag.Key}`] = tag.Value
  return context
}
