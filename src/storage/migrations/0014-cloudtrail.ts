// Migration 0014: placeholder claimed for the CloudTrail service; its tables are added here.
import type { Kysely } from 'kysely'
import type { Migration } from '../migration.js'

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface CloudTrailTables {}

export const createCloudTrail: Migration = {
  id: '0014-cloudtrail',
  async up(_db: Kysely<any>) {},
}
