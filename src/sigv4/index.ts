// sigv4: verifies AWS Signature Version 4 (Authorization header, presigned URL, aws-chunked payload).
//
// How the pipeline authenticates a request (family: `'s3'` for S3, else the service's protocol):
//   const signed = readSignature(request, family)        // undefined: unsigned (anonymous) request
//   if (!signed) throw authError({ kind: 'MissingAuthentication' }, family)   // unless anonymous is allowed
//   const key = lookup(signed.accessKeyId)               // the pipeline's own credential index
//   if (!key) throw authError({ kind: 'UnknownAccessKey', accessKeyId: signed.accessKeyId }, family)
//   // session tokens: authError({ kind: 'InvalidSessionToken' | 'ExpiredSessionToken' }, family)
//   const { payload } = verifySignature(request, signed, key.secret, now, { family, region, service })
// `payload` is the body the codec must decode (an aws-chunked upload arrives decoded). Where signatures are not
// checked (--auth permissive), unverifiedPayload(request, signed, family) still decodes aws-chunked bodies.
export { readSignature, MAX_PRESIGNED_EXPIRES_SECONDS } from './read-signature.js'
export { verifySignature, type VerifyOptions } from './verify-signature.js'
export { unverifiedPayload, type VerifiedRequest } from './request-payload.js'
export { authError, MAX_CLOCK_SKEW_MS, type AuthErrorFamily, type AuthFailure, type ScopeProblem, type SignatureForm } from './auth-error.js'
export { formatScope, SIGV4_ALGORITHM, type CredentialScope, type SignedRequest } from './signed-request.js'
export { canonicalRequest, stringToSign } from './canonical-request.js'
