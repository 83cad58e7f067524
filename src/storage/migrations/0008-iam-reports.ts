// Migration 0008: IAM account reports: the credential report, each principal's last access per service action, and
// the service-last-accessed jobs that snapshot it.
import type { Kysely } from 'kysely'
import type { DbTimestamp } from '../columns.js'
import type { Migration } from '../migration.js'

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface IamReportTables {
  iam_credential_reports: IamCredentialReportRow
  iam_service_access: IamServiceAccessRow
  iam_access_report_jobs: IamAccessReportJobRow
}

/** The account's latest credential report (GenerateCredentialReport replaces it). */
export interface IamCredentialReportRow {
  account_id: string
  generated_at: DbTimestamp
  /** The CSV text. */
  content: string
}

/** The last authenticated call of one principal to one action (`s3:GetObject`), as the audit sink recorded it. */
export interface IamServiceAccessRow {
  account_id: string
  /** The principal's ARN: an IAM user's, or a role's (for its sessions). */
  principal_arn: string
  /** `s3:getobject`: the action lower-cased, unique per principal. */
  action_key: string
  /** The action as the call named it (`s3:GetObject`). */
  action: string
  /** The service namespace (`s3`). */
  service: string
  last_accessed_at: DbTimestamp
  region: string
}

/** One GenerateServiceLastAccessedDetails job and, once it completed, its report as JSON. */
export interface IamAccessReportJobRow {
  job_id: string
  account_id: string
  /** The user, group, role or policy the report is about. */
  entity_arn: string
  /** SERVICE_LEVEL | ACTION_LEVEL */
  granularity: string
  created_at: DbTimestamp
  completed_at: DbTimestamp | null
  report_json: string | null
}

export const createIamReports: Migration = {
  id: '0008-iam-reports',
  async up(db: Kysely<any>) {
    await db.schema.createTable('iam_credential_reports')
      .addColumn('account_id', 'text', (column) => column.primaryKey())
      .addColumn('generated_at', 'text', (column) => column.notNull()).addColumn('content', 'text', (column) => column.notNull())
      .execute()
    await db.schema.createTable('iam_service_access')
      .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('principal_arn', 'text', (column) => column.notNull())
      .addColumn('action_key', 'text', (column) => column.notNull()).addColumn('action', 'text', (column) => column.notNull())
      .addColumn('service', 'text', (column) => column.notNull())
      .addColumn('last_accessed_at', 'text', (column) => column.notNull()).addColumn('region', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('iam_service_access_pk', ['account_id', 'principal_arn', 'action_key'])
      .execute()
    await db.schema.createTable('iam_access_report_jobs')
      .addColumn('job_id', 'text', (column) => column.primaryKey()).addColumn('account_id', 'text', (column) => column.notNull())
      .addColumn('entity_arn', 'text', (column) => column.notNull()).addColumn('granularity', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull()).addColumn('completed_at', 'text')
      .addColumn('report_json', 'text')
      .execute()
  },
}
