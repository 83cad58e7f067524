// sigv4: verifies AWS Signature Version 4 (Authorization header, presigned URL, aws-chunked payload).
// The pipeline calls readSignature, looks up the access key's secret, then verifySignature; see authError for
// the failures only the pipeline can detect (unknown key, bad or expired session token, no signature at all).
export { readSignature, MAX_PRESIGNED_EXPIRES_SECONDS } from './read-signature.js'
export { verifySignature, type VerifyOptions } from './verify-signature.js'
export { unverifiedPayload, type VerifiedRequest } from './request-payload.js'
export { authError, MAX_CLOCK_SKEW_MS, type AuthErrorFamily, type AuthFailure, type ScopeProblem, type SignatureForm } from './auth-error.js'
export { formatScope, SIGV4_ALGORITHM, type CredentialScope, type SignedRequest } from './signed-request.js'
export { canonicalRequest, stringToSign } from './canonical-request.js'
