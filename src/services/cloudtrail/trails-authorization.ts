// What each trail operation touches, for the authorization stage: the trail's ARN and its tags
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html).
import type { AuthorizationTable, AuthorizationTarget, CallFacts, ContextValues } from '../../core/authorization-target.js'
import type { CloudtrailApi } from '../../generated/cloudtrail/api.js'
import type { Tag } from '../../generated/cloudtrail/types.js'
import type { TrailIndex } from './trails-index.js'
import { trailArn } from './trails-store.js'

export type TrailOperationName =
  | 'CreateTrail' | 'UpdateTrail' | 'DeleteTrail' | 'GetTrail' | 'DescribeTrails' | 'ListTrails' | 'StartLogging' | 'StopLogging'
  | 'GetTrailStatus' | 'PutEventSelectors' | 'GetEventSelectors' | 'GetInsightSelectors' | 'AddTags' | 'RemoveTags' | 'ListTags'
  | 'ListPublicKeys'

export function trailAuthorization(trails: TrailIndex): AuthorizationTable<Pick<CloudtrailApi, TrailOperationName>> {
  /** The ARN a Name/TrailName/ResourceId parameter names, and the trail's tags when it exists. */
  const onTrail = (action: string, parameter: string | undefined, call: CallFacts, context: ContextValues = {}): AuthorizationTarget => {
    if (parameter === undefined) return { action: `cloudtrail:${action}`, resources: ['*'], context }
    const match = /^arn:[^:]+:cloudtrail:([^:]+):(\d{12}):trail\/(.+)$/.exec(parameter)
    const named = match ? { homeRegion: match[1]!, accountId: match[2]!, name: match[3]! } : { homeRegion: call.region, accountId: call.accountId, name: parameter }
    const trail = trails.get(named.accountId, named.homeRegion, named.name)
    const resourceTags = Object.fromEntries(Object.entries(trail?.tags ?? {}).map(([key, value]) => [`aws:ResourceTag/${key}`, value]))
    return { action: `cloudtrail:${action}`, resources: [trailArn(call.partition, named)], context: { ...resourceTags, ...context } }
  }
  const anywhere = (action: string): AuthorizationTarget => ({ action: `cloudtrail:${action}`, resources: ['*'] })

  return {
    CreateTrail: (input, call) => onTrail('CreateTrail', input.Name, call, requestTags(input.TagsList)),
    UpdateTrail: (input, call) => onTrail('UpdateTrail', input.Name, call),
    DeleteTrail: (input, call) => onTrail('DeleteTrail', input.Name, call),
    GetTrail: (input, call) => onTrail('GetTrail', input.Name, call),
    DescribeTrails: () => anywhere('DescribeTrails'),
    ListTrails: () => anywhere('ListTrails'),
    StartLogging: (input, call) => onTrail('StartLogging', input.Name, call),
    StopLogging: (input, call) => onTrail('StopLogging', input.Name, call),
    GetTrailStatus: (input, call) => onTrail('GetTrailStatus', input.Name, call),
    PutEventSelectors: (input, call) => onTrail('PutEventSelectors', input.TrailName, call),
    GetEventSelectors: (input, call) => onTrail('GetEventSelectors', input.TrailName, call),
    GetInsightSelectors: (input, call) => onTrail('GetInsightSelectors', input.TrailName, call),
    AddTags: (input, call) => onTrail('AddTags', input.ResourceId, call, requestTags(input.TagsList)),
    RemoveTags: (input, call) => onTrail('RemoveTags', input.ResourceId, call, { 'aws:TagKeys': input.TagsList.map((tag) => tag.Key) }),
    ListTags: (input, call) => (input.ResourceIdList.length === 0
      ? anywhere('ListTags')
      : { ...onTrail('ListTags', input.ResourceIdList[0], call), resources: input.ResourceIdList.map((id) => onTrail('ListTags', id, call).resources[0]!) }),
    ListPublicKeys: () => anywhere('ListPublicKeys'),
  }
}

function requestTags(tags: readonly Tag[] | undefined): ContextValues {
  if (!tags?.length) return {}
  return {
    ...Object.fromEntries(tags.map((tag) => [`aws:RequestTag/${tag.Key}`, tag.Value ?? ''])),
    'aws:TagKeys': tags.map((tag) => tag.Key),
  }
}
