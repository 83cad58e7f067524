// Encryption at rest end to end: default bucket encryption (SSE-S3 unless configured), SSE-KMS objects made with a
// KMS key's data keys, unreadable without kms:Decrypt on the key (even when S3 allows the read), the key's state
// honoured, and the bytes on disk ciphertext.
import {
  CreateBucketCommand, DeleteBucketEncryptionCommand, GetBucketEncryptionCommand, GetObjectCommand, HeadObjectCommand,
  PutBucketEncryptionCommand, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3'
import { CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms'
import { PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestUser, rootClient, type TestUser } from '../iam/enforcement-support.js'
import type { TestPalisade } from '../support/palisade.js'
import { failure, s3Client, startS3Palisade } from './s3-support.js'

let server: TestPalisade
let s3: S3Client
let kms: KMSClient
let keyArn: string
let bob: TestUser

const SECRET_TEXT = 'the quick brown fox keeps its secrets at rest '.repeat(50)

beforeAll(async () => {
  ({ server, s3 } = await startS3Palisade())
  kms = new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials: server.root, maxAttempts: 1 })
  keyArn = (await kms.send(new CreateKeyCommand({ Description: 'sse-kms test key' }))).KeyMetadata!.Arn!
  bob = await createTestUser(server, 'bob')
  await s3.send(new CreateBucketCommand({ Bucket: 'enc-kms' }))
})
afterAll(async () => server.stop())

async function bobMayRead(actions: string[]): Promise<void> {
  await rootClient(server).send(new PutUserPolicyCommand({
    UserName: 'bob', PolicyName: 'read',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }),
  }))
}

/** Every data file under the data directory's object store. */
function objectFiles(): string[] {
  const found: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else found.push(path)
    }
  }
  walk(join(server.dataDir, 's3', 'data'))
  return found
}

describe('default bucket encryption', () => {
  it('is SSE-S3 until configured, takes an aws:kms rule with a key, and returns to SSE-S3 when deleted', async () => {
    const initial = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'enc-kms' }))
    expect(initial.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' })
    await s3.send(new PutBucketEncryptionCommand({
      Bucket: 'enc-kms',
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn }, BucketKeyEnabled: true }] },
    }))
    const configured = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'enc-kms' }))
    expect(configured.ServerSideEncryptionConfiguration?.Rules).toEqual([{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn }, BucketKeyEnabled: true }])
    await s3.send(new PutObjectCommand({ Bucket: 'enc-kms', Key: 'by-default.txt', Body: 'default' }))
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'enc-kms', Key: 'by-default.txt' }))
    expect(head.ServerSideEncryption).toBe('aws:kms')
    expect(head.SSEKMSKeyId).toBe(keyArn)
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: 'enc-kms' }))
    await s3.send(new PutObjectCommand({ Bucket: 'enc-kms', Key: 'after-delete.txt', Body: 'plain default' }))
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'enc-kms', Key: 'after-delete.txt' }))).ServerSideEncryption).toBe('AES256')
  })

  it('refuses a key id with AES256 (InvalidArgument)', async () => {
    const error = await failure(s3.send(new PutBucketEncryptionCommand({
      Bucket: 'enc-kms', ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256', KMSMasterKeyID: keyArn } }] },
    })))
    expect(error.name).toBe('InvalidArgument')
  })
})

describe('SSE-KMS objects', () => {
  it('are written under the named key and read back by the owner', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'enc-kms', Key: 'secret.txt', Body: SECRET_TEXT, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn }))
    expect(put.ServerSideEncryption).toBe('aws:kms')
    expect(put.SSEKMSKeyId).toBe(keyArn)
    const got = await s3.send(new GetObjectCommand({ Bucket: 'enc-kms', Key: 'secret.txt' }))
    expect(got.SSEKMSKeyId).toBe(keyArn)
    expect(await got.Body!.transformToString()).toBe(SECRET_TEXT)
  })

  it('keep only ciphertext on disk', () => {
    const needle = Buffer.from('the quick brown fox keeps its secrets')
    const files = objectFiles()
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) expect(readFileSync(file).includes(needle)).toBe(false)
  })

  it('are unreadable to a user S3 lets read but KMS does not, and readable once kms:Decrypt is granted', async () => {
    const bobS3 = s3Client(server, bob.credentials)
    await bobMayRead(['s3:GetObject'])
    const denied = await failure(bobS3.send(new GetObjectCommand({ Bucket: 'enc-kms', Key: 'secret.txt' })))
    expect(denied.name).toBe('AccessDenied')
    expect(denied.message).toContain('kms:Decrypt')
    // An SSE-S3 object of the same bucket is readable with s3:GetObject alone.
    expect(await (await bobS3.send(new GetObjectCommand({ Bucket: 'enc-kms', Key: 'after-delete.txt' }))).Body!.transformToString()).toBe('plain default')
    await bobMayRead(['s3:GetObject', 'kms:Decrypt'])
    expect(await (await bobS3.send(new GetObjectCommand({ Bucket: 'enc-kms', Key: 'secret.txt' }))).Body!.transformToString()).toBe(SECRET_TEXT)
  })

  it('cannot be written by a user without kms:GenerateDataKey on the key', async () => {
    const bobS3 = s3Client(server, bob.credentials)
    await bobMayRead(['s3:PutObject', 'kms:Decrypt'])
    const denied = await failure(bobS3.send(new PutObjectCommand({ Bucket: 'enc-kms', Key: 'bob.txt', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn })))
    expect(denied.name).toBe('AccessDenied')
    expect(denied.message).toContain('kms:GenerateDataKey')
  })

  it('follow the key\'s state: a disabled key refuses reads and writes with KMS.DisabledException', async () => {
    await kms.send(new DisableKeyCommand({ KeyId: keyArn }))
    try {
      expect((await failure(s3.send(new GetObjectCommand({ Bucket: 'enc-kms', Key: 'secret.txt' })))).name).toBe('KMS.DisabledException')
      expect((await failure(s3.send(new PutObjectCommand({ Bucket: 'enc-kms', Key: 'new.txt', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn })))).name).toBe('KMS.DisabledException')
    } finally {
      await kms.send(new EnableKeyCommand({ KeyId: keyArn }))
    }
  })

  it('refuses a key that does not exist (KMS.NotFoundException)', async () => {
    const error = await failure(s3.send(new PutObjectCommand({ Bucket: 'enc-kms', Key: 'nokey.txt', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/missing' })))
    expect(error.name).toBe('KMS.NotFoundException')
  })
})
