// The migrations Palisade runs at start, in order: add a file `NNNN-name.ts` and one entry here.
import type { Migration } from '../migration.js'
import { createMeta } from './0001-meta.js'
import { createAccounts } from './0002-accounts.js'
import { createIam } from './0003-iam.js'
import { createIamRoleDeletionTasks } from './0004-iam-role-deletion-tasks.js'
import { createIamMfaDrift } from './0005-iam-mfa-drift.js'
import { createKms } from './0006-kms.js'
import { createStsSessions } from './0007-sts-sessions.js'
import { createIamReports } from './0008-iam-reports.js'
import { createIamCredentials } from './0009-iam-credentials.js'
import { createIamServiceCredentials } from './0010-iam-service-credentials.js'
import { createKmsGrantTokens } from './0011-kms-grant-tokens.js'
import { createOrganizations } from './0012-organizations.js'
import { createS3 } from './0013-s3.js'
import { createCloudTrail } from './0014-cloudtrail.js'

// INVARIANT: ordered by id, and every migrations/NNNN-*.ts file is listed (index.test.ts checks both).
export const migrations: readonly Migration[] = [
  createMeta,
  createAccounts,
  createIam,
  createIamRoleDeletionTasks,
  createIamMfaDrift,
  createKms,
  createStsSessions,
  createIamReports,
  createIamCredentials,
  createIamServiceCredentials,
  createKmsGrantTokens,
  createOrganizations,
  createS3,
  createCloudTrail,
]
