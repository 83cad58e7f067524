// Object-decided authorization: the operations the table defers (OBJECT_DECIDED) are decided here, once the object
// is looked up, with its ACL and tags, through the same authorization stage (ctx.authorize).
import type { OperationContext } from '../../../core/operation.js'
import type { S3Api } from '../../../generated/s3/api.js'
import { COPY_DECIDED, OBJECT_DECIDED, type ObjectFacts, type ObjectTarget } from '../authorization.js'
import { parseCopySource } from '../copy-source.js'
import { rememberLookup } from '../object-read.js'
import { objectStore, type StoredObject } from '../object-store.js'
import type { S3Deps } from '../s3-deps.js'
import { privateAcl } from './acl.js'
import { isStoredAcl } from './bucket-access.js'

type ObjectInput = { readonly Bucket: string; readonly Key: string; readonly VersionId?: string }

/** `handlers` with every object-decided operation authorized before it runs. */
export function withObjectAuthorization(handlers: Partial<S3Api>, deps: S3Deps, objectTarget: ObjectTarget): Partial<S3Api> {
  const wrapped: Record<string, unknown> = { ...handlers }
  for (const operation of OBJECT_DECIDED) {
    const handler = handlers[operation] as ((input: ObjectInput, ctx: OperationContext) => Promise<unknown>) | undefined
    if (!handler) continue
    wrapped[operation] = async (input: ObjectInput, ctx: OperationContext) => {
      // INVARIANT: the pipeline always gives ctx.authorize; without it the call must not run unchecked.
      if (!ctx.authorize) throw new Error(`${operation} needs the authorization stage`)
      // The context carries the call's facts (caller, account, region, partition) itself.
      const object = await liveObject(deps, input)
      ctx.authorize(objectTarget(operation, input as never, ctx, object && factsOf(object)))
      if (object) rememberLookup(input, object)
      return handler(input, ctx)
    }
  }
  // Copies read their source: s3:GetObject(Version) on it, with the source bucket's policies and the source object's
  // ACL and tags (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html, "Permissions").
  for (const operation of COPY_DECIDED) {
    const handler = wrapped[operation] as ((input: { CopySource: string }, ctx: OperationContext) => Promise<unknown>) | undefined
    if (!handler) continue
    wrapped[operation] = async (input: { CopySource: string }, ctx: OperationContext) => {
      if (!ctx.authorize) throw new Error(`${operation} needs the authorization stage`)
      // The handler's own parser (InvalidArgument for a bad header), so both read the same source.
      const parsed = parseCopySource(input.CopySource)
      const source = { Bucket: parsed.bucket, Key: parsed.key, ...(parsed.versionId !== undefined && { VersionId: parsed.versionId }) }
      const object = await liveObject(deps, source)
      ctx.authorize(objectTarget('GetObject', source as never, ctx, object && factsOf(object)))
      if (object) rememberLookup(input, object) // readCopySource reads this row rather than the source again
      return handler(input, ctx)
    }
  }
  return wrapped as Partial<S3Api>
}

/** The object (or version) the input names, or undefined when it does not exist or is a delete marker. */
async function liveObject(deps: S3Deps, input: ObjectInput): Promise<StoredObject | undefined> {
  if (!deps.buckets.get(input.Bucket)) return undefined
  const store = objectStore(deps.database.db)
  const object = input.VersionId === undefined ? await store.latest(input.Bucket, input.Key) : await store.version(input.Bucket, input.Key, input.VersionId).catch(() => undefined)
  return object && !object.isDeleteMarker ? object : undefined
}

/** What authorization weighs of an object: its ACL and tags. */
function factsOf(object: StoredObject): ObjectFacts {
  return { acl: isStoredAcl(object.acl) ? object.acl : privateAcl(object.ownerAccountId), tags: object.tags }
}
