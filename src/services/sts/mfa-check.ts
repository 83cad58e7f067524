// checkMfa: SerialNumber + TokenCode on AssumeRole and GetSessionToken, verified by IAM's MFA port.
import { AccessDeniedError } from '../../core/common-errors.js'
import { mfaCodeVerifier } from '../iam/index.js'
import type { StsDeps } from './sts-deps.js'

export type MfaCheck = (accountId: string, serialNumber: string | undefined, tokenCode: string | undefined) => Promise<Date | undefined>

/**
 * Undefined when neither is given; the time of the check when the code is right; AWS's AccessDenied otherwise
 * (one without the other included: a code is useless without its device, and a device without a code proves nothing).
 */
export function mfaCheck(deps: Pick<StsDeps, 'database' | 'clock' | 'box'>): MfaCheck {
  const verify = mfaCodeVerifier(deps)
  return async (accountId, serialNumber, tokenCode) => {
    if (serialNumber === undefined && tokenCode === undefined) return undefined
    if (serialNumber === undefined || tokenCode === undefined || !(await verify(accountId, serialNumber, tokenCode))) {
      throw new AccessDeniedError('MultiFactorAuthentication failed with invalid MFA one time pass code. ')
    }
    return deps.clock.now()
  }
}
