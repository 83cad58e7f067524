// The credential report's CSV: AWS's columns in AWS's order, the root user's row first, then every IAM user.
// Column meanings and the N/A, not_supported and no_information values:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html#id_credentials_understanding_the_report_format
import type { Db } from '../../storage/schema.js'
import { accountStore, type AccessKey } from './account-store.js'
import { nameKey } from './iam-names.js'
import { findLoginProfile } from './login-profiles-store.js'
import { mfaDeviceStore } from './mfa-store.js'
import { readPasswordPolicy } from './password-policy-store.js'
import { signingCertificateStore, type SigningCertificateRecord } from './signing-certificates-store.js'
import { listUsers } from './users-store.js'

export const CREDENTIAL_REPORT_COLUMNS = [
  'user', 'arn', 'user_creation_time', 'password_enabled', 'password_last_used', 'password_last_changed', 'password_next_rotation',
  'mfa_active',
  'access_key_1_active', 'access_key_1_last_rotated', 'access_key_1_last_used_date', 'access_key_1_last_used_region', 'access_key_1_last_used_service',
  'access_key_2_active', 'access_key_2_last_rotated', 'access_key_2_last_used_date', 'access_key_2_last_used_region', 'access_key_2_last_used_service',
  'cert_1_active', 'cert_1_last_rotated', 'cert_2_active', 'cert_2_last_rotated',
] as const

/** "N/A": the credential does not exist (no password, no key, a key never used). */
const NOT_APPLICABLE = 'N/A'
/** The root user's password cannot be disabled, and its changes are not reported. */
const NOT_SUPPORTED = 'not_supported'
/** A password that exists but has no recorded sign-in. */
const NO_INFORMATION = 'no_information'
const DAY_MS = 86_400_000

/** The report for the account as it is now. */
export async function buildCredentialReport(db: Db, accountId: string, partition: string): Promise<string> {
  const accounts = accountStore(db)
  const account = await accounts.getAccount(accountId)
  const policy = await readPasswordPolicy(db, accountId)
  const rows: string[][] = []
  // Palisade records no root console sign-ins and no root MFA (the root user's MFA is set up in the console).
  rows.push([
    '<root_account>', `arn:${partition}:iam::${accountId}:root`, account ? reportTime(account.createdAt) : NOT_APPLICABLE,
    NOT_SUPPORTED, NO_INFORMATION, NOT_SUPPORTED, NOT_SUPPORTED, 'false',
    ...keyColumns(await accounts.listAccessKeysOf(accountId, undefined)), ...certificateColumns(await signingCertificateStore(db).listFor(accountId, accountId)),
  ])
  for (const user of await listUsers(db, accountId)) {
    const profile = await findLoginProfile(db, accountId, user.userName)
    const passwordLastUsed = user.passwordLastUsed ? reportTime(user.passwordLastUsed) : profile ? NO_INFORMATION : NOT_APPLICABLE
    const nextRotation = profile && policy?.MaxPasswordAge !== undefined
      ? reportTime(new Date(profile.passwordChangedAt.getTime() + policy.MaxPasswordAge * DAY_MS))
      : NOT_APPLICABLE
    const mfaDevices = await mfaDeviceStore(db).listForUser(accountId, nameKey(user.userName))
    rows.push([
      user.userName, user.arn, reportTime(user.createdAt),
      String(profile !== undefined), passwordLastUsed, profile ? reportTime(profile.passwordChangedAt) : NOT_APPLICABLE, nextRotation,
      String(mfaDevices.length > 0),
      ...keyColumns(await accounts.listAccessKeysOf(accountId, user.userName)), ...certificateColumns(await signingCertificateStore(db).listFor(accountId, user.userId)),
    ])
  }
  return [CREDENTIAL_REPORT_COLUMNS as readonly string[], ...rows].map((row) => row.map(csvField).join(',')).join('\n')
}

/** Five columns for each of the first two keys, oldest first. */
function keyColumns(keys: readonly AccessKey[]): string[] {
  return [0, 1].flatMap((index) => {
    const key = keys[index]
    if (!key) return ['false', NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE]
    const use = key.lastUsed
    return [
      String(key.status === 'Active'), reportTime(key.createdAt),
      use ? reportTime(use.at) : NOT_APPLICABLE, use?.region ?? NOT_APPLICABLE, use?.service ?? NOT_APPLICABLE,
    ]
  })
}

/** Two columns for each of the first two signing certificates, oldest first: active, and when it was uploaded. */
function certificateColumns(certificates: readonly SigningCertificateRecord[]): string[] {
  return [0, 1].flatMap((index) => {
    const certificate = certificates[index]
    return certificate ? [String(certificate.status === 'Active'), reportTime(certificate.uploadedAt)] : ['false', NOT_APPLICABLE]
  })
}

/** ISO 8601 to the second with the offset spelled out, as the report writes times: `2026-11-22T14:38:18+00:00`. */
export function reportTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00')
}

/** RFC 4180: a field with a comma, quote or line break is quoted (user names may contain commas). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}
