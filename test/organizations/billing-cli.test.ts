// `palisade billing` against a data directory a real server wrote: requests per service counted per account, KMS keys
// kept, the period flags, and usage errors.
import { CreateUserCommand, GetUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import { CreateKeyCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPalisade } from '../../src/app/start-palisade.js'
import { billingCommand } from '../../src/cli/billing-command.js'
import { readConfig } from '../../src/config/config.js'
import { silentLogger } from '../../src/core/logger.js'
import { TEST_ROOT_ACCESS_KEY_ID, TEST_ROOT_SECRET_ACCESS_KEY } from '../support/palisade.js'

const NOW = new Date()
const THIS_MONTH = NOW.toISOString().slice(0, 7)

async function billing(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await billingCommand(args, {}, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), now: () => NOW })
  return { code, stdout, stderr }
}

describe('palisade billing', () => {
  let dataDir: string

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'palisade-billing-'))
    const config = readConfig(['--port', '0', '--data-dir', dataDir, '--root-access-key-id', TEST_ROOT_ACCESS_KEY_ID, '--root-secret-access-key', TEST_ROOT_SECRET_ACCESS_KEY], {})
    const palisade = await startPalisade(config, { log: silentLogger })
    const credentials = { accessKeyId: TEST_ROOT_ACCESS_KEY_ID, secretAccessKey: TEST_ROOT_SECRET_ACCESS_KEY }
    const iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials, maxAttempts: 1 })
    const kms = new KMSClient({ endpoint: palisade.url, region: 'us-east-1', credentials, maxAttempts: 1 })
    await iam.send(new CreateUserCommand({ UserName: 'metered' }))
    await iam.send(new ListUsersCommand({}))
    await expect(iam.send(new GetUserCommand({ UserName: 'nobody' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' }) // failed calls count too
    await kms.send(new CreateKeyCommand({}))
    const doomed = await kms.send(new CreateKeyCommand({}))
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyMetadata!.KeyId!, PendingWindowInDays: 7 }))
    await palisade.close() // writes the pending counts
  })
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('reports each account\'s requests per service and the KMS keys it keeps, as JSON', async () => {
    const { code, stdout } = await billing(['--data-dir', dataDir, '--json'])
    expect(code).toBe(0)
    const report = JSON.parse(stdout)
    expect(report.period.from).toBe(`${THIS_MONTH}-01`)
    expect(report.organizations).toEqual([])
    expect(report.standaloneAccounts).toEqual([{
      accountId: '000000000000',
      name: expect.any(String),
      status: 'ACTIVE',
      requests: { iam: 3, kms: 3 },
      totalRequests: 6,
      kmsKeys: 1, // the key pending deletion is not kept
      s3StoredBytes: 0,
    }])
  })

  it('says in its text that the figures are usage, not money', async () => {
    const { code, stdout } = await billing(['--data-dir', dataDir])
    expect(code).toBe(0)
    expect(stdout).toContain('These figures are metered usage, not money')
    expect(stdout).toContain('Accounts outside any organization')
    expect(stdout).toMatch(/000000000000 .* ACTIVE +6 +iam 3, kms 3 +1 +0/)
  })

  it('counts only the days of the period asked for', async () => {
    const { stdout } = await billing(['--data-dir', dataDir, '--json', '--from', '2001-01-01', '--to', '2001-01-31'])
    expect(JSON.parse(stdout).standaloneAccounts[0]).toMatchObject({ requests: {}, totalRequests: 0, kmsKeys: 1 })
  })

  it('takes a calendar month as the period, to its last day', async () => {
    expect(JSON.parse((await billing(['--data-dir', dataDir, '--json', '--month', '2024-02'])).stdout).period).toEqual({ from: '2024-02-01', to: '2024-02-29' })
    expect(JSON.parse((await billing(['--data-dir', dataDir, '--json', '--month', '2026-12'])).stdout).period).toEqual({ from: '2026-12-01', to: '2026-12-31' })
  })

  it.each([
    { name: 'an unknown flag', args: ['--bogus', 'x'], message: 'unknown flag `--bogus`' },
    { name: 'a malformed month', args: ['--month', '2026-13'], message: '`--month` must be YYYY-MM' },
    { name: '--from without --to', args: ['--from', '2026-11-01'], message: 'give both `--from` and `--to`' },
    { name: 'an impossible day', args: ['--from', '2026-02-30', '--to', '2026-03-01'], message: '`--from` must be a date YYYY-MM-DD' },
    { name: 'a period that ends before it starts', args: ['--from', '2026-11-02', '--to', '2026-11-01'], message: '`--from` is after `--to`' },
    { name: 'an account ID that is not 12 digits', args: ['--account', '123'], message: '`--account` must be a 12-digit account ID' },
  ])('refuses $name with exit code 2', async ({ args, message }) => {
    const { code, stderr } = await billing(['--data-dir', dataDir, ...args])
    expect(code).toBe(2)
    expect(stderr).toContain(message)
  })

  it('fails with exit code 1 for an account that manages no organization, and for a missing database', async () => {
    expect(await billing(['--data-dir', dataDir, '--account', '000000000000'])).toMatchObject({
      code: 1, stderr: 'palisade billing: account 000000000000 is not the management account of an organization\n',
    })
    expect((await billing(['--data-dir', join(dataDir, 'nowhere')])).code).toBe(1)
  })

  it('fails with exit code 1 and a one-line message when PostgreSQL cannot be reached', async () => {
    const answer = await billing(['--database', 'postgres://palisade@127.0.0.1:1/none'])
    expect(answer.code).toBe(1)
    expect(answer.stderr).toMatch(/^palisade billing: cannot open the database: .+\n$/)
  })
})
