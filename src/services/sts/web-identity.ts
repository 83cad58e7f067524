// sts:AssumeRoleWithWebIdentity: a role session for the holder of an OpenID Connect ID token, verified against the
// issuer's keys; the issuer must be an IAM OIDC provider of the role's account, and the audience one of its client
// ids. Whether the role trusts the provider (and the token's claims) is the authorization stage's decision.
import { decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose'
import type { OperationContext } from '../../core/operation.js'
import { ExpiredTokenException, IDPCommunicationErrorException, InvalidIdentityTokenException } from '../../generated/sts/errors.js'
import type { StsApi } from '../../generated/sts/api.js'
import type { Tag } from '../../generated/sts/types.js'
import { findOidcProvider } from '../iam/index.js'
import { notAuthorized } from './assume-role.js'
import { oidcKeys } from './oidc-keys.js'
import { roleSession } from './role-session.js'
import type { StsDeps } from './sts-deps.js'

// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_adding-assume-role-idp
const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity'
const TAGS_CLAIM = 'https://aws.amazon.com/tags'

export function webIdentityOperations(deps: StsDeps) {
  const keysOf = oidcKeys(deps.oidc)
  return {
    async AssumeRoleWithWebIdentity(input, ctx) {
      const role = deps.trust.find(input.RoleArn)?.role
      if (!role) throw notAuthorized(ctx.caller.arn, input.RoleArn, 'sts:AssumeRoleWithWebIdentity')
      const { issuer } = unverifiedIssuer(input.WebIdentityToken)
      const providerArn = oidcProviderArn(ctx.partition, role.accountId, issuer)
      const provider = providerArn === undefined ? undefined : await findOidcProvider(deps.database.db, { ...facts(ctx), accountId: role.accountId }, providerArn)
      if (!provider) throw noProviderFor(issuer)
      const claims = await verifiedClaims(input.WebIdentityToken, await keysOf(issuer), deps.clock.now())
      const audience = audiences(claims).find((aud) => provider.clientIds.includes(aud))
      if (audience === undefined) throw new InvalidIdentityTokenException('Incorrect token audience')
      if (typeof claims.sub !== 'string') throw new InvalidIdentityTokenException('The ID Token provided has no subject')
      const sourceIdentity = claims[SOURCE_IDENTITY_CLAIM]
      const session = await roleSession(deps, {
        role,
        sessionName: input.RoleSessionName,
        ...(input.DurationSeconds !== undefined && { durationSeconds: input.DurationSeconds }),
        ...(input.Policy !== undefined && { Policy: input.Policy }),
        ...(input.PolicyArns && { PolicyArns: input.PolicyArns }),
        ...(typeof sourceIdentity === 'string' && { sourceIdentity }),
        ...webIdentityTags(claims),
        partition: ctx.partition,
        region: ctx.region,
      })
      // "For OpenID Connect ID tokens, this contains the value of the iss field" (API reference, Provider).
      return { ...session, SubjectFromWebIdentityToken: claims.sub, Provider: issuer, Audience: audience }
    },
  } satisfies Partial<StsApi>
}

/**
 * The token's unverified claims and issuer, or InvalidIdentityToken for a token that is no JWT or names no issuer.
 * AWS checks the token before it weighs the trust policy, so the authorization entry checks this (and that the
 * issuer has a provider) first; the signature, audience and expiry are the handler's.
 */
export function unverifiedIssuer(token: string): { claims: JWTPayload; issuer: string } {
  const claims = webIdentityClaims(token)
  if (!claims) throw new InvalidIdentityTokenException('The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)')
  if (typeof claims.iss !== 'string') throw new InvalidIdentityTokenException('The ID Token provided does not name its issuer')
  return { claims, issuer: claims.iss }
}

export function noProviderFor(issuer: string): InvalidIdentityTokenException {
  return new InvalidIdentityTokenException(`No OpenIDConnect provider found in your account for ${issuer}`)
}

/** The token's claims, unverified (for the authorization entry's condition keys); undefined if it is no JWT. */
export function webIdentityClaims(token: string): JWTPayload | undefined {
  try {
    return decodeJwt(token)
  } catch {
    return undefined
  }
}

/** `https://Example.com/id/1/` → `example.com/id/1`: the provider's name in its ARN and in condition keys. */
export function issuerKey(issuer: string): string | undefined {
  try {
    const url = new URL(issuer)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined
    return `${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '')}`
  } catch {
    return undefined
  }
}

export function oidcProviderArn(partition: string, accountId: string, issuer: string): string | undefined {
  const key = issuerKey(issuer)
  return key === undefined ? undefined : `arn:${partition}:iam::${accountId}:oidc-provider/${key}`
}

/**
 * Session tags an OIDC IdP passes in the token: `{"https://aws.amazon.com/tags": {"principal_tags": {"Key": ["Value"]},
 * "transitive_tag_keys": ["Key"]}}` (one value per key).
 */
export function webIdentityTags(claims: JWTPayload): { Tags?: Tag[]; TransitiveTagKeys?: string[] } {
  const claim = claims[TAGS_CLAIM]
  if (!claim || typeof claim !== 'object') return {}
  const { principal_tags: principalTags, transitive_tag_keys: transitive } = claim as Record<string, unknown>
  const Tags: Tag[] = []
  if (principalTags && typeof principalTags === 'object') {
    for (const [Key, values] of Object.entries(principalTags)) {
      const Value = Array.isArray(values) ? values[0] : values
      if (typeof Value !== 'string') throw new InvalidIdentityTokenException(`The session tag ${Key} in the ID Token has no string value`)
      Tags.push({ Key, Value })
    }
  }
  const TransitiveTagKeys = Array.isArray(transitive) ? transitive.filter((key): key is string => typeof key === 'string') : []
  return { ...(Tags.length > 0 && { Tags }), ...(TransitiveTagKeys.length > 0 && { TransitiveTagKeys }) }
}

export function audiences(claims: JWTPayload): string[] {
  if (typeof claims.aud === 'string') return [claims.aud]
  return Array.isArray(claims.aud) ? claims.aud.filter((aud): aud is string => typeof aud === 'string') : []
}

async function verifiedClaims(token: string, keys: Awaited<ReturnType<ReturnType<typeof oidcKeys>>>, now: Date): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, keys, { currentDate: now })).payload
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      const exp = typeof error.payload.exp === 'number' ? error.payload.exp : 0
      throw new ExpiredTokenException(`Token expired: current date/time ${Math.floor(now.getTime() / 1000)} must be before the expiration date/time ${exp}`)
    }
    if (error instanceof IDPCommunicationErrorException) throw error
    if (error instanceof errors.JWKSTimeout) {
      throw new IDPCommunicationErrorException("Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements")
    }
    if (error instanceof errors.JOSEError) throw new InvalidIdentityTokenException('The web identity token could not be verified with the issuer\'s keys')
    // Anything else is the key fetch failing (connection refused, not JSON).
    throw new IDPCommunicationErrorException("Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements")
  }
}

function facts(ctx: OperationContext) {
  return { caller: ctx.caller, accountId: ctx.accountId, region: ctx.region, partition: ctx.partition }
}
