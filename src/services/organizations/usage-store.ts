// UsageStore: metered usage per account for consolidated billing — API requests per service per day (org_usage),
// and at report time what each account keeps: KMS keys and S3 stored bytes, counted from those services' tables.
import type { Db } from '../../storage/schema.js'

/** Requests one account made to one service on one UTC day. */
export interface DailyRequests {
  readonly accountId: string
  /** `2026-11-22` */
  readonly day: string
  /** The signing name: `iam`, `sts`, `kms`, `s3`, `organizations`, … */
  readonly service: string
  readonly requests: number
}

/** Adds each count to what is stored for its account, day and service. */
export async function addDailyRequests(db: Db, counts: readonly DailyRequests[]): Promise<void> {
  for (const count of counts) {
    await db.insertInto('org_usage')
      .values({ account_id: count.accountId, usage_date: count.day, service: count.service, requests: count.requests })
      .onConflict((conflict) => conflict.columns(['account_id', 'usage_date', 'service'])
        .doUpdateSet((eb) => ({ requests: eb('org_usage.requests', '+', eb.ref('excluded.requests')) })))
      .execute()
  }
}

/** Requests per account and service between two UTC days, both included; every account when `accountIds` is absent. */
export async function requestsBetween(db: Db, from: string, to: string, accountIds?: readonly string[]): Promise<Map<string, Map<string, number>>> {
  if (accountIds && accountIds.length === 0) return new Map()
  const rows = await db.selectFrom('org_usage')
    .select(['account_id', 'service', (eb) => eb.fn.sum<number | string>('requests').as('requests')])
    .where('usage_date', '>=', from).where('usage_date', '<=', to)
    .$if(accountIds !== undefined, (q) => q.where('account_id', 'in', [...accountIds!]))
    .groupBy(['account_id', 'service'])
    .execute()
  const byAccount = new Map<string, Map<string, number>>()
  for (const row of rows) {
    let services = byAccount.get(row.account_id)
    if (!services) byAccount.set(row.account_id, (services = new Map()))
    services.set(row.service, Number(row.requests))
  }
  return byAccount
}

/**
 * Customer managed KMS keys each account keeps now. Keys pending deletion are left out: AWS does not charge for a
 * key during its waiting period (https://aws.amazon.com/kms/pricing/).
 */
export async function kmsKeysPerAccount(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom('kms_keys')
    .select(['account_id', (eb) => eb.fn.countAll<number | string>().as('keys')])
    .where('key_state', '!=', 'PendingDeletion')
    .groupBy('account_id')
    .execute()
  return new Map(rows.map((row) => [row.account_id, Number(row.keys)]))
}

/**
 * Bytes each account stores in S3 now, counted for the bucket's owner: every object version (S3 bills each one) and
 * the parts of multipart uploads not yet completed or aborted (https://aws.amazon.com/s3/pricing/).
 */
export async function s3BytesPerAccount(db: Db): Promise<Map<string, number>> {
  const objects = await db.selectFrom('s3_objects')
    .innerJoin('s3_buckets', 's3_buckets.name', 's3_objects.bucket')
    .select(['s3_buckets.account_id as account_id', (eb) => eb.fn.sum<number | string>('s3_objects.size').as('bytes')])
    .where('s3_objects.is_delete_marker', '=', 0)
    .groupBy('s3_buckets.account_id')
    .execute()
  const parts = await db.selectFrom('s3_multipart_parts')
    .innerJoin('s3_buckets', 's3_buckets.name', 's3_multipart_parts.bucket')
    .select(['s3_buckets.account_id as account_id', (eb) => eb.fn.sum<number | string>('s3_multipart_parts.size').as('bytes')])
    .groupBy('s3_buckets.account_id')
    .execute()
  const bytes = new Map<string, number>()
  for (const row of [...objects, ...parts]) bytes.set(row.account_id, (bytes.get(row.account_id) ?? 0) + Number(row.bytes ?? 0))
  return bytes
}
