// End to end: key policies (the default one, the lockout safety check) and grants (create, list, retire, revoke).
import {
  CreateGrantCommand, CreateKeyCommand, DecryptCommand, EncryptCommand, GetKeyPolicyCommand, ListGrantsCommand,
  ListKeyPoliciesCommand, ListRetirableGrantsCommand, PutKeyPolicyCommand, RetireGrantCommand, RevokeGrantCommand,
  type KMSClient,
} from '@aws-sdk/client-kms'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { kmsClient } from './kms-client.js'

const ACCOUNT = '000000000000'
const someoneElse = (sid: string) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: sid, Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }],
})

describe('KMS key policies and grants', () => {
  let palisade: TestPalisade
  let kms: KMSClient
  beforeAll(async () => {
    palisade = await startTestPalisade()
    kms = kmsClient(palisade)
  })
  afterAll(() => palisade.stop())

  const newKey = async () => (await kms.send(new CreateKeyCommand({}))).KeyMetadata!

  describe('key policies', () => {
    it('gives a key created without a policy the default key policy, as GetKeyPolicy lays it out', async () => {
      const key = await newKey()
      const policy = await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default' }))
      expect(policy.PolicyName).toBe('default')
      expect(JSON.parse(policy.Policy!)).toEqual({
        Version: '2012-10-17',
        Id: 'key-default-1',
        Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
      })
      expect(policy.Policy).toContain('"Version" : "2012-10-17"')
      expect((await kms.send(new ListKeyPoliciesCommand({ KeyId: key.KeyId }))).PolicyNames).toEqual(['default'])
    })

    it('rejects a policy that would lock the caller out, unless the safety check is bypassed', async () => {
      const key = await newKey()
      await expect(kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: someoneElse('Other') }))).rejects.toMatchObject({
        name: 'MalformedPolicyDocumentException', message: 'The new key policy will not allow you to update the key policy in the future.',
      })
      // Accepted with the bypass (what the key then allows is proven in the authorization suite).
      await expect(kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: someoneElse('Other'), BypassPolicyLockoutSafetyCheck: true }))).resolves.toBeDefined()
      await expect(kms.send(new CreateKeyCommand({ Policy: someoneElse('Other') }))).rejects.toMatchObject({ name: 'MalformedPolicyDocumentException' })
    })

    it('accepts a policy that names the caller\'s account', async () => {
      const key = await newKey()
      const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Mine', Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'kms:*', Resource: '*' }] })
      await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: policy }))
      expect((await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy).toBe(policy)
    })

    it.each([
      { name: 'text that is not JSON', Policy: '{"Version":' },
      { name: 'a statement without Effect', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Principal: '*', Action: 'kms:*', Resource: '*' }] }) },
    ])('rejects $name with MalformedPolicyDocumentException', async ({ Policy }) => {
      const key = await newKey()
      await expect(kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy }))).rejects.toMatchObject({ name: 'MalformedPolicyDocumentException' })
    })

    it('knows no policy name but default', async () => {
      const key = await newKey()
      await expect(kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'other' }))).rejects.toMatchObject({ name: 'NotFoundException' })
    })
  })

  describe('grants', () => {
    it('creates a grant whose token works at once, lists it, and retires it by token', async () => {
      const key = await newKey()
      const grantee = `arn:aws:iam::${ACCOUNT}:user/app`
      const retiring = `arn:aws:iam::${ACCOUNT}:role/ops`
      const created = await kms.send(new CreateGrantCommand({
        KeyId: key.KeyId, GranteePrincipal: grantee, RetiringPrincipal: retiring, Operations: ['Encrypt', 'Decrypt'], Name: 'app',
        Constraints: { EncryptionContextSubset: { tenant: 'acme' } },
      }))
      expect(created.GrantId).toMatch(/^[0-9a-f]{64}$/)
      await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext: { tenant: 'acme' }, GrantTokens: [created.GrantToken!] }))
      const listed = await kms.send(new ListGrantsCommand({ KeyId: key.KeyId }))
      expect(listed.Grants).toEqual([{
        KeyId: key.Arn, GrantId: created.GrantId, Name: 'app', CreationDate: expect.any(Date), GranteePrincipal: grantee, RetiringPrincipal: retiring,
        IssuingAccount: `arn:aws:iam::${ACCOUNT}:root`, Operations: ['Encrypt', 'Decrypt'], Constraints: { EncryptionContextSubset: { tenant: 'acme' } },
      }])
      expect((await kms.send(new ListRetirableGrantsCommand({ RetiringPrincipal: retiring }))).Grants?.map((grant) => grant.GrantId)).toEqual([created.GrantId])
      await kms.send(new RetireGrantCommand({ GrantToken: created.GrantToken }))
      expect((await kms.send(new ListGrantsCommand({ KeyId: key.KeyId }))).Grants).toEqual([])
    })

    it('revokes a grant by id, and a second revoke answers NotFoundException', async () => {
      const key = await newKey()
      const { GrantId } = await kms.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: ACCOUNT, Operations: ['DescribeKey'] }))
      await kms.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId }))
      expect((await kms.send(new ListGrantsCommand({ KeyId: key.KeyId }))).Grants).toEqual([])
      await expect(kms.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId }))).rejects.toMatchObject({ name: 'NotFoundException' })
    })

    it('rejects a malformed grant token with InvalidGrantTokenException', async () => {
      const key = await newKey()
      const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }))
      await expect(kms.send(new DecryptCommand({ CiphertextBlob, GrantTokens: ['not a token'] }))).rejects.toMatchObject({ name: 'InvalidGrantTokenException' })
    })

    it.each([
      { name: 'an operation the key does not support', KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT', Operations: ['Sign'], Constraints: undefined },
      { name: 'GenerateDataKey on an RSA key', KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT', Operations: ['GenerateDataKey'], Constraints: undefined },
      { name: 'an encryption context constraint on an asymmetric key', KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Operations: ['Sign'], Constraints: { EncryptionContextSubset: { a: 'b' } } },
    ] as const)('rejects a grant with $name with ValidationException', async ({ KeySpec, KeyUsage, Operations, Constraints }) => {
      const key = (await kms.send(new CreateKeyCommand({ KeySpec, KeyUsage }))).KeyMetadata!
      await expect(kms.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: ACCOUNT, Operations: [...Operations], Constraints })))
        .rejects.toMatchObject({ name: 'ValidationException' })
    })

    it('rejects a grantee that is not a principal with ValidationException', async () => {
      const key = await newKey()
      await expect(kms.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: 'nobody', Operations: ['Encrypt'] })))
        .rejects.toMatchObject({ name: 'ValidationException' })
    })
  })
})
