// MfaDeviceStore: virtual MFA devices as rows of `iam_mfa_devices` (seed sealed, assignment, last accepted TOTP step).
import { fromDbTimestamp, toDbTimestamp } from '../../storage/columns.js'
import type { IamMfaDeviceRow } from '../../storage/migrations/0003-iam.js'
import type { Db } from '../../storage/schema.js'

export interface MfaDeviceRecord {
  readonly accountId: string
  /** arn:aws:iam::ACCOUNT:mfa/PATHNAME */
  readonly serialNumber: string
  /** The device name lower-cased: unique in the account whatever the path. */
  readonly nameKey: string
  readonly path: string
  /** The name key of the user it is enabled for; undefined while unassigned. */
  readonly userKey?: string
  /** The base32 seed sealed under the root key, bound to the serial number. */
  readonly seedSealed: string
  readonly createdAt: Date
  readonly enabledAt?: Date
  /** The last TOTP time step accepted from the device: codes of that step or earlier are refused. */
  readonly lastUsedStep?: number
  /** The device's step minus ours, as ResyncMFADevice last measured it (0 until then). */
  readonly driftSteps: number
}

export interface MfaDeviceStore {
  get(accountId: string, serialNumber: string): Promise<MfaDeviceRecord | undefined>
  getByName(accountId: string, nameKey: string): Promise<MfaDeviceRecord | undefined>
  /** DuplicateKeyError when the serial number exists. */
  insert(device: MfaDeviceRecord): Promise<void>
  /** Every device of the account, ordered by serial number. */
  list(accountId: string): Promise<MfaDeviceRecord[]>
  listForUser(accountId: string, userKey: string): Promise<MfaDeviceRecord[]>
  assign(accountId: string, serialNumber: string, userKey: string, enabledAt: Date, step: number): Promise<void>
  unassign(accountId: string, serialNumber: string): Promise<void>
  /**
   * Moves lastUsedStep forward to `step` only if it is still before it, so two requests racing with the same
   * code cannot both succeed; true when this call moved it.
   */
  advanceStep(accountId: string, serialNumber: string, step: number): Promise<boolean>
  /** Records the device's clock drift (ResyncMFADevice; EnableMFADevice resets it to 0). */
  setDrift(accountId: string, serialNumber: string, driftSteps: number): Promise<void>
  delete(accountId: string, serialNumber: string): Promise<void>
}

export function mfaDeviceStore(db: Db): MfaDeviceStore {
  const select = (accountId: string) => db.selectFrom('iam_mfa_devices').selectAll().where('account_id', '=', accountId)
  return {
    async get(accountId, serialNumber) {
      const row = await select(accountId).where('serial_number', '=', serialNumber).executeTakeFirst()
      return row && toDevice(row, await driftOf(db, accountId, serialNumber))
    },

    async getByName(accountId, nameKey) {
      const row = await select(accountId).where('name_key', '=', nameKey).executeTakeFirst()
      return row && toDevice(row, await driftOf(db, accountId, row.serial_number))
    },

    async insert(device) {
      await db
        .insertInto('iam_mfa_devices')
        .values({
          account_id: device.accountId,
          serial_number: device.serialNumber,
          name_key: device.nameKey,
          path: device.path,
          user_key: device.userKey ?? null,
          seed_sealed: device.seedSealed,
          created_at: toDbTimestamp(device.createdAt),
          enabled_at: device.enabledAt ? toDbTimestamp(device.enabledAt) : null,
          last_used_step: device.lastUsedStep ?? null,
        })
        .execute()
    },

    async list(accountId) {
      return (await select(accountId).orderBy('serial_number').execute()).map((row) => toDevice(row, 0))
    },

    async listForUser(accountId, userKey) {
      return (await select(accountId).where('user_key', '=', userKey).orderBy('serial_number').execute()).map((row) => toDevice(row, 0))
    },

    async assign(accountId, serialNumber, userKey, enabledAt, step) {
      await db
        .updateTable('iam_mfa_devices')
        .set({ user_key: userKey, enabled_at: toDbTimestamp(enabledAt), last_used_step: step })
        .where('account_id', '=', accountId)
        .where('serial_number', '=', serialNumber)
        .execute()
    },

    async unassign(accountId, serialNumber) {
      await db
        .updateTable('iam_mfa_devices')
        .set({ user_key: null, enabled_at: null })
        .where('account_id', '=', accountId)
        .where('serial_number', '=', serialNumber)
        .execute()
    },

    async advanceStep(accountId, serialNumber, step) {
      const result = await db
        .updateTable('iam_mfa_devices')
        .set({ last_used_step: step })
        .where('account_id', '=', accountId)
        .where('serial_number', '=', serialNumber)
        .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
        .executeTakeFirst()
      return Number(result.numUpdatedRows) > 0
    },

    async setDrift(accountId, serialNumber, driftSteps) {
      await db
        .insertInto('iam_mfa_drift')
        .values({ account_id: accountId, serial_number: serialNumber, drift_steps: driftSteps })
        .onConflict((conflict) => conflict.columns(['account_id', 'serial_number']).doUpdateSet({ drift_steps: driftSteps }))
        .execute()
    },

    async delete(accountId, serialNumber) {
      await db.deleteFrom('iam_mfa_drift').where('account_id', '=', accountId).where('serial_number', '=', serialNumber).execute()
      await db.deleteFrom('iam_mfa_devices').where('account_id', '=', accountId).where('serial_number', '=', serialNumber).execute()
    },
  }
}

// Lists leave drift at 0: only verification needs it, and it reads one device with get().
async function driftOf(db: Db, accountId: string, serialNumber: string): Promise<number> {
  const row = await db.selectFrom('iam_mfa_drift').select('drift_steps').where('account_id', '=', accountId).where('serial_number', '=', serialNumber).executeTakeFirst()
  return row ? Number(row.drift_steps) : 0
}

function toDevice(row: IamMfaDeviceRow, driftSteps: number): MfaDeviceRecord {
  return {
    accountId: row.account_id,
    serialNumber: row.serial_number,
    nameKey: row.name_key,
    path: row.path,
    ...(row.user_key !== null && { userKey: row.user_key }),
    seedSealed: row.seed_sealed,
    createdAt: fromDbTimestamp(row.created_at),
    ...(row.enabled_at !== null && { enabledAt: fromDbTimestamp(row.enabled_at) }),
    ...(row.last_used_step !== null && { lastUsedStep: Number(row.last_used_step) }),
    driftSteps,
  }
}
