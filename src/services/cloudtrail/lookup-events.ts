// LookupEvents: the event history — an account's management events of the last 90 days in the called region,
// newest first, by at most one lookup attribute and a time range
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html).
import { createHash } from 'node:crypto'
import type { Clock } from '../../core/clock.js'
import {
  InvalidLookupAttributesException,
  InvalidMaxResultsException,
  InvalidNextTokenException,
  InvalidTimeRangeException,
} from '../../generated/cloudtrail/errors.js'
import type { CloudtrailApi } from '../../generated/cloudtrail/api.js'
import type { Event, LookupAttribute } from '../../generated/cloudtrail/types.js'
import type { Database } from '../../storage/database.js'
import type { CloudTrailRecord } from './event-record.js'
import { lookupResourceName } from './event-kinds.js'
import { recordTime } from './record-members.js'
import { findEvents, type EventPosition, type EventQuery } from './event-search.js'
import type { LookupAttributeKey } from './event-store.js'
import { lookupUsername } from './user-identity.js'

/** Event history keeps 90 days (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events.html). */
export const EVENT_HISTORY_DAYS = 90
const DAY_MS = 86_400_000
const DEFAULT_MAX_RESULTS = 50

export interface LookupDeps {
  readonly database: Database
  readonly clock: Clock
  /** Writes the calls still waiting for their batch, so a lookup sees every call that finished before it. */
  readonly flushPending?: () => Promise<void>
}

export function lookupOperations(deps: LookupDeps): Pick<CloudtrailApi, 'LookupEvents'> {
  return {
    async LookupEvents(input, ctx) {
      const attribute = oneAttribute(input.LookupAttributes)
      const now = deps.clock.now()
      const oldest = new Date(now.getTime() - EVENT_HISTORY_DAYS * DAY_MS)
      const start = input.StartTime ?? oldest
      const end = input.EndTime ?? now
      if (start.getTime() > end.getTime()) {
        throw new InvalidTimeRangeException('Start time must be before end time.')
      }
      // Insights events are recorded only when Insights is enabled on a trail, which Palisade does not offer.
      if (input.EventCategory === 'insight') return { Events: [] }
      const limit = maxResults(input.MaxResults)
      const query: Omit<EventQuery, 'after' | 'limit'> = {
        accountId: ctx.accountId,
        region: ctx.region,
        attribute,
        // Records carry their time to the second: the bounds name whole seconds.
        from: recordTime(new Date(Math.max(start.getTime(), oldest.getTime()))),
        to: recordTime(end),
      }
      const queryHash = hashQuery(input.LookupAttributes, input.StartTime, input.EndTime)
      const after = input.NextToken === undefined ? undefined : readToken(input.NextToken, queryHash)
      await deps.flushPending?.()
      const found = await findEvents(deps.database.db, { ...query, after, limit: limit + 1 })
      const page = found.slice(0, limit)
      const last = page[page.length - 1]
      return {
        Events: page.map((event) => toEvent(event.record, event.json)),
        ...(found.length > limit && last && { NextToken: writeToken(last, queryHash) }),
      }
    },
  }
}

/**
 * "The number of events to return. Possible values are 1 through 50" (API_LookupEvents.html): outside that, AWS answers
 * InvalidMaxResultsException, "thrown if the limit specified is invalid", not a ValidationException (the model's
 * range is patched away, src/model/patches/cloudtrail.json, so the value reaches this check).
 */
function maxResults(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_RESULTS
  if (!Number.isInteger(value) || value < 1 || value > DEFAULT_MAX_RESULTS) {
    throw new InvalidMaxResultsException(`Value ${value} for MaxResults is invalid: it must be between 1 and ${DEFAULT_MAX_RESULTS}.`)
  }
  return value
}

const ATTRIBUTE_KEYS: ReadonlySet<string> = new Set<LookupAttributeKey>(['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'])

/** "Currently the list can contain only one item." */
function oneAttribute(attributes: readonly LookupAttribute[] | undefined): EventQuery['attribute'] {
  if (attributes === undefined || attributes.length === 0) return undefined
  if (attributes.length > 1) throw new InvalidLookupAttributesException('You cannot specify more than one lookup attribute.')
  const [{ AttributeKey: key, AttributeValue: value }] = attributes as [LookupAttribute]
  if (!ATTRIBUTE_KEYS.has(key)) throw new InvalidLookupAttributesException(`Lookup attribute key ${key} is not valid.`)
  if (key === 'ReadOnly' && value !== 'true' && value !== 'false') {
    throw new InvalidLookupAttributesException('The value of the ReadOnly lookup attribute must be true or false.')
  }
  return { key: key as LookupAttributeKey, value }
}

/** An Event of the response, from a stored record. */
function toEvent(record: CloudTrailRecord, json: string): Event {
  const username = lookupUsername(record.userIdentity)
  return {
    EventId: record.eventID,
    EventName: record.eventName,
    ReadOnly: String(record.readOnly),
    ...(record.userIdentity.accessKeyId !== undefined && { AccessKeyId: record.userIdentity.accessKeyId }),
    EventTime: new Date(record.eventTime),
    EventSource: record.eventSource,
    ...(username !== undefined && { Username: username }),
    Resources: (record.resources ?? []).map((resource) => ({ ResourceType: resource.type, ResourceName: lookupResourceName(resource) })),
    CloudTrailEvent: json,
  }
}

/**
 * A NextToken is the last event returned and a hash of the query it belongs to: "a token that was previously used in a
 * request with different parameters" is refused, as AWS does.
 */
function writeToken(after: EventPosition, queryHash: string): string {
  return Buffer.from(JSON.stringify({ t: after.time, b: after.batchId, o: after.offset, q: queryHash })).toString('base64url')
}

function readToken(token: string, queryHash: string): EventPosition {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  } catch {
    parsed = undefined
  }
  const { t, b, o, q } = (parsed ?? {}) as Record<string, unknown>
  if (typeof t !== 'string' || typeof b !== 'string' || typeof o !== 'number' || q !== queryHash || Number.isNaN(Date.parse(t))) {
    throw new InvalidNextTokenException('Invalid NextToken.')
  }
  return { time: t, batchId: b, offset: o }
}

function hashQuery(attributes: readonly LookupAttribute[] | undefined, start: Date | undefined, end: Date | undefined): string {
  return createHash('sha256').update(JSON.stringify([attributes ?? [], start?.getTime() ?? null, end?.getTime() ?? null])).digest('base64url').slice(0, 16)
}
