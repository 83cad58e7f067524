// verifyMfaCode, the port STS and console sign-in use: one code, once, from an enabled device; on every dialect.
import { randomBytes } from 'node:crypto'
import { generate } from 'otplib'
import { expect, it } from 'vitest'
import type { Caller } from '../../src/core/caller.js'
import { fixedClock } from '../../src/core/clock.js'
import { sequentialIds } from '../../src/core/ids.js'
import type { OperationContext } from '../../src/core/operation.js'
import { secretBox } from '../../src/crypto/secret-box.js'
import { mfaCodeVerifier, mfaOperations } from '../../src/services/iam/mfa.js'
import { insertUser } from '../../src/services/iam/users-store.js'
import { forEachDialect } from '../../src/storage/testing.js'

const ACCOUNT = '123456789012'
const caller: Caller = { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, userId: ACCOUNT }
const ctx: OperationContext = { caller, accountId: ACCOUNT, region: 'us-east-1', partition: 'aws', requestId: 'test' }
const codeAt = (seed: string, step: number) => generate({ secret: seed, strategy: 'hotp', counter: step })

forEachDialect('verifyMfaCode', (dialect) => {
  async function setUp() {
    const database = await dialect.open()
    const clock = fixedClock('2026-05-01T10:00:10.000Z')
    const deps = { database, clock, ids: sequentialIds(), box: secretBox(randomBytes(32)) }
    const operations = mfaOperations(deps)
    await insertUser(database.db, { accountId: ACCOUNT, userName: 'dana', userId: 'AIDAEXAMPLEEXAMPLE00', path: '/', arn: `arn:aws:iam::${ACCOUNT}:user/dana`, createdAt: clock.now() })
    const { VirtualMFADevice } = await operations.CreateVirtualMFADevice({ VirtualMFADeviceName: 'dana' }, ctx)
    const seed = Buffer.from(VirtualMFADevice.Base32StringSeed!).toString('ascii')
    const serial = VirtualMFADevice.SerialNumber
    const step = () => Math.floor(clock.now().getTime() / 30_000)
    return { operations, clock, seed, serial, step, verifyMfaCode: mfaCodeVerifier(deps) }
  }

  it('refuses every code while the device is not enabled', async () => {
    const { seed, serial, step, verifyMfaCode } = await setUp()
    expect(await verifyMfaCode(ACCOUNT, serial, await codeAt(seed, step()))).toBe(false)
  })

  it('accepts a current code once, and never again (no replay), nor an older one', async () => {
    const { operations, clock, seed, serial, step, verifyMfaCode } = await setUp()
    await operations.EnableMFADevice({ UserName: 'dana', SerialNumber: serial, AuthenticationCode1: await codeAt(seed, step() - 1), AuthenticationCode2: await codeAt(seed, step()) }, ctx)
    expect(await verifyMfaCode(ACCOUNT, serial, await codeAt(seed, step()))).toBe(false) // consumed by EnableMFADevice
    clock.advance(30_000)
    const fresh = await codeAt(seed, step())
    expect(await verifyMfaCode(ACCOUNT, serial, fresh)).toBe(true)
    expect(await verifyMfaCode(ACCOUNT, serial, fresh)).toBe(false)
    expect(await verifyMfaCode(ACCOUNT, serial, await codeAt(seed, step() - 1))).toBe(false)
  })

  it('checks, when asked, that the device is the named user\'s', async () => {
    const { operations, clock, seed, serial, step, verifyMfaCode } = await setUp()
    await operations.EnableMFADevice({ UserName: 'dana', SerialNumber: serial, AuthenticationCode1: await codeAt(seed, step() - 1), AuthenticationCode2: await codeAt(seed, step()) }, ctx)
    clock.advance(30_000)
    expect(await verifyMfaCode(ACCOUNT, serial, await codeAt(seed, step()), 'someone-else')).toBe(false)
    expect(await verifyMfaCode(ACCOUNT, serial, await codeAt(seed, step()), 'DANA')).toBe(true)
  })

  it('accepts a code one step either side of now, but not two', async () => {
    const { operations, clock, seed, serial, step, verifyMfaCode } = await setUp()
    await operations.EnableMFADevice({ UserName: 'dana', SerialNumber: serial, AuthenticationCode1: await codeAt(seed, step() - 1), AuthenticationCode2: await codeAt(seed, step()) }, ctx)
    clock.advance(30_000 * 5)
    expect(await verifyMfaCode(ACCOUNT, serial, await codeAt(seed, step() - 2))).toBe(false)
    expect(await verifyMfaCode(ACCOUNT, serial, await codeAt(seed, step() + 2))).toBe(false)
    expect(await verifyMfaCode(ACCOUNT, serial, await codeAt(seed, step() + 1))).toBe(true)
  })

  it('follows a drifted device once ResyncMFADevice has measured its drift', async () => {
    const { operations, clock, seed, serial, step, verifyMfaCode } = await setUp()
    await operations.EnableMFADevice({ UserName: 'dana', SerialNumber: serial, AuthenticationCode1: await codeAt(seed, step() - 1), AuthenticationCode2: await codeAt(seed, step()) }, ctx)
    clock.advance(30_000)
    const slow = () => step() - 8 // the device's clock runs four minutes slow
    expect(await verifyMfaCode(ACCOUNT, serial, await codeAt(seed, slow()))).toBe(false)
    clock.advance(30_000 * 10)
    await operations.ResyncMFADevice({ UserName: 'dana', SerialNumber: serial, AuthenticationCode1: await codeAt(seed, slow() - 1), AuthenticationCode2: await codeAt(seed, slow()) }, ctx)
    clock.advance(30_000)
    expect(await verifyMfaCode(ACCOUNT, serial, await codeAt(seed, slow()))).toBe(true)
    clock.advance(30_000)
    expect(await verifyMfaCode(ACCOUNT, serial, await codeAt(seed, step()))).toBe(false)
  })

  it.each([
    { name: 'letters', code: 'abcdef' },
    { name: 'five digits', code: '12345' },
  ])('refuses a code of $name', async ({ code }) => {
    const { serial, verifyMfaCode } = await setUp()
    expect(await verifyMfaCode(ACCOUNT, serial, code)).toBe(false)
  })

  it('refuses a device that does not exist', async () => {
    const { verifyMfaCode } = await setUp()
    expect(await verifyMfaCode(ACCOUNT, `arn:aws:iam::${ACCOUNT}:mfa/none`, '123456')).toBe(false)
  })
})
