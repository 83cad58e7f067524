// The AWS managed Organizations policies: FullAWSAccess (SCP) and RCPFullAWSAccess (RCP), attached to every root,
// OU and account while their policy type is enabled; built in, never stored.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html

export interface AwsManagedOrgPolicy {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY'
  readonly content: string
}

export const FULL_AWS_ACCESS: AwsManagedOrgPolicy = {
  id: 'p-FullAWSAccess',
  name: 'FullAWSAccess',
  description: 'Allows access to every operation',
  type: 'SERVICE_CONTROL_POLICY',
  content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
}

export const RCP_FULL_AWS_ACCESS: AwsManagedOrgPolicy = {
  id: 'p-RCPFullAWSAccess',
  name: 'RCPFullAWSAccess',
  description: 'Allows access to every operation',
  type: 'RESOURCE_CONTROL_POLICY',
  content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] }),
}

export const AWS_MANAGED_ORG_POLICIES: readonly AwsManagedOrgPolicy[] = [FULL_AWS_ACCESS, RCP_FULL_AWS_ACCESS]

/** The AWS managed policy attached by default where `policyType` is enabled, if that type has one. */
export function defaultPolicyFor(policyType: string): AwsManagedOrgPolicy | undefined {
  return AWS_MANAGED_ORG_POLICIES.find((policy) => policy.type === policyType)
}

export function awsManagedOrgPolicy(id: string): AwsManagedOrgPolicy | undefined {
  return AWS_MANAGED_ORG_POLICIES.find((policy) => policy.id === id)
}
