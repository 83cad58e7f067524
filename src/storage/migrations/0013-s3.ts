// Migration 0013: placeholder claimed for the S3 service; its tables are added here.
import type { Kysely } from 'kysely'
import type { Migration } from '../migration.js'

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface S3Tables {}

export const createS3: Migration = {
  id: '0013-s3',
  async up(_db: Kysely<any>) {},
}
