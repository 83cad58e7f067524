// End to end: SSH public keys (upload in OpenSSH or PEM form, get in either encoding, list, update, delete) and errors.
import {
  CreateUserCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  GetSSHPublicKeyCommand,
  IAMClient,
  ListSSHPublicKeysCommand,
  PutUserPolicyCommand,
  UpdateSSHPublicKeyCommand,
  UploadSSHPublicKeyCommand,
} from '@aws-sdk/client-iam'
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { allow, createTestUser } from './enforcement-support.js'

let palisade: TestPalisade
let iam: IAMClient
beforeAll(async () => {
  palisade = await startTestPalisade()
  iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
})
afterAll(() => palisade.stop())

/** A new RSA public key: its SPKI PEM, its OpenSSH line, and the MD5 fingerprint `ssh-keygen -E md5 -l` prints. */
function rsaKey(bits = 2048): { pem: string; ssh: string; fingerprint: string } {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits })
  const jwk = publicKey.export({ format: 'jwk' })
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(bytes.length)
    return Buffer.concat([length, bytes])
  }
  const mpint = (bytes: Buffer) => (bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes)
  const blob = Buffer.concat([field(Buffer.from('ssh-rsa')), field(mpint(Buffer.from(jwk.e!, 'base64url'))), field(mpint(Buffer.from(jwk.n!, 'base64url')))])
  return {
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ssh: `ssh-rsa ${blob.toString('base64')}`,
    fingerprint: createHash('md5').update(blob).digest('hex').match(/../g)!.join(':'),
  }
}

const upload = (userName: string, body: string) => iam.send(new UploadSSHPublicKeyCommand({ UserName: userName, SSHPublicKeyBody: body }))

describe('UploadSSHPublicKey and GetSSHPublicKey', () => {
  beforeAll(() => iam.send(new CreateUserCommand({ UserName: 'sam' })))

  it('uploads an OpenSSH key (its comment dropped) and returns its APKA id, MD5 fingerprint and Active status', async () => {
    const key = rsaKey()
    const { SSHPublicKey } = await upload('sam', `${key.ssh} sam@laptop\n`)
    expect(SSHPublicKey).toMatchObject({ UserName: 'sam', Fingerprint: key.fingerprint, SSHPublicKeyBody: key.ssh, Status: 'Active' })
    expect(SSHPublicKey!.SSHPublicKeyId).toMatch(/^APKA[A-Z0-9]{17}$/)
    expect(SSHPublicKey!.UploadDate).toBeInstanceOf(Date)
  })

  it('uploads a PEM key and gives it back in either encoding, the same key both ways', async () => {
    const key = rsaKey()
    const { SSHPublicKey } = await upload('sam', key.pem)
    expect(SSHPublicKey!.Fingerprint).toBe(key.fingerprint)
    const ssh = await iam.send(new GetSSHPublicKeyCommand({ UserName: 'sam', SSHPublicKeyId: SSHPublicKey!.SSHPublicKeyId, Encoding: 'SSH' }))
    expect(ssh.SSHPublicKey!.SSHPublicKeyBody).toBe(key.ssh)
    const pem = await iam.send(new GetSSHPublicKeyCommand({ UserName: 'sam', SSHPublicKeyId: SSHPublicKey!.SSHPublicKeyId, Encoding: 'PEM' }))
    expect(pem.SSHPublicKey!.SSHPublicKeyBody).toMatch(/^-----BEGIN PUBLIC KEY-----/)
    expect(createPublicKey(pem.SSHPublicKey!.SSHPublicKeyBody!).export({ format: 'jwk' })).toEqual(createPublicKey(key.pem).export({ format: 'jwk' }))
  })

  it.each([
    { name: 'rejects an ed25519 key as an unrecognized encoding', body: () => `ssh-ed25519 ${Buffer.from('x'.repeat(51)).toString('base64')}`, error: 'UnrecognizedPublicKeyEncodingException', message: 'The request was rejected because the public key encoding format is unsupported or unrecognized.' },
    { name: 'rejects a PEM EC key as an unrecognized encoding', body: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString(), error: 'UnrecognizedPublicKeyEncodingException', message: 'The request was rejected because the public key encoding format is unsupported or unrecognized.' },
    { name: 'rejects a PEM private key (never a public key body) as an unrecognized encoding', body: () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), error: 'UnrecognizedPublicKeyEncodingException', message: 'The request was rejected because the public key encoding format is unsupported or unrecognized.' },
    { name: 'takes no PKCS#1 private key either', body: () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), error: 'UnrecognizedPublicKeyEncodingException', message: 'The request was rejected because the public key encoding format is unsupported or unrecognized.' },
    { name: 'rejects a truncated ssh-rsa blob as invalid', body: () => rsaKey().ssh.slice(0, 120), error: 'InvalidPublicKeyException', message: 'The request was rejected because the public key is malformed or otherwise invalid.' },
    { name: 'rejects a 1024-bit key as invalid', body: () => rsaKey(1024).ssh, error: 'InvalidPublicKeyException', message: 'The request was rejected because the public key is malformed or otherwise invalid.' },
    { name: 'rejects a broken PEM as invalid', body: () => '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n', error: 'InvalidPublicKeyException', message: 'The request was rejected because the public key is malformed or otherwise invalid.' },
  ])('$name', async ({ body, error, message }) => {
    await expect(upload('sam', body())).rejects.toMatchObject({ name: error, message, $metadata: { httpStatusCode: 400 } })
  })

  it('takes a PKCS#1 PEM public key (BEGIN RSA PUBLIC KEY)', async () => {
    const key = rsaKey()
    const pkcs1 = createPublicKey(key.pem).export({ type: 'pkcs1', format: 'pem' }).toString()
    expect((await upload('sam', pkcs1)).SSHPublicKey!.Fingerprint).toBe(key.fingerprint)
  })

  it('rejects the same key twice for one user (in either form), but takes it for another user', async () => {
    const key = rsaKey()
    await upload('sam', key.ssh)
    await expect(upload('sam', key.pem)).rejects.toMatchObject({
      name: 'DuplicateSSHPublicKeyException',
      message: 'The request was rejected because the SSH public key is already associated with the specified IAM user.',
      $metadata: { httpStatusCode: 400 },
    })
    await iam.send(new CreateUserCommand({ UserName: 'sam-too' }))
    await expect(upload('sam-too', key.ssh)).resolves.toBeDefined()
  })

  it('rejects a sixth key of a user with LimitExceeded', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'five-keys' }))
    for (let i = 0; i < 5; i++) await upload('five-keys', rsaKey().ssh)
    await expect(upload('five-keys', rsaKey().ssh)).rejects.toMatchObject({ name: 'LimitExceededException', $metadata: { httpStatusCode: 409 } })
  })

  it('rejects an unknown user, and a key id of another user', async () => {
    await expect(upload('nobody', rsaKey().ssh)).rejects.toMatchObject({ name: 'NoSuchEntityException', message: 'The user with name nobody cannot be found.', $metadata: { httpStatusCode: 404 } })
    const { SSHPublicKey } = await upload('sam-too', rsaKey().ssh)
    await expect(iam.send(new GetSSHPublicKeyCommand({ UserName: 'sam', SSHPublicKeyId: SSHPublicKey!.SSHPublicKeyId, Encoding: 'SSH' })))
      .rejects.toMatchObject({ name: 'NoSuchEntityException', message: `The Public Key with id ${SSHPublicKey!.SSHPublicKeyId} cannot be found.`, $metadata: { httpStatusCode: 404 } })
  })
})

describe('ListSSHPublicKeys, UpdateSSHPublicKey and DeleteSSHPublicKey', () => {
  it('lists a user\'s keys oldest first, in pages, updates a status and deletes a key', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'lister' }))
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push((await upload('lister', rsaKey().ssh)).SSHPublicKey!.SSHPublicKeyId!)
    const first = await iam.send(new ListSSHPublicKeysCommand({ UserName: 'lister', MaxItems: 2 }))
    expect(first.IsTruncated).toBe(true)
    const second = await iam.send(new ListSSHPublicKeysCommand({ UserName: 'lister', Marker: first.Marker }))
    expect([...first.SSHPublicKeys!, ...second.SSHPublicKeys!].map((key) => key.SSHPublicKeyId)).toEqual(ids)
    expect(first.SSHPublicKeys![0]).toMatchObject({ UserName: 'lister', Status: 'Active' })

    await iam.send(new UpdateSSHPublicKeyCommand({ UserName: 'lister', SSHPublicKeyId: ids[1], Status: 'Inactive' }))
    const got = await iam.send(new GetSSHPublicKeyCommand({ UserName: 'lister', SSHPublicKeyId: ids[1], Encoding: 'SSH' }))
    expect(got.SSHPublicKey!.Status).toBe('Inactive')

    await iam.send(new DeleteSSHPublicKeyCommand({ UserName: 'lister', SSHPublicKeyId: ids[0] }))
    const after = await iam.send(new ListSSHPublicKeysCommand({ UserName: 'lister' }))
    expect(after.SSHPublicKeys!.map((key) => [key.SSHPublicKeyId, key.Status])).toEqual([[ids[1], 'Inactive'], [ids[2], 'Active']])
    await expect(iam.send(new DeleteSSHPublicKeyCommand({ UserName: 'lister', SSHPublicKeyId: ids[0] }))).rejects.toMatchObject({ name: 'NoSuchEntityException', $metadata: { httpStatusCode: 404 } })
    await expect(iam.send(new UpdateSSHPublicKeyCommand({ UserName: 'lister', SSHPublicKeyId: ids[0], Status: 'Active' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' })
  })

  it('lists the calling user\'s own keys without UserName, and none for the root user', async () => {
    const user = await createTestUser(palisade, 'ssh-self')
    await iam.send(new PutUserPolicyCommand({ UserName: 'ssh-self', PolicyName: 'Own', PolicyDocument: allow('iam:ListSSHPublicKeys', user.arn) }))
    const { SSHPublicKey } = await upload('ssh-self', rsaKey().ssh)
    const own = await user.client.send(new ListSSHPublicKeysCommand({}))
    expect(own.SSHPublicKeys!.map((key) => key.SSHPublicKeyId)).toEqual([SSHPublicKey!.SSHPublicKeyId])
    await expect(user.client.send(new ListSSHPublicKeysCommand({ UserName: 'sam' }))).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
    expect((await iam.send(new ListSSHPublicKeysCommand({}))).SSHPublicKeys).toEqual([])
  })

  it('keeps a user with SSH keys from being deleted until they are', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'leaver' }))
    const { SSHPublicKey } = await upload('leaver', rsaKey().ssh)
    await expect(iam.send(new DeleteUserCommand({ UserName: 'leaver' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must delete SSH public keys first.',
      $metadata: { httpStatusCode: 409 },
    })
    await iam.send(new DeleteSSHPublicKeyCommand({ UserName: 'leaver', SSHPublicKeyId: SSHPublicKey!.SSHPublicKeyId }))
    await iam.send(new DeleteUserCommand({ UserName: 'leaver' }))
  })
})

describe.skipIf(!awsCliAvailable)('SSH public keys with the AWS CLI', () => {
  it('uploads a key and reads it back in PEM encoding', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'cli-ssh' }))
    const key = rsaKey()
    const uploaded = await awsCli(palisade.url, palisade.root, ['iam', 'upload-ssh-public-key', '--user-name', 'cli-ssh', '--ssh-public-key-body', key.ssh])
    expect(uploaded.code).toBe(0)
    const { SSHPublicKey } = JSON.parse(uploaded.stdout)
    expect(SSHPublicKey).toMatchObject({ UserName: 'cli-ssh', Fingerprint: key.fingerprint, Status: 'Active' })
    const got = await awsCli(palisade.url, palisade.root, ['iam', 'get-ssh-public-key', '--user-name', 'cli-ssh', '--ssh-public-key-id', SSHPublicKey.SSHPublicKeyId, '--encoding', 'PEM'])
    expect(got.code).toBe(0)
    expect(createPublicKey(JSON.parse(got.stdout).SSHPublicKey.SSHPublicKeyBody).export({ format: 'jwk' })).toEqual(createPublicKey(key.pem).export({ format: 'jwk' }))
  })
})
