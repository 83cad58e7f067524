// Virtual MFA devices: create (seed + QR code), enable with two consecutive codes, resync, deactivate, delete, lists,
// tags; and verifyMfaCode, which STS and the console use to check a code once.
import QRCode from 'qrcode'
import type { AuthorizationTable, CallFacts } from '../../core/authorization-target.js'
import type { OperationContext } from '../../core/operation.js'
import type { IamApi } from '../../generated/iam/api.js'
import {
  DeleteConflictException,
  EntityAlreadyExistsException,
  InvalidAuthenticationCodeException,
  LimitExceededException,
  NoSuchEntityException,
} from '../../generated/iam/errors.js'
import type { VirtualMFADevice } from '../../generated/iam/types.js'
import type { Db } from '../../storage/schema.js'
import type { IamDeps } from './iam-deps.js'
import { iamArn, nameKey, ROOT_PATH } from './iam-names.js'
import { dropTags, listTags, putTags, tagHandlers, type TaggedResource } from './iam-tags.js'
import type { IamModule } from './index.js'
import { mfaDeviceStore, type MfaDeviceRecord } from './mfa-store.js'
import { base32Encode, findCodeStep, totpStep } from './mfa-totp.js'
import { paginate } from './pagination.js'
import { findUser, requireUser } from './users-store.js'
import { toUserShape } from './users.js'

// 320-bit seeds: AWS's Base32StringSeed is 64 base32 characters.
const SEED_BYTES = 40
// "MFA devices in use per user: 8" (IAM quotas).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities
const MFA_DEVICES_PER_USER = 8
// Steps either side of now (shifted by the device's known drift) a code may come from: one step for sign-in and
// enabling; ten minutes for ResyncMFADevice, whose purpose is to measure a drifted device's offset.
const VERIFY_WINDOW = 1
const RESYNC_WINDOW = 20

type MfaDeps = Pick<IamDeps, 'database' | 'clock' | 'box'>

export function mfaOperations({ database, clock, ids, box }: IamDeps) {
  const deviceTags = tagHandlers(database, {
    find: (db, input: { readonly SerialNumber: string }, ctx) => requireDevice(db, ctx.accountId, input.SerialNumber),
    resource: (device, ctx) => deviceResource(ctx.accountId, device.serialNumber),
  })
  return {
    async CreateVirtualMFADevice(input, ctx) {
      const path = input.Path ?? ROOT_PATH
      const serialNumber = iamArn(ctx.partition, ctx.accountId, 'mfa', path, input.VirtualMFADeviceName)
      const seed = base32Encode(ids.bytes(SEED_BYTES))
      const device: MfaDeviceRecord = {
        accountId: ctx.accountId,
        serialNumber,
        nameKey: nameKey(input.VirtualMFADeviceName),
        path,
        seedSealed: box.seal(seed, serialNumber),
        createdAt: clock.now(),
        driftSteps: 0,
      }
      const { tags, accountName } = await database.transaction(async (tx) => {
        const store = mfaDeviceStore(tx)
        // A device name is unique in the account whatever its path, and without regard to case.
        if (await store.getByName(ctx.accountId, device.nameKey)) {
          throw new EntityAlreadyExistsException('MFADevice entity at the same path and name already exists.')
        }
        await store.insert(device)
        await putTags(tx, deviceResource(ctx.accountId, serialNumber), input.Tags ?? [])
        return { tags: await listTags(tx, deviceResource(ctx.accountId, serialNumber)), accountName: await accountNameOf(tx, ctx.accountId) }
      })
      // "otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String", AccountName being the account
      // alias, else the account id (IAM API reference, CreateVirtualMFADevice / VirtualMFADevice).
      const uri = `otpauth://totp/${encodeURIComponent(input.VirtualMFADeviceName)}@${encodeURIComponent(accountName)}?secret=${seed}`
      const png = await QRCode.toBuffer(uri, { type: 'png', errorCorrectionLevel: 'M' })
      return {
        VirtualMFADevice: {
          SerialNumber: serialNumber,
          Base32StringSeed: Buffer.from(seed, 'ascii'),
          QRCodePNG: png,
          ...(tags.length > 0 && { Tags: tags }),
        },
      }
    },

    async EnableMFADevice(input, ctx) {
      await database.transaction(async (tx) => {
        const user = await requireUser(tx, ctx.accountId, input.UserName)
        const device = await requireDevice(tx, ctx.accountId, input.SerialNumber)
        if (device.userKey !== undefined) throw new EntityAlreadyExistsException('MFA Device is already in use.')
        const store = mfaDeviceStore(tx)
        if ((await store.listForUser(ctx.accountId, nameKey(user.userName))).length >= MFA_DEVICES_PER_USER) {
          throw new LimitExceededException(`Cannot exceed quota for MFADevicesPerUser: ${MFA_DEVICES_PER_USER}`)
        }
        // A newly enabled device starts without drift: the codes just checked came from around our own step.
        const step = await consecutiveCodesStep({ box, device, code1: input.AuthenticationCode1, code2: input.AuthenticationCode2, now: clock.now(), window: VERIFY_WINDOW })
        await store.assign(ctx.accountId, device.serialNumber, nameKey(user.userName), clock.now(), step)
        await store.setDrift(ctx.accountId, device.serialNumber, 0)
      })
    },

    async ResyncMFADevice(input, ctx) {
      await database.transaction(async (tx) => {
        const device = await requireUserDevice(tx, ctx.accountId, input.UserName, input.SerialNumber)
        // Resync searches a wide window around our own step (not the old drift) and remembers where the codes were.
        const step = await consecutiveCodesStep({ box, device, code1: input.AuthenticationCode1, code2: input.AuthenticationCode2, now: clock.now(), window: RESYNC_WINDOW })
        await mfaDeviceStore(tx).advanceStep(ctx.accountId, device.serialNumber, step)
        await mfaDeviceStore(tx).setDrift(ctx.accountId, device.serialNumber, step - totpStep(clock.now()))
      })
    },

    async DeactivateMFADevice(input, ctx) {
      await database.transaction(async (tx) => {
        const device = await requireUserDevice(tx, ctx.accountId, userNameOrCaller(input.UserName, ctx), input.SerialNumber)
        await mfaDeviceStore(tx).unassign(ctx.accountId, device.serialNumber)
      })
    },

    async DeleteVirtualMFADevice(input, ctx) {
      await database.transaction(async (tx) => {
        const device = await requireDevice(tx, ctx.accountId, input.SerialNumber)
        if (device.userKey !== undefined) throw new DeleteConflictException('MFA device is still in use.')
        await mfaDeviceStore(tx).delete(ctx.accountId, device.serialNumber)
        await dropTags(tx, deviceResource(ctx.accountId, device.serialNumber))
      })
    },

    async ListMFADevices(input, ctx) {
      const userName = userNameOrCaller(input.UserName, ctx)
      // The root user's MFA is set up in the console, not with EnableMFADevice: it has no devices here.
      if (userName === undefined) return { MFADevices: [], IsTruncated: false }
      const user = await requireUser(database.db, ctx.accountId, userName)
      const devices = await mfaDeviceStore(database.db).listForUser(ctx.accountId, nameKey(user.userName))
      const page = paginate(devices, input, (device) => device.serialNumber)
      return {
        MFADevices: page.items.map((device) => ({ UserName: user.userName, SerialNumber: device.serialNumber, EnableDate: device.enabledAt! })),
        IsTruncated: page.IsTruncated,
        ...(page.Marker !== undefined && { Marker: page.Marker }),
      }
    },

    async ListVirtualMFADevices(input, ctx) {
      const status = input.AssignmentStatus ?? 'Any'
      const devices = (await mfaDeviceStore(database.db).list(ctx.accountId)).filter((device) =>
        status === 'Any' ? true : status === 'Assigned' ? device.userKey !== undefined : device.userKey === undefined,
      )
      const page = paginate(devices, input, (device) => device.serialNumber)
      const entries: VirtualMFADevice[] = []
      for (const device of page.items) {
        const user = device.userKey === undefined ? undefined : await findUser(database.db, ctx.accountId, device.userKey)
        const tags = await listTags(database.db, deviceResource(ctx.accountId, device.serialNumber))
        entries.push({
          SerialNumber: device.serialNumber,
          ...(user && { User: toUserShape(user) }),
          ...(device.enabledAt && { EnableDate: device.enabledAt }),
          ...(tags.length > 0 && { Tags: tags }),
        })
      }
      return { VirtualMFADevices: entries, IsTruncated: page.IsTruncated, ...(page.Marker !== undefined && { Marker: page.Marker }) }
    },

    async GetMFADevice(input, ctx) {
      const userName = userNameOrCaller(input.UserName, ctx)
      const device = userName === undefined
        ? await requireDevice(database.db, ctx.accountId, input.SerialNumber)
        : await requireUserDevice(database.db, ctx.accountId, userName, input.SerialNumber)
      const user = device.userKey === undefined ? undefined : await findUser(database.db, ctx.accountId, device.userKey)
      return {
        SerialNumber: device.serialNumber,
        ...(user && { UserName: user.userName }),
        ...(device.enabledAt && { EnableDate: device.enabledAt }),
      }
    },

    TagMFADevice: deviceTags.tag,
    UntagMFADevice: deviceTags.untag,
    ListMFADeviceTags: deviceTags.list,
  } satisfies Partial<IamApi>
}

// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
export const mfaAuthorization = {
  CreateVirtualMFADevice: (input, call) => ({
    action: 'iam:CreateVirtualMFADevice',
    resources: [iamArn(call.partition, call.accountId, 'mfa', input.Path ?? ROOT_PATH, input.VirtualMFADeviceName)],
    ...(input.Tags && input.Tags.length > 0 && { context: { 'aws:TagKeys': input.Tags.map((tag) => tag.Key) } }),
  }),
  EnableMFADevice: (input, call) => ({ action: 'iam:EnableMFADevice', resources: [userArnFor(call, input.UserName)] }),
  ResyncMFADevice: (input, call) => ({ action: 'iam:ResyncMFADevice', resources: [userArnFor(call, input.UserName)] }),
  DeactivateMFADevice: (input, call) => ({ action: 'iam:DeactivateMFADevice', resources: [userArnFor(call, input.UserName)] }),
  DeleteVirtualMFADevice: (input) => ({ action: 'iam:DeleteVirtualMFADevice', resources: [input.SerialNumber] }),
  ListMFADevices: (input, call) => ({ action: 'iam:ListMFADevices', resources: [userArnFor(call, input.UserName)] }),
  ListVirtualMFADevices: () => ({ action: 'iam:ListVirtualMFADevices', resources: ['*'] }),
  GetMFADevice: (input, call) => ({ action: 'iam:GetMFADevice', resources: [userArnFor(call, input.UserName)] }),
  TagMFADevice: (input) => ({ action: 'iam:TagMFADevice', resources: [input.SerialNumber], context: { 'aws:TagKeys': input.Tags.map((tag) => tag.Key) } }),
  UntagMFADevice: (input) => ({ action: 'iam:UntagMFADevice', resources: [input.SerialNumber], context: { 'aws:TagKeys': input.TagKeys } }),
  ListMFADeviceTags: (input) => ({ action: 'iam:ListMFADeviceTags', resources: [input.SerialNumber] }),
} satisfies Partial<AuthorizationTable<IamApi>>

export function mfaModule(deps: IamDeps): IamModule {
  return { handlers: mfaOperations(deps), authorization: mfaAuthorization }
}

/**
 * Checks one code from an enabled device (for STS's SerialNumber/TokenCode and console sign-in) and consumes its
 * time step, so the same code, or an older one, is refused afterwards. With `userName`, the device must also be
 * the one enabled for that user (GetSessionToken takes only the caller's own device).
 */
export function mfaCodeVerifier({ database, clock, box }: MfaDeps) {
  return async function verifyMfaCode(accountId: string, serialNumber: string, code: string, userName?: string): Promise<boolean> {
    if (!/^\d{6}$/.test(code)) return false
    return database.transaction(async (tx) => {
      const device = await mfaDeviceStore(tx).get(accountId, serialNumber)
      if (!device || device.userKey === undefined) return false
      if (userName !== undefined && device.userKey !== nameKey(userName)) return false
      const seed = box.open(device.seedSealed, device.serialNumber).toString('ascii')
      const step = await findCodeStep(seed, code, totpStep(clock.now()) + device.driftSteps, VERIFY_WINDOW, device.lastUsedStep)
      return step !== undefined && (await mfaDeviceStore(tx).advanceStep(accountId, serialNumber, step))
    })
  }
}

/** The step of the second code when the two codes are consecutive and newer than anything accepted before. */
async function consecutiveCodesStep(options: {
  readonly box: IamDeps['box']
  readonly device: MfaDeviceRecord
  readonly code1: string
  readonly code2: string
  readonly now: Date
  readonly window: number
}): Promise<number> {
  const { device } = options
  const seed = options.box.open(device.seedSealed, device.serialNumber).toString('ascii')
  // Around our own step, whatever drift was measured before: EnableMFADevice and ResyncMFADevice (re)measure it.
  const now = totpStep(options.now)
  // Search for the second code first: it is the newer one, nearest to now.
  for (let step = now - options.window; step <= now + options.window; step++) {
    if (device.lastUsedStep !== undefined && step - 1 <= device.lastUsedStep) continue
    if ((await findCodeStep(seed, options.code2, step, 0, undefined)) === undefined) continue
    if ((await findCodeStep(seed, options.code1, step - 1, 0, undefined)) !== undefined) return step
  }
  throw new InvalidAuthenticationCodeException('Authentication code for device is not valid.')
}

async function requireDevice(db: Db, accountId: string, serialNumber: string): Promise<MfaDeviceRecord> {
  const device = await mfaDeviceStore(db).get(accountId, serialNumber)
  if (!device) throw new NoSuchEntityException(`VirtualMFADevice with serial number ${serialNumber} does not exist.`)
  return device
}

/** The device, enabled for that user; NoSuchEntity for a missing user, a missing device, or one not theirs. */
async function requireUserDevice(db: Db, accountId: string, userName: string | undefined, serialNumber: string): Promise<MfaDeviceRecord> {
  if (userName === undefined) throw new NoSuchEntityException(`VirtualMFADevice with serial number ${serialNumber} does not exist.`)
  const user = await requireUser(db, accountId, userName)
  const device = await requireDevice(db, accountId, serialNumber)
  if (device.userKey !== nameKey(user.userName)) {
    throw new NoSuchEntityException(`MFA Device with serial number ${serialNumber} is not assigned to user ${user.userName}.`)
  }
  return device
}

/** The named user, or the calling IAM user when no name is given (undefined for the root user and roles). */
function userNameOrCaller(userName: string | undefined, ctx: OperationContext): string | undefined {
  if (userName !== undefined) return userName
  return ctx.caller.type === 'IAMUser' ? ctx.caller.arn.slice(ctx.caller.arn.lastIndexOf('/') + 1) : undefined
}

function userArnFor(call: CallFacts, userName: string | undefined): string {
  return userName === undefined ? call.caller.arn : iamArn(call.partition, call.accountId, 'user', ROOT_PATH, userName)
}

async function accountNameOf(db: Db, accountId: string): Promise<string> {
  const alias = await db.selectFrom('iam_account_aliases').select('alias').where('account_id', '=', accountId).executeTakeFirst()
  return alias?.alias ?? accountId
}

function deviceResource(accountId: string, serialNumber: string): TaggedResource {
  return { accountId, kind: 'mfa', key: serialNumber }
}
