// End to end: access keys of IAM users and of the root user — quota, status, deletion taking effect on the very
// next request, last use, secrets never stored in clear.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

const ACCOUNT = '000000000000'
type Credentials = { accessKeyId: string; secretAccessKey: string }

describe('IAM access keys', () => {
  let palisade: TestPalisade
  let client: IAMClient
  const sts = (credentials: Credentials) => new STSClient({ endpoint: palisade.url, region: 'us-east-1', credentials, maxAttempts: 1 })
  const newKey = async (userName?: string): Promise<Credentials> => {
    const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: userName }))
    return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }
  }
  beforeAll(async () => {
    palisade = await startTestPalisade()
    client = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
    for (const name of ['Holder', 'Quota', 'Deleted', 'Paused', 'Used']) await client.send(new CreateUserCommand({ UserName: name }))
  })
  afterAll(() => palisade.stop())

  it('creates an Active AKIA key with a 40-character secret, listed without the secret', async () => {
    const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: 'holder' }))
    expect(AccessKey).toMatchObject({ UserName: 'Holder', Status: 'Active' })
    expect(AccessKey?.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/)
    expect(AccessKey?.SecretAccessKey).toHaveLength(40)
    const { AccessKeyMetadata } = await client.send(new ListAccessKeysCommand({ UserName: 'Holder' }))
    expect(AccessKeyMetadata).toEqual([{ UserName: 'Holder', AccessKeyId: AccessKey?.AccessKeyId, Status: 'Active', CreateDate: expect.any(Date) }])
  })

  it('keeps secrets sealed at rest', async () => {
    const key = await newKey('Holder')
    const files = readdirSync(palisade.dataDir).filter((name) => /\.(db|sqlite)(-wal)?$/.test(name) || name.includes('palisade'))
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const bytes = readFileSync(join(palisade.dataDir, file))
      expect(bytes.includes(Buffer.from(key.secretAccessKey))).toBe(false)
    }
  })

  it('allows at most 2 keys per user', async () => {
    await newKey('Quota')
    await newKey('Quota')
    await expect(client.send(new CreateAccessKeyCommand({ UserName: 'Quota' }))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for AccessKeysPerUser: 2',
      $metadata: { httpStatusCode: 409 },
    })
  })

  it('answers NoSuchEntity for a user that does not exist', async () => {
    await expect(client.send(new CreateAccessKeyCommand({ UserName: 'Nobody' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The user with name Nobody cannot be found.',
    })
  })

  it('signs as the IAM user with its AIDA id', async () => {
    const key = await newKey('Used')
    const identity = await sts(key).send(new GetCallerIdentityCommand({}))
    expect(identity).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/Used` })
    expect(identity.UserId).toMatch(/^AIDA[A-Z0-9]{17}$/)
  })

  it('rejects a deleted key on the very next request', async () => {
    const key = await newKey('Deleted')
    await sts(key).send(new GetCallerIdentityCommand({}))
    await client.send(new DeleteAccessKeyCommand({ UserName: 'Deleted', AccessKeyId: key.accessKeyId }))
    await expect(sts(key).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
      $metadata: { httpStatusCode: 403 },
    })
    expect((await client.send(new ListAccessKeysCommand({ UserName: 'Deleted' }))).AccessKeyMetadata).toEqual([])
  })

  it('rejects an Inactive key with InvalidClientTokenId, and accepts it again once Active', async () => {
    const key = await newKey('Paused')
    await client.send(new UpdateAccessKeyCommand({ UserName: 'Paused', AccessKeyId: key.accessKeyId, Status: 'Inactive' }))
    await expect(sts(key).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' })
    expect((await client.send(new ListAccessKeysCommand({ UserName: 'Paused' }))).AccessKeyMetadata?.[0]?.Status).toBe('Inactive')
    await client.send(new UpdateAccessKeyCommand({ UserName: 'Paused', AccessKeyId: key.accessKeyId, Status: 'Active' }))
    await expect(sts(key).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Arn: `arn:aws:iam::${ACCOUNT}:user/Paused` })
  })

  it('answers NoSuchEntity for a key of another user', async () => {
    const { AccessKeyMetadata } = await client.send(new ListAccessKeysCommand({ UserName: 'Holder' }))
    const key = { accessKeyId: AccessKeyMetadata![0]!.AccessKeyId! }
    await expect(client.send(new DeleteAccessKeyCommand({ UserName: 'Used', AccessKeyId: key.accessKeyId }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: `The Access Key with id ${key.accessKeyId} cannot be found.`,
    })
  })

  it('reports N/A for a key never used, then the date, service and region of its last use', async () => {
    const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: 'Paused' }))
    const key = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }
    const unused = await client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }))
    expect(unused).toMatchObject({ UserName: 'Paused', AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } })
    expect(unused.AccessKeyLastUsed?.LastUsedDate).toBeUndefined()

    await sts(key).send(new GetCallerIdentityCommand({}))
    // Last use is written in batches off the request path (AWS too updates it with a delay).
    await vi.waitFor(async () => {
      const used = await client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }))
      expect(used.AccessKeyLastUsed).toMatchObject({ ServiceName: 'sts', Region: 'us-east-1', LastUsedDate: expect.any(Date) })
    }, { timeout: 5000, interval: 200 })
  })

  describe('of the root user', () => {
    it('creates, lists and deletes the caller\'s own keys when no user is named', async () => {
      const key = await newKey()
      expect(await sts(key).send(new GetCallerIdentityCommand({}))).toMatchObject({ Arn: `arn:aws:iam::${ACCOUNT}:root`, UserId: ACCOUNT })
      const listed = await client.send(new ListAccessKeysCommand({}))
      expect(listed.AccessKeyMetadata?.map((metadata) => metadata.AccessKeyId)).toEqual([palisade.root.accessKeyId, key.accessKeyId])
      await expect(client.send(new CreateAccessKeyCommand({}))).rejects.toMatchObject({ name: 'LimitExceededException' })
      await client.send(new DeleteAccessKeyCommand({ AccessKeyId: key.accessKeyId }))
      await expect(sts(key).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' })
    })
  })

  describe.skipIf(!awsCliAvailable)('with the AWS CLI', () => {
    it('creates a key and lists it', async () => {
      await awsCli(palisade.url, palisade.root, ['iam', 'create-user', '--user-name', 'cli-keys'])
      const created = await awsCli(palisade.url, palisade.root, ['iam', 'create-access-key', '--user-name', 'cli-keys'])
      expect(created.code).toBe(0)
      const { AccessKey } = JSON.parse(created.stdout)
      expect(AccessKey).toMatchObject({ UserName: 'cli-keys', Status: 'Active' })
      const listed = await awsCli(palisade.url, palisade.root, ['iam', 'list-access-keys', '--user-name', 'cli-keys'])
      expect(JSON.parse(listed.stdout).AccessKeyMetadata[0].AccessKeyId).toBe(AccessKey.AccessKeyId)
      const caller = await awsCli(palisade.url, { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey }, ['sts', 'get-caller-identity'])
      expect(JSON.parse(caller.stdout)).toMatchObject({ Arn: `arn:aws:iam::${ACCOUNT}:user/cli-keys` })
    })
  })
})
