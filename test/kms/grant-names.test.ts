// End to end: CreateGrant with a Name is idempotent for identical parameters (same GrantId, a new token each time).
import {
  CreateGrantCommand, CreateKeyCommand, EncryptCommand, ListGrantsCommand, RetireGrantCommand, RevokeGrantCommand,
  type CreateGrantCommandInput, type KMSClient,
} from '@aws-sdk/client-kms'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startPalisade } from '../../src/app/start-palisade.js'
import { readConfig } from '../../src/config/config.js'
import { silentLogger } from '../../src/core/logger.js'
import { forPostgres } from '../../src/storage/testing.js'
import { startTestPalisade, TEST_ROOT_ACCESS_KEY_ID, TEST_ROOT_SECRET_ACCESS_KEY, type TestPalisade } from '../support/palisade.js'
import { kmsClient } from './kms-client.js'

const ACCOUNT = '000000000000'
const GRANTEE = `arn:aws:iam::${ACCOUNT}:role/app`
const RETIRING = `arn:aws:iam::${ACCOUNT}:role/ops`

describe('CreateGrant with a Name', () => {
  let palisade: TestPalisade
  let kms: KMSClient
  beforeAll(async () => {
    palisade = await startTestPalisade()
    kms = kmsClient(palisade)
  })
  afterAll(() => palisade.stop())

  const newKeyId = async () => (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!
  const grant = (keyId: string, changes: Partial<CreateGrantCommandInput> = {}): CreateGrantCommandInput => ({
    KeyId: keyId, Name: 'app-grant', GranteePrincipal: GRANTEE, RetiringPrincipal: RETIRING,
    Operations: ['Encrypt', 'Decrypt', 'RetireGrant'], Constraints: { EncryptionContextSubset: { tenant: 'acme', stage: 'prod' } },
    ...changes,
  })
  const create = async (input: CreateGrantCommandInput) => {
    const { GrantId, GrantToken } = await kms.send(new CreateGrantCommand(input))
    return { grantId: GrantId!, token: GrantToken! }
  }
  const grantIds = async (keyId: string) => (await kms.send(new ListGrantsCommand({ KeyId: keyId }))).Grants?.map((listed) => listed.GrantId)

  it('returns the existing GrantId and a new token on a retry, and lists one grant', async () => {
    const keyId = await newKeyId()
    const first = await create(grant(keyId))
    const retry = await create(grant(keyId))
    expect(retry.grantId).toBe(first.grantId)
    expect(retry.token).not.toBe(first.token)
    expect(await grantIds(keyId)).toEqual([first.grantId])
  })

  it('treats Operations as a set and encryption context pairs in any order as the same request', async () => {
    const keyId = await newKeyId()
    const first = await create(grant(keyId))
    const reordered = await create(grant(keyId, {
      Operations: ['RetireGrant', 'Decrypt', 'Encrypt', 'Decrypt'],
      Constraints: { EncryptionContextSubset: { stage: 'prod', tenant: 'acme' } },
    }))
    expect(reordered.grantId).toBe(first.grantId)
    expect(await grantIds(keyId)).toEqual([first.grantId])
  })

  it.each([
    { name: 'the first token retires the grant, and the second then finds none', retireWith: 0 },
    { name: 'the second token retires the grant, and the first then finds none', retireWith: 1 },
  ])('$name', async ({ retireWith }) => {
    const keyId = await newKeyId()
    const tokens = [(await create(grant(keyId))).token, (await create(grant(keyId))).token]
    await kms.send(new RetireGrantCommand({ GrantToken: tokens[retireWith] }))
    expect(await grantIds(keyId)).toEqual([])
    await expect(kms.send(new RetireGrantCommand({ GrantToken: tokens[1 - retireWith] }))).rejects.toMatchObject({ name: 'NotFoundException' })
  })

  it('accepts the retry token in GrantTokens', async () => {
    const keyId = await newKeyId()
    await create(grant(keyId))
    const retry = await create(grant(keyId))
    await expect(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), GrantTokens: [retry.token] }))).resolves.toBeDefined()
  })

  it('forgets the retry tokens of a revoked grant, even when a new grant takes the same Name', async () => {
    const keyId = await newKeyId()
    const first = await create(grant(keyId))
    const retry = await create(grant(keyId))
    await kms.send(new RevokeGrantCommand({ KeyId: keyId, GrantId: first.grantId }))
    const recreated = await create(grant(keyId))
    expect(recreated.grantId).not.toBe(first.grantId)
    await expect(kms.send(new RetireGrantCommand({ GrantToken: retry.token }))).rejects.toMatchObject({ name: 'NotFoundException' })
    expect(await grantIds(keyId)).toEqual([recreated.grantId])
  })

  // AWS documents only the identical-parameters retry; another request with the same Name creates another grant.
  it.each([
    { name: 'another grantee principal', changes: { GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/other` } },
    { name: 'no retiring principal', changes: { RetiringPrincipal: undefined } },
    { name: 'another retiring principal', changes: { RetiringPrincipal: `arn:aws:iam::${ACCOUNT}:role/other` } },
    { name: 'fewer operations', changes: { Operations: ['Encrypt', 'RetireGrant'] } },
    { name: 'another operation', changes: { Operations: ['Encrypt', 'Decrypt', 'DescribeKey'] } },
    { name: 'no constraints', changes: { Constraints: undefined } },
    { name: 'an equals constraint instead of a subset one', changes: { Constraints: { EncryptionContextEquals: { tenant: 'acme', stage: 'prod' } } } },
    { name: 'another encryption context value', changes: { Constraints: { EncryptionContextSubset: { tenant: 'acme', stage: 'dev' } } } },
  ] satisfies { name: string; changes: Partial<CreateGrantCommandInput> }[])('creates a new grant for the same Name with $name', async ({ changes }) => {
    const keyId = await newKeyId()
    const first = await create(grant(keyId))
    const other = await create(grant(keyId, changes))
    expect(other.grantId).not.toBe(first.grantId)
    const listed = (await kms.send(new ListGrantsCommand({ KeyId: keyId }))).Grants ?? []
    expect(listed.map((entry) => [entry.GrantId, entry.Name])).toEqual([[first.grantId, 'app-grant'], [other.grantId, 'app-grant']])
  })

  it('creates a new grant for the same Name on another key', async () => {
    const [keyA, keyB] = [await newKeyId(), await newKeyId()]
    const onA = await create(grant(keyA))
    const onB = await create(grant(keyB))
    expect(onB.grantId).not.toBe(onA.grantId)
    expect(await grantIds(keyB)).toEqual([onB.grantId])
  })

  it('creates a new grant on every request without a Name', async () => {
    const keyId = await newKeyId()
    const first = await create(grant(keyId, { Name: undefined }))
    const second = await create(grant(keyId, { Name: undefined }))
    expect(second.grantId).not.toBe(first.grantId)
    expect(await grantIds(keyId)).toHaveLength(2)
  })
})

describe('CreateGrant retry tokens across a restart', () => {
  it('retires the grant with a retry token after the server restarts on the same data directory', async () => {
    const root = { accessKeyId: TEST_ROOT_ACCESS_KEY_ID, secretAccessKey: TEST_ROOT_SECRET_ACCESS_KEY }
    const dataDir = mkdtempSync(join(tmpdir(), 'palisade-grant-names-'))
    const config = readConfig(['--port', '0', '--data-dir', dataDir, '--root-access-key-id', root.accessKeyId, '--root-secret-access-key', root.secretAccessKey], {})
    try {
      const first = await startPalisade(config, { log: silentLogger })
      const kms = kmsClient({ url: first.url, root })
      const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!
      const input = { KeyId: keyId, Name: 'kept', GranteePrincipal: GRANTEE, Operations: ['Encrypt' as const] }
      const created = await kms.send(new CreateGrantCommand(input))
      const retry = await kms.send(new CreateGrantCommand(input))
      expect(retry.GrantId).toBe(created.GrantId)
      await first.close()

      const second = await startPalisade(config, { log: silentLogger })
      const again = kmsClient({ url: second.url, root })
      await again.send(new RetireGrantCommand({ GrantToken: retry.GrantToken }))
      expect((await again.send(new ListGrantsCommand({ KeyId: keyId }))).Grants).toEqual([])
      await second.close()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

forPostgres('CreateGrant retries between two servers', (dialect) => {
  it('returns one GrantId through either server, and a token from one retires the grant through the other', async () => {
    const { url } = await dialect.config()
    const rootKey = Buffer.alloc(32, 7).toString('base64')
    const first = await startTestPalisade(['--database', url, '--root-key', rootKey])
    const second = await startTestPalisade(['--database', url, '--root-key', rootKey])
    try {
      const one = kmsClient(first)
      const two = kmsClient(second)
      const keyId = (await one.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!
      const input = { KeyId: keyId, Name: 'shared', GranteePrincipal: GRANTEE, Operations: ['Encrypt' as const] }
      const created = await one.send(new CreateGrantCommand(input))
      const retry = await vi.waitFor(() => two.send(new CreateGrantCommand(input)), { timeout: 5000, interval: 50 })
      expect(retry.GrantId).toBe(created.GrantId)
      // The first server learns the retry token through the key change notification.
      await vi.waitFor(() => one.send(new RetireGrantCommand({ GrantToken: retry.GrantToken })), { timeout: 5000, interval: 50 })
      // And the second through the retirement's notification: each server reads grants from its own key index.
      await vi.waitFor(async () => expect((await two.send(new ListGrantsCommand({ KeyId: keyId }))).Grants).toEqual([]), { timeout: 5000, interval: 50 })
    } finally {
      await first.stop()
      await second.stop()
    }
  })
})
