// End to end: who may use a KMS key. Key policy + IAM policies + grants, as AWS decides them for IAM users and root
// (https://docs.aws.amazon.com/kms/latest/developerguide/control-access.html).
import { PutUserPolicyCommand } from '@aws-sdk/client-iam'
import {
  CreateAliasCommand, CreateGrantCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand,
  GetKeyPolicyCommand, PutKeyPolicyCommand, ReEncryptCommand, RetireGrantCommand, type KMSClient,
} from '@aws-sdk/client-kms'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACCOUNT, createTestUser, policy, rootClient, type TestUser } from '../iam/enforcement-support.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { kmsClient } from './kms-client.js'

/** The promise rejects with AccessDeniedException (the awsJson protocols answer it with 400) whose message matches `reason`. */
async function expectDenied(promise: Promise<unknown>, reason?: RegExp): Promise<void> {
  const error = await promise.then(() => undefined, (thrown: unknown) => thrown as { name?: string; message?: string })
  expect(error, 'expected AccessDeniedException, the call succeeded').toBeDefined()
  expect(error?.name).toBe('AccessDeniedException')
  if (reason) expect(error?.message).toMatch(reason)
}

describe('KMS authorization', () => {
  let palisade: TestPalisade
  let root: KMSClient
  let users = 0
  beforeAll(async () => {
    palisade = await startTestPalisade()
    root = kmsClient(palisade)
  })
  afterAll(() => palisade.stop())

  const newKey = async (Policy?: string) =>
    (await root.send(new CreateKeyCommand({ ...(Policy && { Policy, BypassPolicyLockoutSafetyCheck: true }) }))).KeyMetadata!
  /** A fresh IAM user with an optional inline policy, and a KMS client signing as it. */
  const newUser = async (inline?: string): Promise<TestUser & { kms: KMSClient }> => {
    const user = await createTestUser(palisade, `kms-user-${++users}`)
    if (inline) await rootClient(palisade).send(new PutUserPolicyCommand({ UserName: user.name, PolicyName: 'inline', PolicyDocument: inline }))
    return { ...user, kms: kmsClient(palisade, user.credentials) }
  }
  const keyPolicy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements })
  const rootAdmin = { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }

  describe('the default key policy delegates to IAM', () => {
    it('denies a user no identity-based policy allows', async () => {
      const key = await newKey()
      const user = await newUser()
      await expectDenied(user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })),
        new RegExp(`User: ${user.arn} is not authorized to perform: kms:Encrypt on resource: ${key.Arn} because no identity-based policy allows the kms:Encrypt action`))
    })

    it('allows a user whose IAM policy allows the action on the key', async () => {
      const key = await newKey()
      const user = await newUser(policy({ Effect: 'Allow', Action: 'kms:Encrypt', Resource: key.Arn! }))
      await expect(user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }))).resolves.toBeDefined()
      await expectDenied(user.kms.send(new DescribeKeyCommand({ KeyId: key.KeyId })))
    })

    it('applies kms:EncryptionContext conditions of the IAM policy', async () => {
      const key = await newKey()
      const user = await newUser(policy({ Effect: 'Allow', Action: 'kms:Encrypt', Resource: key.Arn!, Condition: { StringEquals: { 'kms:EncryptionContext:tenant': 'acme' } } }))
      await expect(user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext: { tenant: 'acme' } }))).resolves.toBeDefined()
      await expectDenied(user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext: { tenant: 'other' } })))
      await expectDenied(user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })))
    })

    it('applies kms:RequestAlias: the alias the request names, not the key', async () => {
      const key = await newKey()
      await root.send(new CreateAliasCommand({ AliasName: 'alias/billing', TargetKeyId: key.KeyId }))
      const user = await newUser(policy({ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'kms:RequestAlias': 'alias/billing' } } }))
      await expect(user.kms.send(new EncryptCommand({ KeyId: 'alias/billing', Plaintext: Buffer.from('x') }))).resolves.toBeDefined()
      await expectDenied(user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })))
    })
  })

  describe('key-derived condition keys', () => {
    it('kms:ResourceAliases: an IAM policy can follow the key\'s aliases, whatever KeyId the request uses', async () => {
      const key = await newKey()
      const other = await newKey()
      await root.send(new CreateAliasCommand({ AliasName: 'alias/payments', TargetKeyId: key.KeyId }))
      const user = await newUser(policy({ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/payments' } } }))
      await expect(user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }))).resolves.toBeDefined()
      await expectDenied(user.kms.send(new EncryptCommand({ KeyId: other.KeyId, Plaintext: Buffer.from('x') })))
    })

    it('aws:ResourceTag and kms:KeySpec: attribute-based access to keys', async () => {
      const tagged = (await root.send(new CreateKeyCommand({ Tags: [{ TagKey: 'team', TagValue: 'red' }] }))).KeyMetadata!
      const untagged = await newKey()
      const user = await newUser(policy({
        Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceTag/team': 'red', 'kms:KeySpec': 'SYMMETRIC_DEFAULT' } },
      }))
      await expect(user.kms.send(new DescribeKeyCommand({ KeyId: tagged.KeyId }))).resolves.toBeDefined()
      await expectDenied(user.kms.send(new DescribeKeyCommand({ KeyId: untagged.KeyId })))
    })

    it('kms:CallerAccount: a key policy for every principal of one account allows without IAM policies', async () => {
      const user = await newUser()
      const key = await newKey(keyPolicy(rootAdmin, {
        Sid: 'AccountUsers', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Encrypt', Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } },
      }))
      await expect(user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }))).resolves.toBeDefined()
      const elsewhere = await newKey(keyPolicy(rootAdmin, {
        Sid: 'OtherAccountUsers', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Encrypt', Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': '111122223333' } },
      }))
      await expectDenied(user.kms.send(new EncryptCommand({ KeyId: elsewhere.KeyId, Plaintext: Buffer.from('x') })))
    })
  })

  describe('a key policy that does not allow the account', () => {
    it('makes IAM policies irrelevant: a user with an IAM allow is denied', async () => {
      const user = await newUser(policy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }))
      const key = await newKey(keyPolicy({ Sid: 'OnlyOther', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }))
      await expectDenied(user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })), /no resource-based policy allows the kms:Encrypt action/)
    })

    it('locks out even the root user once the safety check was bypassed', async () => {
      const key = await newKey(keyPolicy({ Sid: 'OnlyOther', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }))
      await expectDenied(root.send(new GetKeyPolicyCommand({ KeyId: key.KeyId })))
    })

    it('allows a user the key policy names, with no IAM policy at all', async () => {
      const user = await newUser()
      const key = await newKey(keyPolicy(rootAdmin, { Sid: 'User', Effect: 'Allow', Principal: { AWS: user.arn }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' }))
      const { CiphertextBlob } = await user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }))
      await expect(user.kms.send(new DecryptCommand({ CiphertextBlob }))).resolves.toBeDefined()
      await expectDenied(user.kms.send(new DescribeKeyCommand({ KeyId: key.KeyId })))
    })

    it('lets an explicit deny in the key policy win over an IAM allow', async () => {
      const user = await newUser(policy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }))
      const key = await newKey(keyPolicy(rootAdmin, { Sid: 'NoDecrypt', Effect: 'Deny', Principal: { AWS: user.arn }, Action: 'kms:Decrypt', Resource: '*' }))
      const { CiphertextBlob } = await user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }))
      await expectDenied(user.kms.send(new DecryptCommand({ CiphertextBlob })), /explicit deny in a resource-based policy/)
    })
  })

  describe('ReEncrypt', () => {
    const reEncrypt = (user: { kms: KMSClient }, CiphertextBlob: Uint8Array | undefined, DestinationKeyId: string) =>
      user.kms.send(new ReEncryptCommand({ CiphertextBlob, DestinationKeyId }))

    it('needs kms:ReEncryptFrom and kms:ReEncryptTo, not kms:Decrypt', async () => {
      const [source, destination] = [await newKey(), await newKey()]
      const { CiphertextBlob } = await root.send(new EncryptCommand({ KeyId: source.KeyId, Plaintext: Buffer.from('x') }))
      const both = await newUser(policy({ Effect: 'Allow', Action: 'kms:ReEncrypt*', Resource: '*' }))
      await expect(reEncrypt(both, CiphertextBlob, destination.KeyId!)).resolves.toMatchObject({ KeyId: destination.Arn })
      await expectDenied(both.kms.send(new DecryptCommand({ CiphertextBlob })))
      const fromOnly = await newUser(policy({ Effect: 'Allow', Action: 'kms:ReEncryptFrom', Resource: '*' }))
      await expectDenied(reEncrypt(fromOnly, CiphertextBlob, destination.KeyId!), /kms:ReEncryptTo/)
    })

    it('judges each key by its own key policy', async () => {
      const user = await newUser(policy({ Effect: 'Allow', Action: 'kms:ReEncrypt*', Resource: '*' }))
      const open = await newKey()
      const closed = await newKey(keyPolicy(rootAdmin, { Sid: 'NotThisUser', Effect: 'Deny', Principal: { AWS: user.arn }, Action: 'kms:ReEncryptTo', Resource: '*' }))
      const { CiphertextBlob } = await root.send(new EncryptCommand({ KeyId: open.KeyId, Plaintext: Buffer.from('x') }))
      await expectDenied(reEncrypt(user, CiphertextBlob, closed.KeyId!), /explicit deny in a resource-based policy/)
      await expect(reEncrypt(user, CiphertextBlob, open.KeyId!)).resolves.toBeDefined()
      const foreign = await newKey(keyPolicy({ Sid: 'OnlyOther', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }))
      await expectDenied(reEncrypt(user, CiphertextBlob, foreign.KeyId!), /no resource-based policy allows the kms:ReEncrypt/)
    })
  })

  describe('grants', () => {
    it('allow exactly their operations to the grantee', async () => {
      const key = await newKey()
      const user = await newUser()
      const { CiphertextBlob } = await root.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('granted') }))
      await expectDenied(user.kms.send(new DecryptCommand({ CiphertextBlob })))
      await root.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: user.arn, Operations: ['Decrypt'] }))
      expect(Buffer.from((await user.kms.send(new DecryptCommand({ CiphertextBlob }))).Plaintext!).toString()).toBe('granted')
      await expectDenied(user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })))
    })

    it('enforce EncryptionContextEquals: the exact context only', async () => {
      const key = await newKey()
      const user = await newUser()
      await root.send(new CreateGrantCommand({
        KeyId: key.KeyId, GranteePrincipal: user.arn, Operations: ['Encrypt'], Constraints: { EncryptionContextEquals: { tenant: 'acme' } },
      }))
      const encrypt = (EncryptionContext?: Record<string, string>) => user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext }))
      await expect(encrypt({ tenant: 'acme' })).resolves.toBeDefined()
      await expectDenied(encrypt({ tenant: 'acme', extra: '1' }))
      await expectDenied(encrypt({ tenant: 'other' }))
      await expectDenied(encrypt())
    })

    it('apply constraints to cryptographic operations only (not DescribeKey), with case-insensitive constraint keys', async () => {
      const key = await newKey()
      const user = await newUser()
      await root.send(new CreateGrantCommand({
        KeyId: key.KeyId, GranteePrincipal: user.arn, Operations: ['Encrypt', 'DescribeKey'], Constraints: { EncryptionContextEquals: { tenant: 'acme' } },
      }))
      await expect(user.kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).resolves.toBeDefined()
      await expect(user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext: { Tenant: 'acme' } }))).resolves.toBeDefined()
      await expectDenied(user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext: { tenant: 'ACME' } })))
    })

    it('enforce EncryptionContextSubset: the pairs must be there, others may be added', async () => {
      const key = await newKey()
      const user = await newUser()
      await root.send(new CreateGrantCommand({
        KeyId: key.KeyId, GranteePrincipal: user.arn, Operations: ['Encrypt'], Constraints: { EncryptionContextSubset: { tenant: 'acme' } },
      }))
      const encrypt = (EncryptionContext?: Record<string, string>) => user.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext }))
      await expect(encrypt({ tenant: 'acme', extra: '1' })).resolves.toBeDefined()
      await expectDenied(encrypt({ extra: '1' }))
    })

    it('let a grantee with CreateGrant pass on no more than its own operations', async () => {
      const key = await newKey()
      const delegate = await newUser()
      const other = await newUser()
      await root.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: delegate.arn, Operations: ['CreateGrant', 'Encrypt'] }))
      await expect(delegate.kms.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: other.arn, Operations: ['Encrypt'] }))).resolves.toBeDefined()
      await expectDenied(delegate.kms.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: delegate.arn, Operations: ['Encrypt', 'Decrypt'] })))
      await expect(other.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }))).resolves.toBeDefined()
    })

    it('can be retired by their retiring principal without any policy, and by no one else', async () => {
      const key = await newKey()
      const retiring = await newUser()
      const stranger = await newUser()
      const { GrantToken } = await root.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: stranger.arn, RetiringPrincipal: retiring.arn, Operations: ['Encrypt'] }))
      await expectDenied(stranger.kms.send(new RetireGrantCommand({ GrantToken })))
      await expect(retiring.kms.send(new RetireGrantCommand({ GrantToken }))).resolves.toBeDefined()
      await expectDenied(stranger.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })))
    })
  })

  it('a user allowed kms:PutKeyPolicy only by IAM may not drop the account from the key policy (lockout check)', async () => {
    const key = await newKey()
    const user = await newUser(policy({ Effect: 'Allow', Action: 'kms:PutKeyPolicy', Resource: key.Arn! }))
    const onlyOther = keyPolicy({ Sid: 'OnlyOther', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' })
    await expect(user.kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: onlyOther }))).rejects.toMatchObject({ name: 'MalformedPolicyDocumentException' })
    const namesUser = keyPolicy({ Sid: 'User', Effect: 'Allow', Principal: { AWS: user.arn }, Action: 'kms:*', Resource: '*' })
    await expect(user.kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: namesUser }))).resolves.toBeDefined()
  })
})
