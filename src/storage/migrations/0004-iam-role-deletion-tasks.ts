// Migration 0004: deletion tasks of service-linked roles (DeleteServiceLinkedRole → GetServiceLinkedRoleDeletionStatus).
import type { Kysely } from 'kysely'
import type { DbTimestamp } from '../columns.js'
import type { Migration } from '../migration.js'

/** Tables this migration creates, for `Schema` in ../schema.ts. */
export interface IamRoleDeletionTaskTables {
  iam_role_deletion_tasks: IamRoleDeletionTaskRow
}

export interface IamRoleDeletionTaskRow {
  account_id: string
  /** `task/aws-service-role/<service>/<role name>/<uuid>`, as AWS forms it. */
  task_id: string
  /** SUCCEEDED, IN_PROGRESS, FAILED or NOT_STARTED. */
  status: string
  /** Why a FAILED deletion failed. */
  reason: string | null
  created_at: DbTimestamp
}

export const createIamRoleDeletionTasks: Migration = {
  id: '0004-iam-role-deletion-tasks',
  async up(db: Kysely<any>) {
    await db.schema.createTable('iam_role_deletion_tasks')
      .addColumn('account_id', 'text', (column) => column.notNull()).addColumn('task_id', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull()).addColumn('reason', 'text')
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('iam_role_deletion_tasks_pk', ['account_id', 'task_id'])
      .execute()
  },
}
