// Schema: every table's row type, for the typed query builder; each migration declares its own tables.
import type { Kysely } from 'kysely'
import type { MetaTables } from './migrations/0001-meta.js'
import type { AccountTables } from './migrations/0002-accounts.js'
import type { IamTables } from './migrations/0003-iam.js'
import type { IamRoleDeletionTaskTables } from './migrations/0004-iam-role-deletion-tasks.js'
import type { IamMfaDriftTables } from './migrations/0005-iam-mfa-drift.js'
import type { KmsTables } from './migrations/0006-kms.js'
import type { StsSessionTables } from './migrations/0007-sts-sessions.js'
import type { IamReportTables } from './migrations/0008-iam-reports.js'
import type { IamCredentialTables } from './migrations/0009-iam-credentials.js'
import type { IamServiceCredentialTables } from './migrations/0010-iam-service-credentials.js'
import type { KmsGrantTokenTables } from './migrations/0011-kms-grant-tokens.js'
import type { OrganizationsTables } from './migrations/0012-organizations.js'
import type { S3Tables } from './migrations/0013-s3.js'
import type { CloudTrailTables } from './migrations/0014-cloudtrail.js'

/*
 * A migration that creates tables exports an interface naming them (see MetaTables in
 * migrations/0001-meta.ts); list it here: `extends MetaTables, AccountTables {}`.
 *
 * Row conventions:
 * - A row that belongs to an account has `account_id` as the first column of its primary key
 *   (or of a unique key), so account isolation is in the schema, not in a filter.
 * - Timestamps are ISO-8601 UTC text and booleans are 0/1 integers (see columns.ts).
 * - Columns are snake_case; stores map rows to their own camelCase types.
 */
export interface Schema extends MetaTables, AccountTables, IamTables, IamRoleDeletionTaskTables, IamMfaDriftTables, KmsTables, StsSessionTables, IamReportTables, IamCredentialTables, IamServiceCredentialTables, KmsGrantTokenTables,
  OrganizationsTables, S3Tables, CloudTrailTables {}

/** The query builder every store receives: the database's, or a transaction's. */
export type Db = Kysely<Schema>
