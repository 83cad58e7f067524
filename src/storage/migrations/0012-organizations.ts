// Migration 0012: placeholder claimed for the Organizations service; its tables are added here.
import type { Kysely } from 'kysely'
import type { Migration } from '../migration.js'

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface OrganizationsTables {}

export const createOrganizations: Migration = {
  id: '0012-organizations',
  async up(_db: Kysely<any>) {},
}
