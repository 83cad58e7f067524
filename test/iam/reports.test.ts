// End to end: the credential report (GenerateCredentialReport / GetCredentialReport), its CSV read column by column,
// with the AWS SDK v3 client and the AWS CLI.
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListUsersCommand,
  UpdateAccessKeyCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Clock } from '../../src/core/clock.js'
import { CREDENTIAL_REPORT_COLUMNS } from '../../src/services/iam/credential-report-csv.js'
import { totpCode, totpStep } from '../../src/services/iam/mfa-totp.js'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT } from './enforcement-support.js'
import { failure } from '../support/failure.js'

const HOUR_MS = 3_600_000
/** `2026-11-22T14:38:18+00:00`: the report's time format. */
const REPORT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/

/** The CSV as one record per line, keyed by column (no field in these tests needs quoting). */
function parseReport(content: Uint8Array | undefined): { header: string[]; rows: Record<string, string>[] } {
  const [headerLine, ...lines] = new TextDecoder().decode(content).split('\n')
  const header = headerLine!.split(',')
  return { header, rows: lines.map((line) => Object.fromEntries(line.split(',').map((value, index) => [header[index]!, value]))) }
}

describe('IAM credential report', () => {
  let palisade: TestPalisade
  let offsetMs = 0
  // The server's clock runs `offsetMs` ahead of the real one; clients sign with the same offset.
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) }
  const client = (credentials?: { accessKeyId: string; secretAccessKey: string }) =>
    new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: credentials ?? palisade.root, maxAttempts: 1, systemClockOffset: offsetMs })

  beforeAll(async () => {
    palisade = await startTestPalisade([], { clock })
  })
  afterAll(() => palisade.stop())

  it('answers ReportNotPresent (410) before any report was generated', async () => {
    expect(await failure(client().send(new GetCredentialReportCommand({})))).toEqual({
      name: 'CredentialReportNotPresentException', status: 410,
      message: 'Credential report does not exist. To generate a credential report, use GenerateCredentialReport.',
    })
  })

  it('lists the root user first, then every user, with AWS columns and values', async () => {
    const iam = client()
    await iam.send(new UpdateAccountPasswordPolicyCommand({ MaxPasswordAge: 90 }))
    await iam.send(new CreateUserCommand({ UserName: 'rep-ann', Path: '/staff/' }))
    await iam.send(new CreateLoginProfileCommand({ UserName: 'rep-ann', Password: 'Correct-Horse-9-Battery' }))
    const first = (await iam.send(new CreateAccessKeyCommand({ UserName: 'rep-ann' }))).AccessKey!
    const second = (await iam.send(new CreateAccessKeyCommand({ UserName: 'rep-ann' }))).AccessKey!
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'rep-ann', AccessKeyId: second.AccessKeyId!, Status: 'Inactive' }))
    const { VirtualMFADevice } = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'rep-ann-phone' }))
    const seed = new TextDecoder().decode(VirtualMFADevice!.Base32StringSeed)
    const step = totpStep(clock.now())
    await iam.send(new EnableMFADeviceCommand({
      UserName: 'rep-ann', SerialNumber: VirtualMFADevice!.SerialNumber!, AuthenticationCode1: await totpCode(seed, step - 1), AuthenticationCode2: await totpCode(seed, step),
    }))
    await iam.send(new CreateUserCommand({ UserName: 'rep-bob' }))
    // A call signed with Ann's first key: its last use (time, region, service) reaches the report once flushed.
    await client({ accessKeyId: first.AccessKeyId!, secretAccessKey: first.SecretAccessKey! }).send(new ListUsersCommand({})).catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, 1500))

    const generated = await iam.send(new GenerateCredentialReportCommand({}))
    expect(generated).toMatchObject({ State: 'STARTED', Description: 'No report exists. Starting a new report generation task' })
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE')
    const report = await iam.send(new GetCredentialReportCommand({}))
    expect(report.ReportFormat).toBe('text/csv')
    expect(Math.abs(report.GeneratedTime!.getTime() - clock.now().getTime())).toBeLessThan(60_000)

    const { header, rows } = parseReport(report.Content)
    expect(header).toEqual([
      'user', 'arn', 'user_creation_time', 'password_enabled', 'password_last_used', 'password_last_changed', 'password_next_rotation', 'mfa_active',
      'access_key_1_active', 'access_key_1_last_rotated', 'access_key_1_last_used_date', 'access_key_1_last_used_region', 'access_key_1_last_used_service',
      'access_key_2_active', 'access_key_2_last_rotated', 'access_key_2_last_used_date', 'access_key_2_last_used_region', 'access_key_2_last_used_service',
      'cert_1_active', 'cert_1_last_rotated', 'cert_2_active', 'cert_2_last_rotated',
    ])
    expect(header).toEqual([...CREDENTIAL_REPORT_COLUMNS])
    expect(rows.map((row) => row['user'])).toEqual(['<root_account>', 'rep-ann', 'rep-bob'])

    const [root, ann, bob] = rows as [Record<string, string>, Record<string, string>, Record<string, string>]
    expect(root).toMatchObject({
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      password_enabled: 'not_supported', password_last_used: 'no_information', password_last_changed: 'not_supported', password_next_rotation: 'not_supported',
      mfa_active: 'false', access_key_1_active: 'true',
      cert_1_active: 'false', cert_1_last_rotated: 'N/A', cert_2_active: 'false', cert_2_last_rotated: 'N/A',
    })
    expect(root['user_creation_time']).toMatch(REPORT_TIME)
    // The root keys signed every call of this test.
    expect(root['access_key_1_last_used_service']).toBe('iam')

    expect(ann).toMatchObject({
      arn: `arn:aws:iam::${ACCOUNT}:user/staff/rep-ann`,
      password_enabled: 'true', password_last_used: 'no_information', mfa_active: 'true',
      access_key_1_active: 'true', access_key_1_last_used_region: 'us-east-1', access_key_1_last_used_service: 'iam',
      access_key_2_active: 'false', access_key_2_last_used_date: 'N/A', access_key_2_last_used_region: 'N/A', access_key_2_last_used_service: 'N/A',
      cert_1_active: 'false', cert_2_active: 'false',
    })
    for (const column of ['user_creation_time', 'password_last_changed', 'password_next_rotation', 'access_key_1_last_rotated', 'access_key_1_last_used_date', 'access_key_2_last_rotated']) {
      expect(ann[column], column).toMatch(REPORT_TIME)
    }
    // MaxPasswordAge 90: the next rotation is 90 days after the password was set.
    expect(Date.parse(ann['password_next_rotation']!) - Date.parse(ann['password_last_changed']!)).toBe(90 * 24 * HOUR_MS)

    expect(bob).toMatchObject({
      arn: `arn:aws:iam::${ACCOUNT}:user/rep-bob`,
      password_enabled: 'false', password_last_used: 'N/A', password_last_changed: 'N/A', password_next_rotation: 'N/A', mfa_active: 'false',
      access_key_1_active: 'false', access_key_1_last_rotated: 'N/A', access_key_1_last_used_date: 'N/A',
      access_key_2_active: 'false', access_key_2_last_rotated: 'N/A',
    })
  })

  it('keeps a report for four hours, then answers ReportExpired (410) until a new one is generated', async () => {
    const before = await client().send(new GetCredentialReportCommand({}))
    offsetMs += 3 * HOUR_MS
    expect((await client().send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE')
    expect((await client().send(new GetCredentialReportCommand({}))).GeneratedTime).toEqual(before.GeneratedTime)
    offsetMs += HOUR_MS
    expect(await failure(client().send(new GetCredentialReportCommand({})))).toEqual({
      name: 'CredentialReportExpiredException', status: 410,
      message: 'The most recent credential report has expired. To generate a new credential report, use GenerateCredentialReport.',
    })
    expect((await client().send(new GenerateCredentialReportCommand({}))).State).toBe('STARTED')
    const fresh = await client().send(new GetCredentialReportCommand({}))
    expect(fresh.GeneratedTime!.getTime()).toBeGreaterThan(before.GeneratedTime!.getTime() + 4 * HOUR_MS - 60_000)
  })

  describe.skipIf(!awsCliAvailable)('with the AWS CLI', () => {
    it('returns the report base64-encoded in Content', async () => {
      const creds = palisade.root
      // The CLI signs with the real clock: bring the server back to it.
      offsetMs = 0
      const generated = await awsCli(palisade.url, creds, ['iam', 'generate-credential-report'])
      expect(generated.code).toBe(0)
      const got = await awsCli(palisade.url, creds, ['iam', 'get-credential-report'])
      expect(got.code).toBe(0)
      const body = JSON.parse(got.stdout) as { Content: string; ReportFormat: string }
      expect(body.ReportFormat).toBe('text/csv')
      const csv = Buffer.from(body.Content, 'base64').toString('utf8')
      expect(csv.split('\n')[0]).toBe(CREDENTIAL_REPORT_COLUMNS.join(','))
      expect(csv.split('\n')[1]).toMatch(/^<root_account>,arn:aws:iam::\d{12}:root,/)
    })
  })
})
