// Which events a trail's selectors select: basic event selectors (management read/write, excluded sources, data
// resources) and advanced event selectors (field conditions), compiled once per trail into one predicate.
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html
import type { AdvancedEventSelector, AdvancedFieldSelector, EventSelector } from '../../generated/cloudtrail/types.js'
import type { TrailEvent } from './trail-ports.js'

export type EventPredicate = (event: TrailEvent) => boolean

/** A trail without selectors logs every management event, read and write (GetEventSelectors shows this one). */
export const DEFAULT_EVENT_SELECTORS: readonly EventSelector[] = [
  { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
]

export function compileSelectors(selectors: { eventSelectors?: readonly EventSelector[]; advancedEventSelectors?: readonly AdvancedEventSelector[] }): EventPredicate {
  if (selectors.advancedEventSelectors) {
    const compiled = selectors.advancedEventSelectors.map(compileAdvanced)
    return (event) => compiled.some((selects) => selects(event))
  }
  const compiled = (selectors.eventSelectors ?? DEFAULT_EVENT_SELECTORS).map(compileBasic)
  return (event) => compiled.some((selects) => selects(event))
}

/**
 * Whether the selectors may select any data event: basic selectors with DataResources, advanced selectors whose
 * eventCategory condition admits `Data`. Without one, the recorder builds no data event for the trail
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html).
 */
export function selectsDataEvents(selectors: { eventSelectors?: readonly EventSelector[]; advancedEventSelectors?: readonly AdvancedEventSelector[] }): boolean {
  if (selectors.advancedEventSelectors) {
    return selectors.advancedEventSelectors.some((selector) => selector.FieldSelectors
      .filter((field) => field.Field === 'eventCategory').every((field) => conditionMatcher(field)('Data')))
  }
  return (selectors.eventSelectors ?? DEFAULT_EVENT_SELECTORS).some((selector) => (selector.DataResources ?? []).length > 0)
}

export function isManagementEvent(event: TrailEvent): boolean {
  return event.eventCategory === undefined ? event.managementEvent !== false : event.eventCategory === 'Management'
}

function compileBasic(selector: EventSelector): EventPredicate {
  const readWrite = selector.ReadWriteType ?? 'All'
  const management = selector.IncludeManagementEvents ?? true
  const excluded = new Set(selector.ExcludeManagementEventSources ?? [])
  const dataResources = selector.DataResources ?? []
  return (event) => {
    if (readWrite !== 'All' && (readWrite === 'ReadOnly') !== (event.readOnly === true)) return false
    if (isManagementEvent(event)) return management && !excluded.has(event.eventSource)
    return dataResources.some((resource) => (event.resources ?? []).some((touched) =>
      touched.type === resource.Type && touched.ARN !== undefined && (resource.Values ?? []).some((value) => dataValueMatches(value, touched.ARN!))))
  }
}

/**
 * A DataResources value: `arn:aws:s3` (or `arn:aws:s3:::`) selects every bucket; `arn:aws:s3:::bucket/` a bucket,
 * `arn:aws:s3:::bucket/prefix` the objects under the prefix; other types take `arn:PARTITION:SERVICE` for all, else one
 * resource ARN (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DataResource.html).
 */
function dataValueMatches(value: string, arn: string): boolean {
  if (/^arn:[^:]+:[^:]+(:::)?$/.test(value)) return arn.startsWith(value.replace(/:::$/, '') + ':')
  if (value.startsWith('arn:') && /^arn:[^:]+:s3:::/.test(value)) return arn.startsWith(value)
  return arn === value
}

function compileAdvanced(selector: AdvancedEventSelector): EventPredicate {
  const fields = selector.FieldSelectors.map((field) => ({ values: fieldValues(field.Field), matches: conditionMatcher(field) }))
  return (event) => fields.every(({ values, matches }) => {
    const found = values(event)
    // A multi-valued field (resources.ARN) matches when one of its values meets every condition.
    return found.length === 0 ? matches(undefined) : found.some(matches)
  })
}

function fieldValues(field: string): (event: TrailEvent) => readonly string[] {
  const one = (value: unknown): string[] => (value === undefined || value === null ? [] : [String(value)])
  switch (field) {
    case 'eventCategory': return (event) => [isManagementEvent(event) ? 'Management' : String(event.eventCategory ?? 'Data')]
    case 'readOnly': return (event) => [String(event.readOnly === true)]
    case 'resources.type': return (event) => (event.resources ?? []).flatMap((resource) => one(resource.type))
    case 'resources.ARN': return (event) => (event.resources ?? []).flatMap((resource) => one(resource.ARN))
    case 'userIdentity.arn': return (event) => one(event.userIdentity?.arn)
    default: return (event) => one(event[field])
  }
}

function conditionMatcher(field: AdvancedFieldSelector): (value: string | undefined) => boolean {
  const any = (list: readonly string[] | undefined, test: (candidate: string) => boolean) => list === undefined || list.length === 0 || list.some(test)
  const none = (list: readonly string[] | undefined, test: (candidate: string) => boolean) => !(list ?? []).some(test)
  return (value) => {
    if (value === undefined) return !field.Equals?.length && !field.StartsWith?.length && !field.EndsWith?.length
    return any(field.Equals, (candidate) => value === candidate) &&
      any(field.StartsWith, (candidate) => value.startsWith(candidate)) &&
      any(field.EndsWith, (candidate) => value.endsWith(candidate)) &&
      none(field.NotEquals, (candidate) => value === candidate) &&
      none(field.NotStartsWith, (candidate) => value.startsWith(candidate)) &&
      none(field.NotEndsWith, (candidate) => value.endsWith(candidate))
  }
}
