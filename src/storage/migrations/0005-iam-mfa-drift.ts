// Migration 0005: how far each virtual MFA device's clock runs from ours, learnt by ResyncMFADevice.
import type { Kysely } from 'kysely'
import type { Migration } from '../migration.js'

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface IamMfaDriftTables {
  iam_mfa_drift: IamMfaDriftRow
}

export interface IamMfaDriftRow {
  account_id: string
  /** The device's serial number (iam_mfa_devices). */
  serial_number: string
  /** The device's TOTP step minus ours: codes are looked for around our step plus this. */
  drift_steps: number
}

export const createIamMfaDrift: Migration = {
  id: '0005-iam-mfa-drift',
  async up(db: Kysely<any>) {
    await db.schema.createTable('iam_mfa_drift')
      .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('serial_number', 'text', (column) => column.notNull())
      .addColumn('drift_steps', 'integer', (column) => column.notNull())
      .addPrimaryKeyConstraint('iam_mfa_drift_pk', ['account_id', 'serial_number'])
      .execute()
  },
}
