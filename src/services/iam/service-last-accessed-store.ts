// ServiceAccessStore: each principal's last authenticated call per action (iam_service_access) and the
// service-last-accessed jobs (iam_access_report_jobs).
import { fromDbTimestamp, toDbTimestamp } from '../../storage/columns.js'
import type { Db } from '../../storage/schema.js'

/** One principal's last call to one action. */
export interface ServiceAccess {
  readonly accountId: string
  /** An IAM user's ARN, or a role's for its sessions. */
  readonly principalArn: string
  /** As the call named it: `s3:GetObject`. */
  readonly action: string
  readonly at: Date
  readonly region: string
}

export interface AccessReportJob {
  readonly jobId: string
  readonly accountId: string
  readonly entityArn: string
  readonly granularity: 'SERVICE_LEVEL' | 'ACTION_LEVEL'
  readonly createdAt: Date
  readonly completedAt?: Date
  /** The report, JSON (service-last-accessed.ts defines it). */
  readonly reportJson?: string
}

/** The service namespace of an action: `s3` for `s3:GetObject`. */
export function serviceOf(action: string): string {
  return action.slice(0, action.indexOf(':')).toLowerCase()
}

/** Stores each access unless a later one of the same principal and action is stored already. */
export async function recordServiceAccesses(db: Db, accesses: readonly ServiceAccess[]): Promise<void> {
  for (const access of accesses) {
    const at = toDbTimestamp(access.at)
    const changes = { action: access.action, last_accessed_at: at, region: access.region }
    await db.insertInto('iam_service_access')
      .values({ account_id: access.accountId, principal_arn: access.principalArn, action_key: access.action.toLowerCase(), service: serviceOf(access.action), ...changes })
      .onConflict((conflict) => conflict.columns(['account_id', 'principal_arn', 'action_key']).doUpdateSet(changes)
        .where('iam_service_access.last_accessed_at', '<', at))
      .execute()
  }
}

/** Every recorded access of these principals. */
export async function serviceAccessesOf(db: Db, accountId: string, principalArns: readonly string[]): Promise<ServiceAccess[]> {
  if (principalArns.length === 0) return []
  const rows = await db.selectFrom('iam_service_access').selectAll()
    .where('account_id', '=', accountId).where('principal_arn', 'in', [...principalArns])
    .execute()
  return rows.map((row) => ({ accountId, principalArn: row.principal_arn, action: row.action, at: fromDbTimestamp(row.last_accessed_at), region: row.region }))
}

export async function insertAccessReportJob(db: Db, job: AccessReportJob): Promise<void> {
  await db.insertInto('iam_access_report_jobs').values({
    job_id: job.jobId,
    account_id: job.accountId,
    entity_arn: job.entityArn,
    granularity: job.granularity,
    created_at: toDbTimestamp(job.createdAt),
    completed_at: job.completedAt ? toDbTimestamp(job.completedAt) : null,
    report_json: job.reportJson ?? null,
  }).execute()
}

/** The account's job with this id; another account's job is not found. */
export async function findAccessReportJob(db: Db, accountId: string, jobId: string): Promise<AccessReportJob | undefined> {
  const row = await db.selectFrom('iam_access_report_jobs').selectAll().where('job_id', '=', jobId).where('account_id', '=', accountId).executeTakeFirst()
  return row && {
    jobId: row.job_id,
    accountId: row.account_id,
    entityArn: row.entity_arn,
    granularity: row.granularity as AccessReportJob['granularity'],
    createdAt: fromDbTimestamp(row.created_at),
    ...(row.completed_at !== null && { completedAt: fromDbTimestamp(row.completed_at) }),
    ...(row.report_json !== null && { reportJson: row.report_json }),
  }
}
