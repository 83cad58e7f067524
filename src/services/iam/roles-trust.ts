// Trust policies: parsed as the policy engine's `trust` type, within the size quota, naming principals that exist.
import { LimitExceededException, MalformedPolicyDocumentException } from '../../generated/iam/errors.js'
import { awsPolicyMessages, parsePolicy, PolicySyntaxError, policySizeWithoutWhitespace, type PolicyDocument } from '../../policy/index.js'
import type { Db } from '../../storage/schema.js'
import { ACCOUNT_QUOTAS } from './account.js'
import { nameKey } from './iam-names.js'

/**
 * Checks a role's trust policy as CreateRole and UpdateAssumeRolePolicy do: AWS's MalformedPolicyDocument texts from
 * the parser, the size quota, and principals that must exist. IAM resolves user, role and identity-provider ARNs in
 * a trust policy when it is saved and refuses ones that name nothing ("Invalid principal in policy"); Palisade can
 * tell only for the accounts it hosts, so ARNs of other accounts are taken as written.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
 */
export async function checkTrustPolicy(db: Db, document: string): Promise<PolicyDocument> {
  let parsed: PolicyDocument
  try {
    parsed = parsePolicy(document, 'trust')
  } catch (error) {
    if (error instanceof PolicySyntaxError) throw new MalformedPolicyDocumentException(error.message)
    throw error
  }
  // "Role trust policy length: 2,048 characters" (default quota, whitespace excluded).
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length
  const maxSize = ACCOUNT_QUOTAS.AssumeRolePolicySizeQuota
  if (policySizeWithoutWhitespace(document) > maxSize) throw new LimitExceededException(`Cannot exceed quota for ACLSizePerRole: ${maxSize}`)
  for (const statement of parsed.statements) {
    for (const element of [statement.principal, statement.notPrincipal]) {
      for (const arn of element?.aws ?? []) {
        if (!(await principalExists(db, arn))) throw new MalformedPolicyDocumentException(awsPolicyMessages.invalidPrincipal('AWS', arn))
      }
      for (const arn of element?.federated ?? []) {
        if (!(await principalExists(db, arn))) throw new MalformedPolicyDocumentException(awsPolicyMessages.invalidPrincipal('Federated', arn))
      }
    }
  }
  return parsed
}

// `arn:aws:iam::123456789012:role/path/Name`, `…:user/Name`, `…:saml-provider/Name`, `…:oidc-provider/host/path`.
const ENTITY_ARN = /^arn:[\w-]+:iam::(\d{12}):(user|role|saml-provider|oidc-provider)\/(.+)$/

/** False only for an ARN of an IAM user, role or identity provider, in an account hosted here, that does not exist. */
async function principalExists(db: Db, arn: string): Promise<boolean> {
  const match = ENTITY_ARN.exec(arn)
  if (!match || arn.includes('*')) return true
  const [, accountId, kind, rest] = match as unknown as [string, string, string, string]
  const hosted = await db.selectFrom('accounts').select('account_id').where('account_id', '=', accountId).executeTakeFirst()
  if (!hosted) return true
  if (kind === 'oidc-provider') {
    return (await db.selectFrom('iam_oidc_providers').select('url_key').where('account_id', '=', accountId).where('url_key', '=', rest).executeTakeFirst()) !== undefined
  }
  if (kind === 'saml-provider') {
    return (await db.selectFrom('iam_saml_providers').select('name').where('account_id', '=', accountId).where('name_key', '=', nameKey(rest)).executeTakeFirst()) !== undefined
  }
  const slash = rest.lastIndexOf('/')
  const path = `/${rest.slice(0, slash + 1)}`
  const name = rest.slice(slash + 1)
  const row = kind === 'user'
    ? await db.selectFrom('iam_users').select('path').where('account_id', '=', accountId).where('name_key', '=', nameKey(name)).executeTakeFirst()
    : await db.selectFrom('iam_roles').select('path').where('account_id', '=', accountId).where('name_key', '=', nameKey(name)).executeTakeFirst()
  return row !== undefined && row.path === path
}
