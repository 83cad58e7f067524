// oidcKeys: the signing keys of a web identity token's issuer — a configured local JWKS file or URL, or the
// `jwks_uri` of the issuer's OpenID discovery document — fetched once per source and then cached by jose.
import { readFile } from 'node:fs/promises'
import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey } from 'jose'
import { IDPCommunicationErrorException } from '../../generated/sts/errors.js'
import type { OidcKeySources } from './sts-deps.js'

export type OidcKeys = (issuer: string) => Promise<JWTVerifyGetKey>

const FETCH_TIMEOUT_MS = 5000

// AWS's text when it cannot reach the provider (AssumeRoleWithWebIdentity API reference, IDPCommunicationError).
const UNREACHABLE = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"

export function oidcKeys(sources: OidcKeySources = {}): OidcKeys {
  const cache = new Map<string, Promise<JWTVerifyGetKey>>()
  return (issuer) => {
    const configured = sources[issuer] ?? sources[issuer.replace(/\/$/, '')] ?? sources[`${issuer}/`]
    const key = configured ?? issuer
    let found = cache.get(key)
    if (!found) {
      found = configured === undefined ? discoveredKeys(issuer) : configuredKeys(configured)
      // A failed lookup is not remembered: the provider may be back on the next call.
      found.catch(() => cache.delete(key))
      cache.set(key, found)
    }
    return found
  }
}

async function configuredKeys(source: string): Promise<JWTVerifyGetKey> {
  if (/^https?:\/\//.test(source)) return createRemoteJWKSet(new URL(source), { timeoutDuration: FETCH_TIMEOUT_MS })
  try {
    return createLocalJWKSet(JSON.parse(await readFile(source, 'utf8')))
  } catch {
    throw new IDPCommunicationErrorException(UNREACHABLE)
  }
}

/** https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig */
async function discoveredKeys(issuer: string): Promise<JWTVerifyGetKey> {
  try {
    const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) })
    const document = (await response.json()) as { jwks_uri?: unknown }
    if (!response.ok || typeof document.jwks_uri !== 'string') throw new Error('no jwks_uri')
    return createRemoteJWKSet(new URL(document.jwks_uri), { timeoutDuration: FETCH_TIMEOUT_MS })
  } catch {
    throw new IDPCommunicationErrorException(UNREACHABLE)
  }
}
