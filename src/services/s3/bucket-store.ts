// BucketStore: the SQL for buckets and the account-level settings; every write notifies the bucket indexes.
import type { Database } from '../../storage/database.js'
import type { S3AccountSettingsRow, S3BucketRow } from '../../storage/migrations/0013-s3.js'
import type { Db } from '../../storage/schema.js'

export type { S3AccountSettingsRow, S3BucketRow }

/** The channel bucket indexes listen on; the payload is a bucket name, `account:<id>` or `*`. */
export const S3_BUCKETS_CHANGED = 's3.buckets'

/** The configuration columns: each holds one document as JSON text, null when not set. */
export type BucketConfigColumn = 'policy' | 'acl' | 'public_access_block' | 'ownership_controls' | 'encryption' | 'tags'

export type BucketConfigPatch = Partial<Pick<S3BucketRow, BucketConfigColumn | 'versioning'>>

export function bucketStore(database: Database) {
  return {
    /** DuplicateKeyError when the name is taken (by any account: bucket names are global). */
    async insertBucket(tx: Db, row: S3BucketRow): Promise<void> {
      await tx.insertInto('s3_buckets').values(row).execute()
      await database.notify(S3_BUCKETS_CHANGED, row.name)
    },

    async deleteBucket(tx: Db, name: string): Promise<void> {
      await tx.deleteFrom('s3_buckets').where('name', '=', name).execute()
      await database.notify(S3_BUCKETS_CHANGED, name)
    },

    /** Sets configuration columns of a bucket (null removes a document); the indexes reload the bucket. */
    async updateBucketConfig(tx: Db, name: string, patch: BucketConfigPatch): Promise<void> {
      if (Object.keys(patch).length === 0) return
      await tx.updateTable('s3_buckets').set(patch).where('name', '=', name).execute()
      await database.notify(S3_BUCKETS_CHANGED, name)
    },

    /** The account's Block Public Access document (null removes it). */
    async putAccountPublicAccessBlock(tx: Db, accountId: string, document: string | null): Promise<void> {
      await tx.deleteFrom('s3_account_settings').where('account_id', '=', accountId).execute()
      if (document !== null) await tx.insertInto('s3_account_settings').values({ account_id: accountId, public_access_block: document }).execute()
      await database.notify(S3_BUCKETS_CHANGED, `account:${accountId}`)
    },
  }
}

export type BucketStore = ReturnType<typeof bucketStore>

export async function loadBucketRows(db: Db, name?: string): Promise<S3BucketRow[]> {
  let query = db.selectFrom('s3_buckets').selectAll()
  if (name !== undefined) query = query.where('name', '=', name)
  return query.execute()
}

export async function loadAccountSettingsRows(db: Db, accountId?: string): Promise<S3AccountSettingsRow[]> {
  let query = db.selectFrom('s3_account_settings').selectAll()
  if (accountId !== undefined) query = query.where('account_id', '=', accountId)
  return query.execute()
}
