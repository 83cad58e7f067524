// No secret reaches CloudTrail: a scenario driven with the real AWS CLI and the SDK (a console password, access keys,
// MFA seed and codes, STS session credentials, KMS plaintexts and data keys, a service-specific password), then
// every stored record — through LookupEvents and read straight from the database — is searched for each secret.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { AssumeRoleCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts'
import { generate } from 'otplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { decodeRecords } from '../../src/services/cloudtrail/event-store.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { clients as baseClients, lookupAll, type Credentials } from './cloudtrail-support.js'

const ACCOUNT = '000000000000'
const PASSWORD = 'Console-Passw0rd-4-carol!'

describe.skipIf(!awsCliAvailable)('CloudTrail records no secret', () => {
  const clock = fixedClock(Math.floor(Date.now() / 30_000) * 30_000)
  const dir = mkdtempSync(join(tmpdir(), 'palisade-ct-secrets-'))
  let palisade: TestPalisade
  const secrets: Record<string, string> = {}
  const clients = (credentials?: Credentials) => {
    const made = baseClients(palisade, credentials)
    for (const client of Object.values(made)) client.config.systemClockOffset = clock.now().getTime() - Date.now()
    return made
  }
  const cli = async (credentials: Credentials, ...args: string[]) => {
    const result = await awsCli(palisade.url, credentials, args)
    expect(result.stderr).toBe('')
    return JSON.parse(result.stdout || '{}') as Record<string, any>
  }

  beforeAll(async () => {
    palisade = await startTestPalisade([], { clock })
    const root = palisade.root
    await cli(root, 'iam', 'create-user', '--user-name', 'carol')
    await cli(root, 'iam', 'create-login-profile', '--user-name', 'carol', '--password', PASSWORD)
    secrets.password = PASSWORD
    const key = (await cli(root, 'iam', 'create-access-key', '--user-name', 'carol')).AccessKey
    const carol = { accessKeyId: key.AccessKeyId as string, secretAccessKey: key.SecretAccessKey as string }
    secrets.carolSecretKey = carol.secretAccessKey
    await clients().iam.send(new PutUserPolicyCommand({
      UserName: 'carol', PolicyName: 'sts', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'kms:*'], Resource: '*' }] }),
    }))
    await cli(root, 'iam', 'create-role', '--role-name', 'worker', '--assume-role-policy-document',
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }))

    // MFA: the device's seed and the codes that enable it and then sign a session in.
    const device = (await clients().iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'carol' }))).VirtualMFADevice!
    const seed = Buffer.from(device.Base32StringSeed!).toString('ascii')
    secrets.mfaSeed = seed
    const step = () => Math.floor(clock.now().getTime() / 30_000)
    const code1 = await generate({ secret: seed, strategy: 'hotp', counter: step() - 1 })
    const code2 = await generate({ secret: seed, strategy: 'hotp', counter: step() })
    await clients().iam.send(new EnableMFADeviceCommand({ UserName: 'carol', SerialNumber: device.SerialNumber!, AuthenticationCode1: code1, AuthenticationCode2: code2 }))
    clock.advance(30_000)
    const code3 = await generate({ secret: seed, strategy: 'hotp', counter: step() })
    Object.assign(secrets, { code1, code2, code3 })
    const session = (await clients(carol).sts.send(new GetSessionTokenCommand({ SerialNumber: device.SerialNumber!, TokenCode: code3 }))).Credentials!
    secrets.sessionSecret = session.SecretAccessKey!
    secrets.sessionToken = session.SessionToken!
    const role = (await clients(carol).sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/worker`, RoleSessionName: 'carol-work' }))).Credentials!
    secrets.roleSecret = role.SecretAccessKey!
    secrets.roleToken = role.SessionToken!

    // KMS through the CLI: a plaintext in, a data key out, the plaintext back.
    const keyId = (await cli(root, 'kms', 'create-key')).KeyMetadata.KeyId as string
    const plaintext = 'the-kms-plaintext-carol-must-not-see-logged'
    secrets.plaintext = plaintext
    secrets.plaintextBase64 = Buffer.from(plaintext).toString('base64')
    writeFileSync(join(dir, 'plain.txt'), plaintext)
    const encrypted = await cli(carol, 'kms', 'encrypt', '--key-id', keyId, '--plaintext', `fileb://${join(dir, 'plain.txt')}`)
    writeFileSync(join(dir, 'cipher.bin'), Buffer.from(encrypted.CiphertextBlob as string, 'base64'))
    await cli(carol, 'kms', 'decrypt', '--ciphertext-blob', `fileb://${join(dir, 'cipher.bin')}`)
    const dataKey = await cli(carol, 'kms', 'generate-data-key', '--key-id', keyId, '--key-spec', 'AES_256')
    secrets.dataKey = dataKey.Plaintext as string
    const credential = await cli(root, 'iam', 'create-service-specific-credential', '--user-name', 'carol', '--service-name', 'codecommit.amazonaws.com')
    secrets.servicePassword = credential.ServiceSpecificCredential.ServicePassword as string
    // A denial, from the CLI, a second later: carol may not list users.
    clock.advance(1000)
    const denied = await awsCli(palisade.url, carol, ['iam', 'list-users'])
    expect(denied.stderr).toContain('AccessDenied')
  })
  afterAll(async () => {
    await palisade.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('records the scenario\'s calls, the denial with its error code', async () => {
    const records = await lookupAll(clients().cloudtrail)
    const names = new Set(records.map((record) => record.eventName))
    for (const name of ['CreateLoginProfile', 'CreateAccessKey', 'EnableMFADevice', 'GetSessionToken', 'AssumeRole', 'Encrypt', 'Decrypt', 'GenerateDataKey', 'CreateServiceSpecificCredential']) {
      expect(names).toContain(name)
    }
    const denial = records.find((record) => record.eventName === 'ListUsers')
    expect(denial).toMatchObject({ errorCode: 'AccessDenied', userIdentity: { type: 'IAMUser', userName: 'carol' }, userAgent: expect.stringContaining('aws-cli/') })
    const created = records.find((record) => record.eventName === 'CreateAccessKey')
    expect(created!.responseElements.accessKey).toMatchObject({ userName: 'carol', status: 'Active' })
    const encrypt = records.find((record) => record.eventName === 'Encrypt')
    expect(encrypt).toMatchObject({ readOnly: true, managementEvent: true, eventCategory: 'Management', responseElements: null })
    expect(encrypt!.requestParameters.keyId).toBeDefined()
  })

  it('answers the AWS CLI\'s lookup-events with the user\'s events, newest first', async () => {
    const found = await cli(palisade.root, 'cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=Username,AttributeValue=carol')
    const events = found.Events as { EventName: string; Username: string; CloudTrailEvent: string }[]
    expect(events.length).toBeGreaterThan(3)
    expect(events.every((event) => event.Username === 'carol')).toBe(true)
    expect(events[0]!.EventName).toBe('ListUsers') // the denial came last
    const times = events.map((event) => JSON.parse(event.CloudTrailEvent).eventTime as string)
    expect([...times].sort().reverse()).toEqual(times)
  })

  it('holds none of the secrets, in LookupEvents or in the stored rows', async () => {
    const fromLookup = JSON.stringify(await lookupAll(clients().cloudtrail))
    const file = new BetterSqlite3(join(palisade.dataDir, 'palisade.db'), { readonly: true })
    const stored = (file.prepare('select records from cloudtrail_event_batches').all() as { records: string }[]).map((row) => decodeRecords(row.records)).join('\n')
    file.close()
    expect(stored.length).toBeGreaterThan(1000)
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(5)
      expect(fromLookup.includes(secret), `${name} in LookupEvents`).toBe(false)
      expect(stored.includes(secret), `${name} in the stored records`).toBe(false)
    }
  })
})
