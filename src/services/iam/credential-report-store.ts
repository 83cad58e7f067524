// CredentialReportStore: each account's latest credential report (iam_credential_reports), replaced on generation.
import { fromDbTimestamp, toDbTimestamp } from '../../storage/columns.js'
import type { Db } from '../../storage/schema.js'

export interface StoredCredentialReport {
  readonly generatedAt: Date
  /** The CSV text. */
  readonly content: string
}

export async function findCredentialReport(db: Db, accountId: string): Promise<StoredCredentialReport | undefined> {
  const row = await db.selectFrom('iam_credential_reports').selectAll().where('account_id', '=', accountId).executeTakeFirst()
  return row && { generatedAt: fromDbTimestamp(row.generated_at), content: row.content }
}

export async function saveCredentialReport(db: Db, accountId: string, report: StoredCredentialReport): Promise<void> {
  const values = { generated_at: toDbTimestamp(report.generatedAt), content: report.content }
  await db.insertInto('iam_credential_reports').values({ account_id: accountId, ...values })
    .onConflict((conflict) => conflict.column('account_id').doUpdateSet(values))
    .execute()
}
