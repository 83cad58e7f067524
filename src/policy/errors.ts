// PolicySyntaxError: a policy document AWS would reject, carrying AWS's own MalformedPolicyDocument message.

/**
 * Thrown by `parsePolicy` (and `compilePolicy`) for a document AWS rejects. `message` is AWS's text, verbatim
 * (e.g. `Policy document should not specify a principal.`), so the IAM service can map it to MalformedPolicyDocument
 * (S3 to MalformedPolicy, Organizations to MalformedPolicyDocumentException) without rewording it.
 */
export class PolicySyntaxError extends Error {
  override readonly name = 'PolicySyntaxError'
  constructor(
    message: string,
    /** Where in the document, for logs and the console (`Statement[2].Action[0]`); not part of AWS's message. */
    readonly path?: string,
  ) {
    super(message)
  }
}

/** AWS's MalformedPolicyDocument texts, in one place so tests and callers can refer to them by name. */
export const awsPolicyMessages = {
  syntax: 'Syntax errors in policy.',
  version: 'Policy document must be version 2012-10-17 or greater.',
  legacyParsing: 'The policy failed legacy parsing',
  duplicateSid: 'Statement IDs (SID) in a single policy must be unique.',
  noActions: 'Policy statement must contain actions.',
  noResources: 'Policy statement must contain resources.',
  noVendor: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  oneColon: 'Actions/Condition can contain only one colon.',
  invalidVendor: (vendor: string) => `Vendor ${vendor} is not valid`,
  resourceFormat: (resource: string) => `Resource ${resource} must be in ARN format or "*".`,
  resourceVendor: 'Resource vendor must be fully qualified and cannot contain regexes.',
  partition: (partition: string, resource: string) => `Partition "${partition}" is not valid for resource "${resource}".`,
  iamRegion: (resource: string) => `IAM resource ${resource} cannot contain region information.`,
  s3Region: (resource: string) => `Resource ${resource} can not contain region information.`,
  principalNotAllowed: 'Policy document should not specify a principal.',
  principalRequired: 'Missing required field Principal',
  trustResource: 'Has prohibited field Resource.',
  trustActions:
    'Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity',
  invalidPrincipal: (kind: string, value: string) => `Invalid principal in policy: "${kind}":"${value}"`,
  rcpPrincipal: 'Resource control policies only support the "*" value for Principal.',
  rcpEffect: 'Resource control policies only support Allow statements in the AWS managed RCPFullAWSAccess policy.',
  rcpElement: (element: string) => `Resource control policies do not support the ${element} element.`,
  scpWildcard: (action: string) =>
    `The action ${action} uses a wildcard that is not at the end: service control policies allow * and ? only alone or at the end of an action.`,
} as const
