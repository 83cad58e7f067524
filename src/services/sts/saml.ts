// sts:AssumeRoleWithSAML: a role session for the holder of a SAML response signed by an IAM SAML provider's IdP.
// Whether the role trusts the provider (and the assertion's claims) is the authorization stage's decision.
import { ExpiredTokenException, InvalidIdentityTokenException } from '../../generated/sts/errors.js'
import type { StsApi } from '../../generated/sts/api.js'
import { findSamlProvider, readIdpMetadata } from '../iam/index.js'
import { notAuthorized } from './assume-role.js'
import { roleSession, DEFAULT_ROLE_SESSION_SECONDS } from './role-session.js'
import {
  metadataCertificates,
  nameQualifier,
  ROLE_ATTRIBUTE,
  ROLE_SESSION_NAME_ATTRIBUTE,
  samlTags,
  SOURCE_IDENTITY_ATTRIBUTE,
  subjectType,
  verifiedAssertion,
  type SamlAssertion,
} from './saml-assertion.js'
import type { StsDeps } from './sts-deps.js'

/** The audience AWS sign-in expects (regional sign-in endpoints too): https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_relying-party.html */
const AWS_SAML_AUDIENCE = /^https:\/\/([a-z0-9-]+\.)?signin\.aws\.amazon\.com\/saml$/

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/

export function samlOperations(deps: StsDeps) {
  return {
    async AssumeRoleWithSAML(input, ctx) {
      const role = deps.trust.find(input.RoleArn)?.role
      if (!role) throw notAuthorized(ctx.caller.arn, input.RoleArn, 'sts:AssumeRoleWithSAML')
      const call = { caller: ctx.caller, accountId: role.accountId, region: ctx.region, partition: ctx.partition }
      const provider = await findSamlProvider(deps.database.db, call, input.PrincipalArn)
      if (!provider) throw new InvalidIdentityTokenException(`SAML provider ${input.PrincipalArn} not found in the role's account`)
      const assertion = verifiedAssertion(input.SAMLAssertion, metadataCertificates(provider.metadataDocument))
      const now = deps.clock.now()
      checkAssertion(assertion, readIdpMetadata(provider.metadataDocument).entityId, now)
      if (!roleGranted(assertion, input.RoleArn, input.PrincipalArn)) throw notAuthorized(ctx.caller.arn, input.RoleArn, 'sts:AssumeRoleWithSAML')
      const sessionName = assertion.attributes[ROLE_SESSION_NAME_ATTRIBUTE]?.[0]
      if (sessionName === undefined) throw new InvalidIdentityTokenException('RoleSessionName is required in AuthnResponse')
      if (!SESSION_NAME.test(sessionName)) throw new InvalidIdentityTokenException('RoleSessionName in AuthnResponse must satisfy [\\w+=,.@-]{2,64}')
      // The session lasts DurationSeconds (default one hour), but never past the IdP's SessionNotOnOrAfter.
      const requested = input.DurationSeconds ?? DEFAULT_ROLE_SESSION_SECONDS
      const idpLimit = assertion.sessionNotOnOrAfter ? Math.floor((assertion.sessionNotOnOrAfter.getTime() - now.getTime()) / 1000) : requested
      const sourceIdentity = assertion.attributes[SOURCE_IDENTITY_ATTRIBUTE]?.[0]
      const session = await roleSession(deps, {
        role,
        sessionName,
        durationSeconds: Math.min(requested, Math.max(idpLimit, 900)),
        ...(input.Policy !== undefined && { Policy: input.Policy }),
        ...(input.PolicyArns && { PolicyArns: input.PolicyArns }),
        ...(sourceIdentity !== undefined && { sourceIdentity }),
        ...samlTags(assertion),
        partition: ctx.partition,
        region: ctx.region,
      })
      return {
        ...session,
        Subject: assertion.subject,
        SubjectType: subjectType(assertion.subjectFormat),
        Issuer: assertion.issuer,
        Audience: assertion.recipient ?? assertion.audiences[0] ?? '',
        NameQualifier: nameQualifier(assertion.issuer, role.accountId, provider.name),
      }
    },
  } satisfies Partial<StsApi>
}

function checkAssertion(assertion: SamlAssertion, entityId: string, now: Date): void {
  if (assertion.issuer !== entityId) throw new InvalidIdentityTokenException(`Issuer ${assertion.issuer} does not match the SAML provider's metadata (${entityId})`)
  if (!assertion.audiences.some((audience) => AWS_SAML_AUDIENCE.test(audience))) {
    throw new InvalidIdentityTokenException('SAML assertion audience must include https://signin.aws.amazon.com/saml')
  }
  if (assertion.notBefore && now.getTime() < assertion.notBefore.getTime()) throw new InvalidIdentityTokenException('SAML assertion is not yet valid')
  if (!assertion.notOnOrAfter || now.getTime() >= assertion.notOnOrAfter.getTime()) throw new ExpiredTokenException('Token must be redeemed within 5 minutes of issuance')
}

/** The Role attribute lists `role ARN,provider ARN` pairs (either order); the request must name one of them. */
function roleGranted(assertion: SamlAssertion, roleArn: string, providerArn: string): boolean {
  return (assertion.attributes[ROLE_ATTRIBUTE] ?? []).some((pair) => {
    const parts = pair.split(',').map((part) => part.trim())
    return parts.length === 2 && parts.includes(roleArn) && parts.includes(providerArn)
  })
}
