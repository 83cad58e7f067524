// What each STS operation touches, for the authorization stage
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html).
import type { AuthorizationTable, AuthorizationTarget, CallFacts, ContextValues, ResourcePolicies } from '../../core/authorization-target.js'
import type { StsApi } from '../../generated/sts/api.js'
import type { AssumeRoleRequest, Tag } from '../../generated/sts/types.js'
import type { OidcProviderIndex } from './oidc-provider-index.js'
import type { TrustIndex } from './trust-index.js'
import { nameQualifier, samlTags, subjectType, unverifiedAssertion } from './saml-assertion.js'
import { audiences, issuerKey, noProviderFor, oidcProviderArn, unverifiedIssuer, webIdentityClaims, webIdentityTags } from './web-identity.js'

export function stsAuthorization({ trust, oidcProviders }: { readonly trust: TrustIndex; readonly oidcProviders?: OidcProviderIndex }): AuthorizationTable<StsApi> {
  return {
    AssumeRole: (input, call) => assumeRoleTarget('sts:AssumeRole', input, call, trust),
    AssumeRoleWithSAML: (input) => {
      const assertion = unverifiedAssertion(input.SAMLAssertion)
      const tags = assertion ? samlTags(assertion) : {}
      return {
        action: 'sts:AssumeRoleWithSAML',
        resources: [input.RoleArn],
        context: { ...samlContext(input.SAMLAssertion, input.PrincipalArn), ...idpTagContext(tags) },
        resourcePolicies: trustPolicies(trust, input.RoleArn),
        ...(tags.Tags && { additionalActions: ['sts:TagSession'] }),
      }
    },
    AssumeRoleWithWebIdentity: (input, call) => {
      // The token is checked before the trust policy is weighed: a token that is no JWT, or whose issuer has no
      // provider in the role's account, is InvalidIdentityToken whatever the trust policy says.
      const { claims, issuer } = unverifiedIssuer(input.WebIdentityToken)
      const roleAccountId = trust.find(input.RoleArn)?.role.accountId ?? /^arn:[\w-]+:iam::(\d{12}):/.exec(input.RoleArn)?.[1]
      const providerKey = issuerKey(issuer)
      if (oidcProviders && roleAccountId !== undefined && (providerKey === undefined || !oidcProviders.mayExist(roleAccountId, providerKey))) {
        throw noProviderFor(issuer)
      }
      const tags = webIdentityTagsOrNone(claims)
      return {
        action: 'sts:AssumeRoleWithWebIdentity',
        resources: [input.RoleArn],
        context: { ...webIdentityContext(input.WebIdentityToken, input.RoleSessionName, trust.find(input.RoleArn)?.role.accountId, call.partition), ...idpTagContext(tags) },
        resourcePolicies: trustPolicies(trust, input.RoleArn),
        ...(tags.Tags && { additionalActions: ['sts:TagSession'] }),
      }
    },
    DecodeAuthorizationMessage: () => ({ action: 'sts:DecodeAuthorizationMessage', resources: ['*'] }),
    // "No permissions are required to perform this operation" for both (STS API reference).
    GetAccessKeyInfo: () => ({ action: 'sts:GetAccessKeyInfo', resources: ['*'], requiresPermission: false }),
    GetCallerIdentity: () => ({ action: 'sts:GetCallerIdentity', resources: ['*'], requiresPermission: false }),
    GetFederationToken: (input, call) => ({
      action: 'sts:GetFederationToken',
      resources: [`arn:${call.partition}:sts::${call.accountId}:federated-user/${input.Name}`],
      ...(input.Tags && input.Tags.length > 0 && { context: tagContext(input.Tags), additionalActions: ['sts:TagSession'] }),
    }),
    // "No permissions are required for users to perform this operation": GetSessionToken authenticates the user
    // (with MFA) and policies cannot control it (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getsessiontoken.html).
    GetSessionToken: () => ({ action: 'sts:GetSessionToken', resources: ['*'], requiresPermission: false }),
  }
}

/**
 * The role's trust policy decides, as a resource-based policy that must allow explicitly. A role that does not
 * exist (or whose ARN names another path) has no policy, and so allows no one.
 */
export function trustPolicies(trust: TrustIndex, roleArn: string): ResourcePolicies {
  const found = trust.find(roleArn)
  const policy = found?.trustPolicy()
  return {
    kind: 'trust',
    policies: policy ? [policy] : [],
    ownerAccountId: found?.role.accountId ?? /^arn:[\w-]+:iam::(\d{12}):/.exec(roleArn)?.[1] ?? '',
    mustAllow: true,
  }
}

/**
 * AssumeRole's keys (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-sts),
 * and the extra actions the trust policy must also allow: sts:TagSession when tags are passed or transitive tags
 * carried along a chain, sts:SetSourceIdentity when a source identity is set or carried
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html).
 * A SerialNumber with a TokenCode is MFA on this very call, which a trust policy's aws:MultiFactorAuthPresent and
 * aws:MultiFactorAuthAge see (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html);
 * they override what the calling session carries. Declared before the handler checks the code: a wrong code gets
 * no session whatever the decision.
 */
function assumeRoleTarget(action: string, input: AssumeRoleRequest, call: CallFacts, trust: TrustIndex): AuthorizationTarget {
  const parent = call.caller.type === 'AssumedRole' ? call.caller.session : undefined
  const sourceIdentity = parent?.sourceIdentity ?? input.SourceIdentity
  const context: Record<string, string | readonly string[]> = {
    'sts:RoleSessionName': input.RoleSessionName,
    ...(input.ExternalId !== undefined && { 'sts:ExternalId': input.ExternalId }),
    ...(sourceIdentity !== undefined && { 'sts:SourceIdentity': sourceIdentity }),
    ...(input.Tags && input.Tags.length > 0 && tagContext(input.Tags)),
    ...(input.TransitiveTagKeys && input.TransitiveTagKeys.length > 0 && { 'sts:TransitiveTagKeys': input.TransitiveTagKeys }),
    ...(input.SerialNumber !== undefined && input.TokenCode !== undefined && { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '0' }),
  }
  const tagging = (input.Tags && input.Tags.length > 0) || (parent?.transitiveTagKeys?.length ?? 0) > 0
  const additionalActions = [...(tagging ? ['sts:TagSession'] : []), ...(sourceIdentity !== undefined ? ['sts:SetSourceIdentity'] : [])]
  return {
    action,
    resources: [input.RoleArn],
    context,
    resourcePolicies: trustPolicies(trust, input.RoleArn),
    ...(additionalActions.length > 0 && { additionalActions }),
  }
}

/**
 * The token's claims as `<issuer>:aud`, `:sub` and `:amr` (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif),
 * and the provider the caller federates through as aws:FederatedProvider: the principal a trust policy's
 * `Principal.Federated` names. Read before the handler verifies the token; a token that fails verification gets
 * no session whatever the decision.
 */
function webIdentityContext(token: string, sessionName: string, roleAccountId: string | undefined, partition: string): ContextValues {
  const claims = webIdentityClaims(token)
  const issuer = typeof claims?.iss === 'string' ? claims.iss : undefined
  const key = issuer === undefined ? undefined : issuerKey(issuer)
  if (!claims || issuer === undefined || key === undefined || roleAccountId === undefined) return { 'sts:RoleSessionName': sessionName }
  const amr = Array.isArray(claims['amr']) ? claims['amr'].filter((value): value is string => typeof value === 'string') : undefined
  return {
    'sts:RoleSessionName': sessionName,
    'aws:FederatedProvider': oidcProviderArn(partition, roleAccountId, issuer)!,
    [`${key}:aud`]: audiences(claims),
    ...(typeof claims.sub === 'string' && { [`${key}:sub`]: claims.sub }),
    ...(amr && { [`${key}:amr`]: amr }),
  }
}

/**
 * The assertion's saml:aud, saml:iss, saml:sub, saml:sub_type and saml:namequalifier
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-saml),
 * and the SAML provider as aws:FederatedProvider. Read before the handler verifies the signature.
 */
function samlContext(samlResponse: string, providerArn: string): ContextValues {
  const assertion = unverifiedAssertion(samlResponse)
  const provider = /^arn:[\w-]+:iam::(\d{12}):saml-provider\/(.+)$/.exec(providerArn)
  if (!assertion) return { 'aws:FederatedProvider': providerArn }
  return {
    'aws:FederatedProvider': providerArn,
    'saml:iss': assertion.issuer,
    'saml:sub': assertion.subject,
    'saml:sub_type': subjectType(assertion.subjectFormat),
    ...((assertion.recipient ?? assertion.audiences[0]) !== undefined && { 'saml:aud': (assertion.recipient ?? assertion.audiences[0])! }),
    ...(provider && { 'saml:namequalifier': nameQualifier(assertion.issuer, provider[1]!, provider[2]!) }),
  }
}

/** Session tags an IdP passes are request tags too, and need sts:TagSession in the trust policy (id_session-tags.html). */
function idpTagContext(tags: { Tags?: readonly Tag[]; TransitiveTagKeys?: readonly string[] }): ContextValues {
  return {
    ...(tags.Tags && tagContext(tags.Tags)),
    ...(tags.TransitiveTagKeys && { 'sts:TransitiveTagKeys': tags.TransitiveTagKeys }),
  }
}

/** A token whose tags claim is malformed declares no tags; the handler refuses it. */
function webIdentityTagsOrNone(claims: NonNullable<ReturnType<typeof webIdentityClaims>>): ReturnType<typeof webIdentityTags> {
  try {
    return webIdentityTags(claims)
  } catch {
    return {}
  }
}

/** aws:RequestTag/KEY per tag and aws:TagKeys, as every tagging call declares them. */
function tagContext(tags: readonly Tag[]): ContextValues {
  const context: Record<string, string | readonly string[]> = { 'aws:TagKeys': tags.map((tag) => tag.Key) }
  for (const tag of tags) context[`aws:RequestTag/${tag.Key}`] = tag.Value
  return context
}
