// ObjectStore: the SQL for object versions (rows as migration 0013 defines them), mapped to StoredObject.
import type { Compilable, CompiledQuery } from 'kysely'
import type { S3ObjectRow } from '../../storage/migrations/0013-s3.js'
import type { Db } from '../../storage/schema.js'
import type { StoredSegment } from './object-files.js'
import { noSuchBucket } from './s3-errors.js'

export interface ContentHeaders {
  readonly ContentType?: string
  readonly CacheControl?: string
  readonly ContentDisposition?: string
  readonly ContentEncoding?: string
  readonly ContentLanguage?: string
  /** As sent (an HTTP date). */
  readonly Expires?: string
  readonly WebsiteRedirectLocation?: string
}

export interface StoredChecksum {
  readonly algorithm: 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256'
  readonly value: string
  /** FULL_OBJECT, or COMPOSITE for a multipart object's checksum of part checksums (value ends in -N). */
  readonly type: 'FULL_OBJECT' | 'COMPOSITE'
}

/** Encryption as the object reports it (x-amz-server-side-encryption and, for SSE-KMS, the key). */
export interface ObjectEncryption {
  readonly ServerSideEncryption: string
  readonly SSEKMSKeyId?: string
  readonly BucketKeyEnabled?: boolean
  /** SSE-C: AES256 and the base64 MD5 of the customer's key (the key itself is never kept). */
  readonly SSECustomerAlgorithm?: string
  readonly SSECustomerKeyMD5?: string
}

export interface StoredObject {
  readonly bucket: string
  readonly key: string
  /** 'null' for objects written while versioning was never enabled or suspended. */
  readonly versionId: string
  readonly sequence: string
  readonly ownerAccountId: string
  readonly isLatest: boolean
  readonly isDeleteMarker: boolean
  readonly size: number
  readonly etag: string
  readonly lastModified: Date
  readonly storageClass: string
  readonly headers: ContentHeaders
  readonly metadata: Readonly<Record<string, string>>
  readonly tags: Readonly<Record<string, string>>
  readonly checksum?: StoredChecksum
  readonly segments: readonly StoredSegment[]
  readonly encryption: ObjectEncryption
  readonly acl?: unknown
  readonly partsCount?: number
}

/** The store over `db`: made once per handle (every GET and HEAD asks for one; it holds nothing but `db`). */
export function objectStore(db: Db): ObjectStore {
  let store = stores.get(db)
  if (!store) {
    store = storeOver(db)
    stores.set(db, store)
  }
  return store
}

const stores = new WeakMap<Db, ObjectStore>()

function storeOver(db: Db) {
  const versions = (bucket: string, key: string) =>
    db.selectFrom('s3_objects').selectAll().where('bucket', '=', bucket).where('object_key', '=', key)

  return {
    // Every GET and HEAD runs one of these two: compiled once per handle (see compiledOnce).
    async latest(bucket: string, key: string): Promise<StoredObject | undefined> {
      const { rows: [row] } = await db.executeQuery(latestQuery(db, [bucket, key]))
      return row && toObject(row)
    },

    async version(bucket: string, key: string, versionId: string): Promise<StoredObject | undefined> {
      const { rows: [row] } = await db.executeQuery(versionQuery(db, [bucket, key, versionId]))
      return row && toObject(row)
    },

    /**
     * Adds a version as the key's latest. `replaceNull`: the write replaces the key's 'null' version (unversioned or
     * suspended buckets), whose data files are returned for deletion after the commit.
     */
    async insertLatest(object: StoredObject, replaceNull: boolean): Promise<string[]> {
      // The bucket may have been deleted while the bytes arrived: its objects must not outlive it.
      const bucket = await db.selectFrom('s3_buckets').select('name').where('name', '=', object.bucket).executeTakeFirst()
      if (!bucket) throw noSuchBucket(object.bucket)
      const freed: string[] = []
      if (replaceNull) {
        // One statement: the row goes, its files are named for deletion.
        const old = await db.deleteFrom('s3_objects').where('bucket', '=', object.bucket).where('object_key', '=', object.key)
          .where('version_id', '=', 'null').returning('segments').executeTakeFirst()
        if (old) freed.push(...segmentFiles(old.segments))
      }
      await db.updateTable('s3_objects').set({ is_latest: 0 })
        .where('bucket', '=', object.bucket).where('object_key', '=', object.key).where('is_latest', '=', 1).execute()
      await db.insertInto('s3_objects').values(toRow(object)).execute()
      return freed
    },

    /** Removes one version; when it was the latest, the newest remaining version becomes latest. Returns its files. */
    async deleteVersion(bucket: string, key: string, versionId: string): Promise<string[]> {
      const row = await versions(bucket, key).where('version_id', '=', versionId).executeTakeFirst()
      if (!row) return []
      await db.deleteFrom('s3_objects').where('bucket', '=', bucket).where('object_key', '=', key).where('version_id', '=', versionId).execute()
      if (row.is_latest === 1) {
        const next = await versions(bucket, key).orderBy('sequence', 'desc').limit(1).executeTakeFirst()
        if (next) {
          await db.updateTable('s3_objects').set({ is_latest: 1 })
            .where('bucket', '=', bucket).where('object_key', '=', key).where('version_id', '=', next.version_id).execute()
        }
      }
      return segmentFiles(row.segments)
    },

    async setTags(bucket: string, key: string, versionId: string, tags: Readonly<Record<string, string>>): Promise<void> {
      await db.updateTable('s3_objects').set({ tags: JSON.stringify(tags) })
        .where('bucket', '=', bucket).where('object_key', '=', key).where('version_id', '=', versionId).execute()
    },

    /** Updates an object's ACL (S3-security's PutObjectAcl). */
    async setAcl(bucket: string, key: string, versionId: string, acl: unknown): Promise<void> {
      await db.updateTable('s3_objects').set({ acl: acl === undefined ? null : JSON.stringify(acl) })
        .where('bucket', '=', bucket).where('object_key', '=', key).where('version_id', '=', versionId).execute()
    },

    async bucketHasObjects(bucket: string): Promise<boolean> {
      const row = await db.selectFrom('s3_objects').select('object_key').where('bucket', '=', bucket).limit(1).executeTakeFirst()
      return row !== undefined
    },

    /** Current objects (not delete markers) with keys after `after` and starting with `prefix`, in key order. */
    async listLatest(bucket: string, options: { prefix: string; after: string; limit: number }): Promise<StoredObject[]> {
      let query = db.selectFrom('s3_objects').selectAll().where('bucket', '=', bucket).where('is_latest', '=', 1)
        .where('is_delete_marker', '=', 0).where('object_key', '>', options.after)
      if (options.prefix !== '') query = query.where('object_key', '>=', options.prefix).where('object_key', '<', prefixEnd(options.prefix))
      const rows = await query.orderBy('object_key').limit(options.limit).execute()
      return rows.map(toObject)
    },

    /**
     * Versions and delete markers in (key, newest first) order, from the position after (`keyMarker`,
     * `sequenceMarker`): later keys, or the same key's older versions.
     */
    async listVersions(bucket: string, options: { prefix: string; keyMarker: string; sequenceMarker?: string; limit: number }): Promise<StoredObject[]> {
      let query = db.selectFrom('s3_objects').selectAll().where('bucket', '=', bucket)
      const { keyMarker, sequenceMarker } = options
      query = sequenceMarker === undefined
        ? query.where('object_key', '>', keyMarker)
        : query.where((eb) => eb.or([
            eb('object_key', '>', keyMarker),
            eb.and([eb('object_key', '=', keyMarker), eb('sequence', '<', sequenceMarker)]),
          ]))
      if (options.prefix !== '') query = query.where('object_key', '>=', options.prefix).where('object_key', '<', prefixEnd(options.prefix))
      const rows = await query.orderBy('object_key').orderBy('sequence', 'desc').limit(options.limit).execute()
      return rows.map(toObject)
    },

    /** Every data file an object version names (the orphan sweep keeps these). */
    async referencedFiles(): Promise<string[]> {
      const rows = await db.selectFrom('s3_objects').select('segments').execute()
      const parts = await db.selectFrom('s3_multipart_parts').select('segment').execute()
      return [...rows.flatMap((row) => segmentFiles(row.segments)), ...parts.map((part) => (JSON.parse(part.segment) as StoredSegment).file)]
    },
  }
}

export type ObjectStore = ReturnType<typeof storeOver>

const latestQuery = compiledOnce((db, [bucket, key]: [string, string]) =>
  db.selectFrom('s3_objects').selectAll().where('bucket', '=', bucket).where('object_key', '=', key).where('is_latest', '=', 1).limit(1))
const versionQuery = compiledOnce((db, [bucket, key, versionId]: [string, string, string]) =>
  db.selectFrom('s3_objects').selectAll().where('bucket', '=', bucket).where('object_key', '=', key).where('version_id', '=', versionId).limit(1))

/**
 * A query kysely builds and compiles once per database handle, then runs with the caller's values in place of its
 * parameters: building and compiling it per call cost about as much as SQLite running it. The query is compiled with
 * marker values, and each marker's position among the compiled parameters is where the caller's value goes.
 */
function compiledOnce<A extends string[]>(build: (db: Db, args: A) => Compilable<S3ObjectRow>) {
  const compiled = new WeakMap<Db, { query: CompiledQuery<S3ObjectRow>; slots: number[] }>()
  return (db: Db, args: A): CompiledQuery<S3ObjectRow> => {
    let template = compiled.get(db)
    if (!template) {
      const markers = args.map((_, index) => `\u0000parameter ${index}`) as A
      const query = build(db, markers).compile()
      const slots = query.parameters.map((parameter) => markers.indexOf(parameter as string))
      // INVARIANT: every value is a parameter of the compiled query (none inlined into its text), or it would be lost.
      if (markers.some((_, index) => !slots.includes(index))) throw new Error(`a value of \`${query.sql}\` is not a parameter`)
      template = { query, slots }
      compiled.set(db, template)
    }
    const { query, slots } = template
    return { ...query, parameters: slots.map((slot, index) => (slot === -1 ? query.parameters[index] : args[slot])) }
  }
}

/** The smallest string greater than every string that starts with `prefix` (UTF-8 byte order). */
export function prefixEnd(prefix: string): string {
  return `${prefix}\u{10FFFF}`
}

function segmentFiles(segments: string): string[] {
  return (JSON.parse(segments) as StoredSegment[]).map((segment) => segment.file)
}

function toRow(object: StoredObject): S3ObjectRow {
  return {
    bucket: object.bucket,
    object_key: object.key,
    version_id: object.versionId,
    sequence: object.sequence,
    account_id: object.ownerAccountId,
    is_latest: 1,
    is_delete_marker: object.isDeleteMarker ? 1 : 0,
    size: object.size,
    etag: object.etag,
    last_modified: object.lastModified.toISOString(),
    storage_class: object.storageClass,
    headers: JSON.stringify({ headers: object.headers, metadata: object.metadata }),
    tags: JSON.stringify(object.tags),
    checksum: object.checksum ? JSON.stringify(object.checksum) : null,
    segments: JSON.stringify(object.segments),
    encryption: JSON.stringify(object.encryption),
    acl: object.acl === undefined ? null : JSON.stringify(object.acl),
    parts_count: object.partsCount ?? null,
  }
}

function toObject(row: S3ObjectRow): StoredObject {
  const { headers, metadata } = JSON.parse(row.headers) as { headers: ContentHeaders; metadata: Record<string, string> }
  return {
    bucket: row.bucket,
    key: row.object_key,
    versionId: row.version_id,
    sequence: row.sequence,
    ownerAccountId: row.account_id,
    isLatest: row.is_latest === 1,
    isDeleteMarker: row.is_delete_marker === 1,
    size: Number(row.size), // PostgreSQL returns bigint as text
    etag: row.etag,
    lastModified: new Date(row.last_modified),
    storageClass: row.storage_class,
    headers,
    metadata,
    tags: JSON.parse(row.tags) as Record<string, string>,
    ...(row.checksum !== null && { checksum: JSON.parse(row.checksum) as StoredChecksum }),
    segments: JSON.parse(row.segments) as StoredSegment[],
    encryption: JSON.parse(row.encryption) as ObjectEncryption,
    ...(row.acl !== null && { acl: JSON.parse(row.acl) as unknown }),
    ...(row.parts_count !== null && { partsCount: row.parts_count }),
  }
}
