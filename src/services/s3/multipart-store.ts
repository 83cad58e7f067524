// MultipartStore: the SQL for multipart uploads and their parts (rows as migration 0013 defines them).
import type { S3MultipartPartRow, S3MultipartUploadRow } from '../../storage/migrations/0013-s3.js'
import type { Db } from '../../storage/schema.js'
import type { SealSetting } from './encryption/object-cipher.js'
import type { CustomerKeyFingerprint } from './encryption/sse-c.js'
import type { StoredSegment } from './object-files.js'
import type { ContentHeaders, ObjectEncryption, StoredChecksum } from './object-store.js'

export type UploadSeal = Exclude<SealSetting, { readonly kind: 'SSE-C' }> | ({ readonly kind: 'SSE-C' } & CustomerKeyFingerprint)

/** What CreateMultipartUpload fixed for the object CompleteMultipartUpload makes. */
export interface UploadSettings {
  readonly headers: ContentHeaders
  readonly metadata: Readonly<Record<string, string>>
  readonly tags: Readonly<Record<string, string>>
  readonly checksumAlgorithm?: StoredChecksum['algorithm']
  readonly checksumType?: StoredChecksum['type']
  readonly encryption: ObjectEncryption
  /**
   * How each part is encrypted, without a secret: SSE-S3 names none, SSE-KMS its key and context, SSE-C only a salted
   * HMAC of the customer key, which each part request must carry again.
   */
  readonly seal: UploadSeal
  readonly acl?: unknown
  /** The account that will own the completed object (Object Ownership, decided at create). */
  readonly owner?: string
}

export interface MultipartUpload {
  readonly bucket: string
  readonly uploadId: string
  readonly key: string
  readonly accountId: string
  readonly initiatorArn: string
  readonly initiated: Date
  readonly storageClass: string
  readonly settings: UploadSettings
}

export interface StoredPart {
  readonly partNumber: number
  readonly size: number
  readonly etag: string
  readonly lastModified: Date
  readonly checksum?: StoredChecksum
  readonly segment: StoredSegment
}

export function multipartStore(db: Db) {
  return {
    async insertUpload(upload: MultipartUpload): Promise<void> {
      await db.insertInto('s3_multipart_uploads').values({
        bucket: upload.bucket, upload_id: upload.uploadId, object_key: upload.key, account_id: upload.accountId,
        initiator_arn: upload.initiatorArn, initiated: upload.initiated.toISOString(), storage_class: upload.storageClass,
        settings: JSON.stringify(upload.settings),
      }).execute()
    },

    async upload(bucket: string, uploadId: string): Promise<MultipartUpload | undefined> {
      const row = await db.selectFrom('s3_multipart_uploads').selectAll().where('bucket', '=', bucket).where('upload_id', '=', uploadId).executeTakeFirst()
      return row && toUpload(row)
    },

    /** Uploads in (key, initiated) order after the markers. */
    async listUploads(bucket: string, options: { prefix: string; keyMarker: string; uploadIdMarker?: string; limit: number }): Promise<MultipartUpload[]> {
      let query = db.selectFrom('s3_multipart_uploads').selectAll().where('bucket', '=', bucket)
      const { keyMarker, uploadIdMarker } = options
      query = uploadIdMarker === undefined
        ? query.where('object_key', '>', keyMarker)
        : query.where((eb) => eb.or([eb('object_key', '>', keyMarker), eb.and([eb('object_key', '=', keyMarker), eb('upload_id', '>', uploadIdMarker)])]))
      if (options.prefix !== '') query = query.where('object_key', '>=', options.prefix).where('object_key', '<', `${options.prefix}\u{10FFFF}`)
      const rows = await query.orderBy('object_key').orderBy('upload_id').limit(options.limit).execute()
      return rows.map(toUpload)
    },

    /** Stores a part, replacing one with the same number; returns the replaced part's file. */
    async putPart(bucket: string, uploadId: string, part: StoredPart): Promise<string | undefined> {
      const old = await db.selectFrom('s3_multipart_parts').select('segment')
        .where('bucket', '=', bucket).where('upload_id', '=', uploadId).where('part_number', '=', part.partNumber).executeTakeFirst()
      if (old) {
        await db.deleteFrom('s3_multipart_parts').where('bucket', '=', bucket).where('upload_id', '=', uploadId).where('part_number', '=', part.partNumber).execute()
      }
      await db.insertInto('s3_multipart_parts').values({
        bucket, upload_id: uploadId, part_number: part.partNumber, size: part.size, etag: part.etag,
        last_modified: part.lastModified.toISOString(), checksum: part.checksum ? JSON.stringify(part.checksum) : null,
        segment: JSON.stringify(part.segment),
      }).execute()
      return old && (JSON.parse(old.segment) as StoredSegment).file
    },

    async parts(bucket: string, uploadId: string, options: { after?: number; limit?: number } = {}): Promise<StoredPart[]> {
      let query = db.selectFrom('s3_multipart_parts').selectAll().where('bucket', '=', bucket).where('upload_id', '=', uploadId)
      if (options.after !== undefined) query = query.where('part_number', '>', options.after)
      query = query.orderBy('part_number')
      if (options.limit !== undefined) query = query.limit(options.limit)
      return (await query.execute()).map(toPart)
    },

    /** Removes the upload and its parts; returns the part files. */
    async deleteUpload(bucket: string, uploadId: string): Promise<string[]> {
      const parts = await db.selectFrom('s3_multipart_parts').select('segment').where('bucket', '=', bucket).where('upload_id', '=', uploadId).execute()
      await db.deleteFrom('s3_multipart_parts').where('bucket', '=', bucket).where('upload_id', '=', uploadId).execute()
      await db.deleteFrom('s3_multipart_uploads').where('bucket', '=', bucket).where('upload_id', '=', uploadId).execute()
      return parts.map((part) => (JSON.parse(part.segment) as StoredSegment).file)
    },
  }
}

/** Aborts every upload of a bucket (DeleteBucket); returns the part files to delete after the commit. */
export async function abortUploadsOf(db: Db, bucket: string): Promise<string[]> {
  const parts = await db.selectFrom('s3_multipart_parts').select('segment').where('bucket', '=', bucket).execute()
  await db.deleteFrom('s3_multipart_parts').where('bucket', '=', bucket).execute()
  await db.deleteFrom('s3_multipart_uploads').where('bucket', '=', bucket).execute()
  return parts.map((part) => (JSON.parse(part.segment) as StoredSegment).file)
}

function toUpload(row: S3MultipartUploadRow): MultipartUpload {
  return {
    bucket: row.bucket, uploadId: row.upload_id, key: row.object_key, accountId: row.account_id, initiatorArn: row.initiator_arn,
    initiated: new Date(row.initiated), storageClass: row.storage_class, settings: JSON.parse(row.settings) as UploadSettings,
  }
}

function toPart(row: S3MultipartPartRow): StoredPart {
  return {
    partNumber: row.part_number, size: Number(row.size), etag: row.etag, lastModified: new Date(row.last_modified),
    ...(row.checksum !== null && { checksum: JSON.parse(row.checksum) as StoredChecksum }),
    segment: JSON.parse(row.segment) as StoredSegment,
  }
}
