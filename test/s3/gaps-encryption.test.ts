// SSE-C beyond single PUTs: multipart uploads (every part carries the upload's key; a missing or different key is
// refused), CopyObject and UploadPartCopy with customer-key targets and sources; and SSE-KMS without a key id, which
// uses the account's AWS managed key aws/s3, created on first use with AWS's key policy for it.
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand,
  PutObjectCommand, S3Client, UploadPartCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3'
import { DeleteAliasCommand, DescribeKeyCommand, DisableKeyCommand, GetKeyPolicyCommand, KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms'
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { Agent } from 'node:https'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { failure } from './s3-support.js'

let server: TestPalisade
let s3: S3Client
let kms: KMSClient
let ca: string
const key = randomBytes(32)
const otherKey = randomBytes(32)
const withKey = (customer: Buffer) => ({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: customer as unknown as string })
const sourceKey = (customer: Buffer) => ({ CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: customer as unknown as string })
const PART = 5 * 1024 * 1024
const part1 = randomBytes(PART)
const part2 = Buffer.from('the last part may be small')

function clientFor(credentials: { accessKeyId: string; secretAccessKey: string }): S3Client {
  return new S3Client({
    endpoint: server.url, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca }) }),
  })
}

// SSE-C needs HTTPS: the server serves TLS with its generated certificate, which the clients trust.
beforeAll(async () => {
  server = await startTestPalisade(['--tls'])
  ca = readFileSync(join(server.dataDir, 'tls-cert.pem'), 'utf8')
  s3 = clientFor(server.root)
  kms = new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials: server.root, maxAttempts: 1, requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca }) }) })
  await s3.send(new CreateBucketCommand({ Bucket: 'gaps' }))
})
afterAll(async () => server.stop())

async function body(response: Promise<{ Body?: { transformToByteArray(): Promise<Uint8Array> } }>): Promise<Buffer> {
  return Buffer.from(await (await response).Body!.transformToByteArray())
}

describe('SSE-C multipart uploads', () => {
  it('encrypts every part with the upload\'s key; the object reads back only with it', async () => {
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'gaps', Key: 'big.bin', ...withKey(key) }))
    expect(created.SSECustomerAlgorithm).toBe('AES256')
    expect(created.SSECustomerKeyMD5).toBe(createHash('md5').update(key).digest('base64'))
    const upload = { Bucket: 'gaps', Key: 'big.bin', UploadId: created.UploadId! }
    const first = await s3.send(new UploadPartCommand({ ...upload, PartNumber: 1, Body: part1, ...withKey(key) }))
    expect(first.SSECustomerKeyMD5).toBe(created.SSECustomerKeyMD5)
    expect(first.ServerSideEncryption).toBeUndefined() // S3 reports SSE-C by its own headers only
    const second = await s3.send(new UploadPartCommand({ ...upload, PartNumber: 2, Body: part2, ...withKey(key) }))
    await s3.send(new CompleteMultipartUploadCommand({ ...upload, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: first.ETag! }, { PartNumber: 2, ETag: second.ETag! }] } }))
    expect((await body(s3.send(new GetObjectCommand({ Bucket: 'gaps', Key: 'big.bin', ...withKey(key) })))).equals(Buffer.concat([part1, part2]))).toBe(true)
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: 'gaps', Key: 'big.bin' })))).name).toBe('InvalidRequest')
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: 'gaps', Key: 'big.bin', ...withKey(otherKey) })))).$metadata.httpStatusCode).toBe(403)
    const ranged = await body(s3.send(new GetObjectCommand({ Bucket: 'gaps', Key: 'big.bin', Range: `bytes=${PART - 3}-${PART + 2}`, ...withKey(key) })))
    expect(ranged.equals(Buffer.concat([part1, part2]).subarray(PART - 3, PART + 3))).toBe(true)
  })

  it('refuses a part without the key, with another key, and a key for an upload that has none', async () => {
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'gaps', Key: 'strict.bin', ...withKey(key) }))
    const upload = { Bucket: 'gaps', Key: 'strict.bin', UploadId: created.UploadId!, PartNumber: 1, Body: part2 }
    const missing = await failure(s3.send(new UploadPartCommand(upload)))
    expect(missing.name).toBe('InvalidRequest')
    expect(missing.message).toBe('The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.')
    const other = await failure(s3.send(new UploadPartCommand({ ...upload, ...withKey(otherKey) })))
    expect(other.name).toBe('InvalidRequest')
    expect(other.message).toBe('The provided encryption parameters did not match the ones used originally.')
    const plain = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'gaps', Key: 'plain.bin' }))
    const unexpected = await failure(s3.send(new UploadPartCommand({ ...upload, Key: 'plain.bin', UploadId: plain.UploadId!, ...withKey(key) })))
    expect(unexpected.name).toBe('InvalidRequest')
  })

  it('copies parts from an SSE-C source into an SSE-C upload with another key', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'gaps', Key: 'source.bin', Body: part1, ...withKey(otherKey) }))
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'gaps', Key: 'copied-parts.bin', ...withKey(key) }))
    const upload = { Bucket: 'gaps', Key: 'copied-parts.bin', UploadId: created.UploadId! }
    const noSourceKey = await failure(s3.send(new UploadPartCopyCommand({ ...upload, PartNumber: 1, CopySource: 'gaps/source.bin', ...withKey(key) })))
    expect(noSourceKey.name).toBe('InvalidRequest')
    const copied = await s3.send(new UploadPartCopyCommand({ ...upload, PartNumber: 1, CopySource: 'gaps/source.bin', ...withKey(key), ...sourceKey(otherKey) }))
    expect(copied.SSECustomerKeyMD5).toBe(created.SSECustomerKeyMD5)
    const last = await s3.send(new UploadPartCommand({ ...upload, PartNumber: 2, Body: part2, ...withKey(key) }))
    await s3.send(new CompleteMultipartUploadCommand({
      ...upload, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: copied.CopyPartResult!.ETag! }, { PartNumber: 2, ETag: last.ETag! }] },
    }))
    expect((await body(s3.send(new GetObjectCommand({ Bucket: 'gaps', Key: 'copied-parts.bin', ...withKey(key) })))).equals(Buffer.concat([part1, part2]))).toBe(true)
  })
})

describe('SSE-C from the AWS CLI', () => {
  it.skipIf(!awsCliAvailable)('uploads, copies (multipart, so UploadPartCopy) and downloads a 9 MiB file with customer keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-sse-c-cli-'))
    try {
      const content = randomBytes(9 * 1024 * 1024)
      writeFileSync(join(dir, 'big.bin'), content)
      writeFileSync(join(dir, 'key'), key)
      writeFileSync(join(dir, 'other-key'), otherKey)
      writeFileSync(join(dir, 'ca.pem'), ca)
      const cli = (...args: string[]) => awsCli(server.url, server.root, ['--ca-bundle', join(dir, 'ca.pem'), ...args])
      const sseC = (file: string) => ['--sse-c', 'AES256', '--sse-c-key', `fileb://${join(dir, file)}`]
      const put = await cli('s3', 'cp', join(dir, 'big.bin'), 's3://gaps/cli/big.bin', ...sseC('key'))
      expect(put.code, put.stderr).toBe(0)
      const copy = await cli('s3', 'cp', 's3://gaps/cli/big.bin', 's3://gaps/cli/copy.bin', ...sseC('other-key'),
        '--sse-c-copy-source', 'AES256', '--sse-c-copy-source-key', `fileb://${join(dir, 'key')}`)
      expect(copy.code, copy.stderr).toBe(0)
      const get = await cli('s3', 'cp', 's3://gaps/cli/copy.bin', join(dir, 'back.bin'), ...sseC('other-key'))
      expect(get.code, get.stderr).toBe(0)
      expect(readFileSync(join(dir, 'back.bin')).equals(content)).toBe(true)
      const wrong = await cli('s3', 'cp', 's3://gaps/cli/copy.bin', join(dir, 'wrong.bin'), ...sseC('key'))
      expect(wrong.code).not.toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('SSE-C copy targets', () => {
  it('re-encrypts a copy under the target key, from a plain or an SSE-C source, and in place under a new key', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'gaps', Key: 'plain.txt', Body: 'plain text' }))
    const copied = await s3.send(new CopyObjectCommand({ Bucket: 'gaps', Key: 'sealed.txt', CopySource: 'gaps/plain.txt', ...withKey(key) }))
    expect(copied.SSECustomerKeyMD5).toBe(createHash('md5').update(key).digest('base64'))
    expect(copied.ServerSideEncryption).toBeUndefined()
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: 'gaps', Key: 'sealed.txt' })))).$metadata.httpStatusCode).toBe(400)
    expect((await body(s3.send(new GetObjectCommand({ Bucket: 'gaps', Key: 'sealed.txt', ...withKey(key) })))).toString()).toBe('plain text')
    // Key rotation in place: the source's key to read, the new key to write.
    await s3.send(new CopyObjectCommand({ Bucket: 'gaps', Key: 'sealed.txt', CopySource: 'gaps/sealed.txt', ...sourceKey(key), ...withKey(otherKey) }))
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: 'gaps', Key: 'sealed.txt', ...withKey(key) })))).$metadata.httpStatusCode).toBe(403)
    expect((await body(s3.send(new GetObjectCommand({ Bucket: 'gaps', Key: 'sealed.txt', ...withKey(otherKey) })))).toString()).toBe('plain text')
  })

  it('keeps no customer key, and no plaintext, in the database or the data files', () => {
    const forms = [key, otherKey].flatMap((secret) => [secret, Buffer.from(secret.toString('base64')), Buffer.from(secret.toString('hex'))])
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)])
    const files = [...['palisade.db', 'palisade.db-wal'].map((name) => join(server.dataDir, name)).filter((file) => existsSync(file)), ...walk(join(server.dataDir, 's3'))]
    for (const file of files) {
      const bytes = readFileSync(file)
      for (const form of [...forms, part1.subarray(0, 64)]) expect(bytes.includes(form), `${file} holds a secret`).toBe(false)
    }
  })
})

describe('SSE-KMS with the AWS managed key aws/s3', () => {
  it('creates alias/aws/s3 on the first aws:kms write without a key id, and uses it for every later one', async () => {
    const before = await kms.send(new ListAliasesCommand({}))
    // Listed before the key exists, as AWS lists its predefined aliases: without a TargetKeyId.
    expect(before.Aliases?.filter((alias) => alias.AliasName === 'alias/aws/s3')).toEqual([
      { AliasName: 'alias/aws/s3', AliasArn: 'arn:aws:kms:us-east-1:000000000000:alias/aws/s3' },
    ])
    const first = await s3.send(new PutObjectCommand({ Bucket: 'gaps', Key: 'kms-1', Body: 'managed', ServerSideEncryption: 'aws:kms' }))
    const second = await s3.send(new PutObjectCommand({ Bucket: 'gaps', Key: 'kms-2', Body: 'managed', ServerSideEncryption: 'aws:kms' }))
    expect(first.SSEKMSKeyId).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\//)
    expect(second.SSEKMSKeyId).toBe(first.SSEKMSKeyId)
    const described = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }))
    expect(described.KeyMetadata).toMatchObject({ Arn: first.SSEKMSKeyId, KeyManager: 'AWS', KeyState: 'Enabled', Description: 'Default key that protects my S3 objects when no other key is defined' })
    const aliases = await kms.send(new ListAliasesCommand({}))
    const managed = aliases.Aliases?.filter((alias) => alias.AliasName === 'alias/aws/s3')
    expect(managed).toHaveLength(1)
    expect(managed![0]!.TargetKeyId).toBe(described.KeyMetadata!.KeyId)
    expect((await body(s3.send(new GetObjectCommand({ Bucket: 'gaps', Key: 'kms-1' })))).toString()).toBe('managed')
  })

  it('has AWS\'s key policy: usable through S3 by the account\'s principals, not managed by the account', async () => {
    const policy = JSON.parse((await kms.send(new GetKeyPolicyCommand({ KeyId: 'alias/aws/s3', PolicyName: 'default' }))).Policy!)
    expect(policy.Statement[0].Condition).toEqual({ StringEquals: { 'kms:CallerAccount': '000000000000', 'kms:ViaService': 's3.us-east-1.amazonaws.com' } })
    // A user allowed S3 but given no KMS permission uses the key through S3, as AWS's policy for it says.
    const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: server.root, maxAttempts: 1, requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca }) }) })
    await iam.send(new CreateUserCommand({ UserName: 'dave' }))
    const accessKey = (await iam.send(new CreateAccessKeyCommand({ UserName: 'dave' }))).AccessKey!
    await iam.send(new PutUserPolicyCommand({
      UserName: 'dave', PolicyName: 's3',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: '*' }] }),
    }))
    const asDave = clientFor({ accessKeyId: accessKey.AccessKeyId!, secretAccessKey: accessKey.SecretAccessKey! })
    await asDave.send(new PutObjectCommand({ Bucket: 'gaps', Key: 'kms-dave', Body: 'daves', ServerSideEncryption: 'aws:kms' }))
    expect((await body(asDave.send(new GetObjectCommand({ Bucket: 'gaps', Key: 'kms-1' })))).toString()).toBe('managed')
    // Not even the account's root user may manage an AWS managed key.
    const disabled = await kms.send(new DisableKeyCommand({ KeyId: 'alias/aws/s3' })).then(() => undefined, (error: unknown) => error as Error)
    expect(disabled?.name).toBe('AccessDeniedException')
    const unaliased = await kms.send(new DeleteAliasCommand({ AliasName: 'alias/aws/s3' })).then(() => undefined, (error: unknown) => error as Error)
    expect(unaliased?.name).toBe('AccessDeniedException')
    expect((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }))).KeyMetadata?.KeyManager).toBe('AWS')
  })
})
