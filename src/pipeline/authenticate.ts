// The authentication stage: SigV4 → the caller, or AWS's error for the service's protocol.
import { anonymousCaller, type Caller } from '../core/caller.js'
import type { HttpRequest, RequestBodyStream } from '../core/http.js'
import { authError, readSignature, unverifiedPayload, verifySignature, type AuthErrorFamily } from '../sigv4/index.js'
import type { Route } from './router.js'

/** What authentication needs to know of an access key; the IAM service's credential index provides it. */
export interface CredentialLookup {
  find(accessKeyId: string): {
    readonly secretAccessKey: string
    readonly active: boolean
    readonly caller: Caller
    /** Temporary credentials: the session token they need, and their expiry. */
    readonly session?: { tokenMatches(token: string): boolean; readonly expiresAt: Date }
  } | undefined
  /** Notes an accepted request signed with the key (GetAccessKeyLastUsed); must not wait on storage. */
  recordUse?(accessKeyId: string, use: { readonly at: Date; readonly service: string; readonly region: string }): void
}

export interface AuthenticatorOptions {
  readonly credentials: CredentialLookup
  /** permissive: any well-formed signature is the root user of the account a 12-digit key names, else the default. */
  readonly mode: 'strict' | 'permissive'
  readonly defaultAccountId: string
  readonly partition: string
  /** The region this server serves; global services (IAM, STS) also accept us-east-1, where AWS signs them. */
  readonly region: string
  /** A closed account (Organizations' CloseAccount): its credentials no longer authenticate. */
  readonly isClosedAccount?: (accountId: string) => boolean
}

export interface Authenticated {
  readonly caller: Caller
  /** The body the operation reads: the request body, or the decoded payload of an aws-chunked upload. */
  readonly payload: Buffer
  /** A streamed body (S3 uploads), verified as it is read: its last read throws if the payload is not what was signed. */
  readonly payloadStream?: RequestBodyStream
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html: global services sign for us-east-1.
const GLOBAL_REGION = 'us-east-1'

/**
 * Synchronous: nothing it does waits (the credential index is in memory), and every request would otherwise pay for
 * a promise and a turn of the microtask queue.
 */
export type Authenticate = (request: HttpRequest, route: Route, now: Date) => Authenticated

export function createAuthenticator(options: AuthenticatorOptions): Authenticate {
  return function authenticate(request, route, now) {
    const { model } = route.binding
    const family: AuthErrorFamily = model.name === 's3' ? 's3' : model.metadata.protocol
    const signed = readSignature(request, family)
    if (!signed) {
      // Unsigned calls reach only S3 (anonymous access, decided by bucket policy) and operations AWS models
      // without auth (sts:AssumeRoleWithWebIdentity, sts:AssumeRoleWithSAML).
      if (model.name === 's3' || route.operation.authtype === 'none') {
        return { caller: anonymousCaller(options.defaultAccountId), payload: request.body, payloadStream: request.bodyStream }
      }
      throw authError({ kind: 'MissingAuthentication' }, family)
    }
    if (options.mode === 'permissive') {
      const accountId = /^\d{12}$/.test(signed.accessKeyId) ? signed.accessKeyId : options.defaultAccountId
      const caller: Caller = { type: 'Root', arn: `arn:${options.partition}:iam::${accountId}:root`, accountId, userId: accountId, accessKeyId: signed.accessKeyId }
      const { payload, payloadStream } = unverifiedPayload(request, signed, family)
      return { caller, payload, payloadStream }
    }
    const credential = options.credentials.find(signed.accessKeyId)
    if (!credential || !credential.active || options.isClosedAccount?.(credential.caller.accountId)) throw authError({ kind: 'UnknownAccessKey', accessKeyId: signed.accessKeyId }, family)
    // Temporary credentials need their own token; a token sent with a long-term key is as invalid as a wrong one.
    if (credential.session ? signed.sessionToken === undefined || !credential.session.tokenMatches(signed.sessionToken) : signed.sessionToken !== undefined) {
      throw authError({ kind: 'InvalidSessionToken' }, family)
    }
    if (credential.session && now.getTime() >= credential.session.expiresAt.getTime()) throw authError({ kind: 'ExpiredSessionToken' }, family)
    const region = model.metadata.globalEndpoint && signed.scope.region === GLOBAL_REGION ? GLOBAL_REGION : options.region
    const verified = verifySignature(request, signed, credential.secretAccessKey, now, { family, region, service: model.metadata.signingName })
    if (isRestrictedSessionCall(credential.caller, model.name)) throw authError({ kind: 'InvalidSessionToken' }, family)
    options.credentials.recordUse?.(signed.accessKeyId, { at: now, service: model.metadata.signingName, region: signed.scope.region })
    return { caller: credential.caller, payload: verified.payload, payloadStream: verified.payloadStream }
  }
}

/**
 * GetSessionToken's credentials (a user's or root's own session) "cannot call any IAM API operations unless MFA
 * authentication information is included" (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html);
 * AWS answers such calls with InvalidClientTokenId. (Its limits on STS calls are the STS service's own checks.)
 */
function isRestrictedSessionCall(caller: Caller, service: string): boolean {
  if (!caller.session || (caller.type !== 'IAMUser' && caller.type !== 'Root')) return false
  return service === 'iam' && !caller.session.mfaAuthenticated
}
