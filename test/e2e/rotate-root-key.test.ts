// End to end: secrets made through the APIs (access keys, an MFA device, a server certificate's key, KMS key material,
// an STS session) still work after `palisade rotate-root-key`, and only under the new root key.
import { CreateAccessKeyCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, GetServerCertificateCommand, IAMClient, ListUsersCommand, UploadServerCertificateCommand } from '@aws-sdk/client-iam'
import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms'
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generate } from 'otplib'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { startPalisade, type Palisade } from '../../src/app/start-palisade.js'
import { main } from '../../src/cli/main.js'
import { rotateRootKey } from '../../src/cli/rotate-root-key.js'
import { readConfig } from '../../src/config/config.js'
import { fixedClock } from '../../src/core/clock.js'
import { silentLogger } from '../../src/core/logger.js'
import { TEST_ROOT_ACCESS_KEY_ID, TEST_ROOT_SECRET_ACCESS_KEY } from '../support/palisade.js'

interface Credentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

const ACCOUNT = '000000000000'
const root: Credentials = { accessKeyId: TEST_ROOT_ACCESS_KEY_ID, secretAccessKey: TEST_ROOT_SECRET_ACCESS_KEY }
// MFA codes follow this clock; the SDK clients sign at its time too.
const clock = fixedClock(Date.now())
const offset = () => clock.now().getTime() - Date.now()
const iam = (server: Palisade, credentials = root) => new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1, systemClockOffset: offset() })
const kms = (server: Palisade, credentials = root) => new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1, systemClockOffset: offset() })
const sts = (server: Palisade, credentials: Credentials) => new STSClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1, systemClockOffset: offset() })

/** A self-signed certificate and its private key, made with the openssl command. */
function selfSignedCertificate(directory: string): { certificate: string; privateKey: string } {
  const base = join(directory, 'web')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.crt`, '-subj', '/CN=web.example', '-days', '30'], { stdio: 'ignore' })
  return { certificate: readFileSync(`${base}.crt`, 'utf8'), privateKey: readFileSync(`${base}.key`, 'utf8') }
}

/** Runs the CLI entry, capturing what it writes. */
async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk)
    return true
  })
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk)
    return true
  })
  try {
    return { code: await main(args, {}), stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
}

describe('palisade rotate-root-key end to end', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'palisade-rotate-e2e-'))
  const flags = ['--port', '0', '--data-dir', dataDir, '--root-access-key-id', root.accessKeyId, '--root-secret-access-key', root.secretAccessKey]
  const config = readConfig(flags, {})
  const start = (extra: string[] = []) => startPalisade(readConfig([...flags, ...extra], {}), { log: silentLogger, clock })
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('documents itself through the CLI entry', async () => {
    const { code, stdout } = await runCli(['rotate-root-key', '--help'])
    expect(code).toBe(0)
    expect(stdout).toContain('Usage: palisade rotate-root-key')
    expect(stdout).toContain('--new-root-key-file FILE')
    expect((await runCli(['--help'])).stdout).toContain('palisade rotate-root-key')
  })

  it('keeps access keys, MFA devices, server certificates, KMS ciphertexts and STS sessions working under the new key only', async () => {
    // Before: a user with an access key and an enabled virtual MFA device, a KMS ciphertext, an MFA session.
    const first = await start()
    let seed = ''
    const step = () => Math.floor(clock.now().getTime() / 30_000)
    const codeAt = (at: number) => generate({ secret: seed, strategy: 'hotp', counter: at })
    let alice: Credentials
    let serial: string
    let session: Credentials
    let ciphertext: Uint8Array
    try {
      await iam(first).send(new CreateUserCommand({ UserName: 'alice' }))
      const { AccessKey } = await iam(first).send(new CreateAccessKeyCommand({ UserName: 'alice' }))
      alice = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }
      const { VirtualMFADevice } = await iam(first).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'alice' }))
      serial = VirtualMFADevice!.SerialNumber!
      seed = Buffer.from(VirtualMFADevice!.Base32StringSeed!).toString('ascii')
      await iam(first).send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1: await codeAt(step() - 1), AuthenticationCode2: await codeAt(step()) }))
      clock.advance(30_000)
      const { Credentials: issued } = await sts(first, alice).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: await codeAt(step()) }))
      session = { accessKeyId: issued!.AccessKeyId!, secretAccessKey: issued!.SecretAccessKey!, sessionToken: issued!.SessionToken! }
      const pair = selfSignedCertificate(dataDir)
      await iam(first).send(new UploadServerCertificateCommand({ ServerCertificateName: 'web', CertificateBody: pair.certificate, PrivateKey: pair.privateKey }))
      const key = (await kms(first).send(new CreateKeyCommand({}))).KeyMetadata!
      ciphertext = (await kms(first).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('kept across rotation') }))).CiphertextBlob!
      // A server still running on the data directory would keep sealing with the old key: the command refuses.
      const running = await runCli(['rotate-root-key', '--data-dir', dataDir])
      expect(running.code).toBe(1)
      expect(running.stderr).toContain('is in use: stop every Palisade server using it first; nothing was changed')
    } finally {
      await first.close()
    }
    const keyFile = join(dataDir, 'root.key')
    const oldKey = readFileSync(keyFile, 'utf8').trim()

    // A wrong current key: the command fails and the key file stays as it was (the start below proves the database too).
    const wrong = await runCli(['rotate-root-key', '--data-dir', dataDir, '--root-key', Buffer.alloc(32, 7).toString('base64')])
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain('does not open the secrets in the database')
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(oldKey)

    const rotation = await rotateRootKey({ config, showNewKey: () => { throw new Error('a key kept in a file is never shown') } })
    expect(rotation.resealed).toEqual({ accessKeys: 2, bootstrapRootKeys: 1, mfaSeeds: 1, serverCertificates: 1, stsSessions: 1, kmsKeyMaterials: 1 })
    expect(readFileSync(keyFile, 'utf8').trim()).not.toBe(oldKey)

    // After: every secret still works with the new key.
    const second = await start()
    try {
      expect((await iam(second).send(new ListUsersCommand({}))).Users?.map((user) => user.UserName)).toEqual(['alice'])
      expect((await sts(second, alice).send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/alice`)
      expect((await sts(second, session).send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/alice`)
      expect((await iam(second).send(new GetServerCertificateCommand({ ServerCertificateName: 'web' }))).ServerCertificate?.ServerCertificateMetadata?.ServerCertificateName).toBe('web')
      const decrypted = await kms(second).send(new DecryptCommand({ CiphertextBlob: ciphertext }))
      expect(Buffer.from(decrypted.Plaintext!).toString()).toBe('kept across rotation')
      clock.advance(30_000)
      const again = await sts(second, alice).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: await codeAt(step()) }))
      expect(again.Credentials?.AccessKeyId).toMatch(/^ASIA/)
    } finally {
      await second.close()
    }

    // The old key no longer opens the database: the server refuses to start rather than run without its secrets.
    await expect(start(['--root-key', oldKey])).rejects.toThrow('wrong root key')
  })
})
