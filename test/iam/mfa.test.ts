// End to end: virtual MFA devices (seed and QR code, enable with two TOTP codes, replay, resync, deactivate, delete,
// lists, tags) with the AWS SDK v3 and the AWS CLI, on a fixed clock that the test moves step by step.
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  DeleteVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GetMFADeviceCommand,
  IAMClient,
  ListMFADevicesCommand,
  ListMFADeviceTagsCommand,
  ListVirtualMFADevicesCommand,
  PutUserPolicyCommand,
  ResyncMFADeviceCommand,
  TagMFADeviceCommand,
  UntagMFADeviceCommand,
} from '@aws-sdk/client-iam'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { generate } from 'otplib'
import QRCode from 'qrcode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

// Anchored at the real time (SigV4 allows 15 minutes of skew; the test moves the clock by a few 30-second steps),
// and at the start of a TOTP step so moving by whole steps keeps codes predictable.
const clock = fixedClock(Math.floor(Date.now() / 30_000) * 30_000 + 1_000)
const step = () => Math.floor(clock.now().getTime() / 30_000)
const codeAt = (seed: string, at: number) => generate({ secret: seed, strategy: 'hotp', counter: at })

let palisade: TestPalisade
let iam: IAMClient
beforeAll(async () => {
  palisade = await startTestPalisade([], { clock })
  iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
  for (const UserName of ['alice', 'bob']) await iam.send(new CreateUserCommand({ UserName }))
})
afterAll(() => palisade.stop())

async function createDevice(name: string, path?: string) {
  const { VirtualMFADevice } = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name, ...(path && { Path: path }) }))
  return { serial: VirtualMFADevice!.SerialNumber!, seed: Buffer.from(VirtualMFADevice!.Base32StringSeed!).toString('ascii'), device: VirtualMFADevice! }
}

describe('CreateVirtualMFADevice', () => {
  it('returns the serial number, a 64-character base32 seed and a PNG QR code of the otpauth URI', async () => {
    const { serial, seed, device } = await createDevice('alice-phone', '/people/')
    expect(serial).toBe('arn:aws:iam::000000000000:mfa/people/alice-phone')
    expect(seed).toMatch(/^[A-Z2-7]{64}$/)
    const png = Buffer.from(device.QRCodePNG!)
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    // QR encoding is deterministic: the same URI at the same settings gives the same image.
    const expected = await QRCode.toBuffer(`otpauth://totp/alice-phone@000000000000?secret=${seed}`, { type: 'png', errorCorrectionLevel: 'M' })
    expect(png.equals(expected)).toBe(true)
  })

  it('refuses a name already used in the account, at any path and in any case', async () => {
    await expect(iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'ALICE-PHONE' }))).rejects.toMatchObject({
      name: 'EntityAlreadyExistsException',
      message: 'MFADevice entity at the same path and name already exists.',
      $metadata: { httpStatusCode: 409 },
    })
  })

  it('keeps the seed sealed at rest', async () => {
    const { seed } = await createDevice('sealed-check')
    const files = readdirSync(palisade.dataDir).filter((file) => file.startsWith('palisade.db'))
    expect(files).toContain('palisade.db')
    for (const file of files) expect(readFileSync(join(palisade.dataDir, file)).includes(Buffer.from(seed))).toBe(false)
  })
})

describe('EnableMFADevice', () => {
  it.each([
    { name: 'two wrong codes', codes: (_seed: string) => Promise.all(['000000', '111111']) },
    { name: 'the same code twice', codes: async (seed: string) => [await codeAt(seed, step()), await codeAt(seed, step())] },
    { name: 'codes in the wrong order', codes: async (seed: string) => [await codeAt(seed, step()), await codeAt(seed, step() - 1)] },
    { name: 'codes from an hour ago', codes: async (seed: string) => [await codeAt(seed, step() - 121), await codeAt(seed, step() - 120)] },
  ])('refuses $name with InvalidAuthenticationCode', async ({ codes }) => {
    const { serial, seed } = await createDevice(`bad-${Math.random().toString(36).slice(2, 8)}`)
    const [AuthenticationCode1, AuthenticationCode2] = await codes(seed)
    await expect(iam.send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1, AuthenticationCode2 }))).rejects.toMatchObject({
      name: 'InvalidAuthenticationCodeException',
      message: 'Authentication code for device is not valid.',
      $metadata: { httpStatusCode: 403 },
    })
  })

  it('refuses a missing user or device with NoSuchEntity', async () => {
    const { serial, seed } = await createDevice('orphan')
    const codes = { AuthenticationCode1: await codeAt(seed, step() - 1), AuthenticationCode2: await codeAt(seed, step()) }
    await expect(iam.send(new EnableMFADeviceCommand({ UserName: 'nobody', SerialNumber: serial, ...codes }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The user with name nobody cannot be found.',
    })
    const missing = 'arn:aws:iam::000000000000:mfa/missing'
    await expect(iam.send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: missing, ...codes }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: `VirtualMFADevice with serial number ${missing} does not exist.`,
    })
  })

  it('lists an unassigned device without its seed', async () => {
    const serial = 'arn:aws:iam::000000000000:mfa/people/alice-phone'
    const { VirtualMFADevices } = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }))
    const seedless = VirtualMFADevices!.find((device) => device.SerialNumber === serial)
    expect(seedless).toBeDefined()
    expect(seedless).not.toHaveProperty('Base32StringSeed')
  })
})

describe('the life of one device', () => {
  let serial: string
  let seed: string

  it('enables, lists and gets the device for its user', async () => {
    ;({ serial, seed } = await createDevice('bob-phone'))
    await iam.send(new EnableMFADeviceCommand({
      UserName: 'bob',
      SerialNumber: serial,
      AuthenticationCode1: await codeAt(seed, step() - 1),
      AuthenticationCode2: await codeAt(seed, step()),
    }))
    const listed = await iam.send(new ListMFADevicesCommand({ UserName: 'bob' }))
    expect(listed.MFADevices).toEqual([{ UserName: 'bob', SerialNumber: serial, EnableDate: clock.now() }])
    expect(await iam.send(new GetMFADeviceCommand({ SerialNumber: serial, UserName: 'bob' }))).toMatchObject({ UserName: 'bob', SerialNumber: serial, EnableDate: clock.now() })
    const assigned = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned' }))
    expect(assigned.VirtualMFADevices).toEqual([expect.objectContaining({ SerialNumber: serial, User: expect.objectContaining({ UserName: 'bob' }), EnableDate: clock.now() })])
    const unassigned = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }))
    expect(unassigned.VirtualMFADevices!.map((device) => device.SerialNumber)).not.toContain(serial)
  })

  it('refuses to enable it again, for anyone', async () => {
    await expect(iam.send(new EnableMFADeviceCommand({
      UserName: 'alice',
      SerialNumber: serial,
      AuthenticationCode1: await codeAt(seed, step()),
      AuthenticationCode2: await codeAt(seed, step() + 1),
    }))).rejects.toMatchObject({ name: 'EntityAlreadyExistsException', message: 'MFA Device is already in use.' })
  })

  it('refuses to delete it while enabled with DeleteConflict', async () => {
    await expect(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      $metadata: { httpStatusCode: 409 },
    })
  })

  it('resyncs only with codes newer than any it accepted (no replay)', async () => {
    const replayed = { UserName: 'bob', SerialNumber: serial, AuthenticationCode1: await codeAt(seed, step() - 1), AuthenticationCode2: await codeAt(seed, step()) }
    await expect(iam.send(new ResyncMFADeviceCommand(replayed))).rejects.toMatchObject({ name: 'InvalidAuthenticationCodeException' })
    clock.advance(60_000)
    await iam.send(new ResyncMFADeviceCommand({ UserName: 'bob', SerialNumber: serial, AuthenticationCode1: await codeAt(seed, step() - 1), AuthenticationCode2: await codeAt(seed, step()) }))
  })

  it('resyncs a device whose clock ran five minutes slow', async () => {
    clock.advance(30_000 * 12)
    await iam.send(new ResyncMFADeviceCommand({ UserName: 'bob', SerialNumber: serial, AuthenticationCode1: await codeAt(seed, step() - 11), AuthenticationCode2: await codeAt(seed, step() - 10) }))
  })

  it('refuses resync for a user the device does not belong to', async () => {
    await expect(iam.send(new ResyncMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1: '123456', AuthenticationCode2: '234567' })))
      .rejects.toMatchObject({ name: 'NoSuchEntityException' })
  })

  it('tags, untags and lists tags', async () => {
    await iam.send(new TagMFADeviceCommand({ SerialNumber: serial, Tags: [{ Key: 'kind', Value: 'phone' }, { Key: 'x', Value: 'y' }] }))
    await iam.send(new UntagMFADeviceCommand({ SerialNumber: serial, TagKeys: ['X'] }))
    expect((await iam.send(new ListMFADeviceTagsCommand({ SerialNumber: serial }))).Tags).toEqual([{ Key: 'kind', Value: 'phone' }])
  })

  it('deactivates, after which the user has no device and the device can be deleted', async () => {
    await iam.send(new DeactivateMFADeviceCommand({ UserName: 'bob', SerialNumber: serial }))
    expect((await iam.send(new ListMFADevicesCommand({ UserName: 'bob' }))).MFADevices).toEqual([])
    await expect(iam.send(new DeactivateMFADeviceCommand({ UserName: 'bob', SerialNumber: serial }))).rejects.toMatchObject({ name: 'NoSuchEntityException' })
    await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial }))
    await expect(iam.send(new ListMFADeviceTagsCommand({ SerialNumber: serial }))).rejects.toMatchObject({ name: 'NoSuchEntityException' })
  })
})

describe('missing devices', () => {
  const missing = 'arn:aws:iam::000000000000:mfa/missing'
  it.each([
    { name: 'DeleteVirtualMFADevice', send: () => iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: missing })) },
    { name: 'TagMFADevice', send: () => iam.send(new TagMFADeviceCommand({ SerialNumber: missing, Tags: [{ Key: 'a', Value: 'b' }] })) },
    { name: 'GetMFADevice', send: () => iam.send(new GetMFADeviceCommand({ SerialNumber: missing })) },
  ])('$name reports NoSuchEntity', async ({ send }) => {
    await expect(send()).rejects.toMatchObject({ name: 'NoSuchEntityException', message: `VirtualMFADevice with serial number ${missing} does not exist.`, $metadata: { httpStatusCode: 404 } })
  })
})

describe('ListMFADevices without a user name', () => {
  it('lists the calling IAM user\'s devices', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'carol' }))
    await iam.send(new PutUserPolicyCommand({
      UserName: 'carol',
      PolicyName: 'own-mfa',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListMFADevices', Resource: 'arn:aws:iam::000000000000:user/carol' }] }),
    }))
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'carol' }))
    const { serial, seed } = await createDevice('carol-phone')
    await iam.send(new EnableMFADeviceCommand({ UserName: 'carol', SerialNumber: serial, AuthenticationCode1: await codeAt(seed, step() - 1), AuthenticationCode2: await codeAt(seed, step()) }))
    const asCarol = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }, maxAttempts: 1 })
    const { MFADevices } = await asCarol.send(new ListMFADevicesCommand({}))
    expect(MFADevices!.map((device) => device.SerialNumber)).toEqual([serial])
  })

  it('lists nothing for the root user', async () => {
    expect((await iam.send(new ListMFADevicesCommand({}))).MFADevices).toEqual([])
  })
})

describe.skipIf(!awsCliAvailable)('virtual MFA with the AWS CLI', () => {
  it('writes the QR code PNG to a file and enables the device', async () => {
    const outfile = join(palisade.dataDir, 'cli-qr.png')
    const created = await awsCli(palisade.url, palisade.root, ['iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'cli-phone', '--outfile', outfile, '--bootstrap-method', 'QRCodePNG'])
    expect(created.code).toBe(0)
    expect(readFileSync(outfile).subarray(1, 4).toString('ascii')).toBe('PNG')
    const serial = JSON.parse(created.stdout).VirtualMFADevice.SerialNumber
    const seedFile = join(palisade.dataDir, 'cli-seed.txt')
    await awsCli(palisade.url, palisade.root, ['iam', 'delete-virtual-mfa-device', '--serial-number', serial])
    const again = await awsCli(palisade.url, palisade.root, ['iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'cli-phone', '--outfile', seedFile, '--bootstrap-method', 'Base32StringSeed'])
    expect(again.code).toBe(0)
    const seed = readFileSync(seedFile, 'ascii').trim()
    const enabled = await awsCli(palisade.url, palisade.root, [
      'iam', 'enable-mfa-device', '--user-name', 'alice', '--serial-number', serial,
      '--authentication-code1', await codeAt(seed, step() - 1), '--authentication-code2', await codeAt(seed, step()),
    ])
    expect(enabled.code).toBe(0)
  })
})
