// A trail as CloudTrail's responses show it (GetTrail, DescribeTrails, CreateTrail, UpdateTrail).
import type { CreateTrailResponse, Trail as TrailShape } from '../../generated/cloudtrail/types.js'
import type { Trail } from './trails-store.js'

export function toTrailShape(trail: Trail): TrailShape {
  return {
    ...toTrailSettings(trail),
    HomeRegion: trail.homeRegion,
    HasCustomEventSelectors: trail.eventSelectors !== undefined || trail.advancedEventSelectors !== undefined,
    HasInsightSelectors: false,
  }
}

/** CreateTrail's and UpdateTrail's response: the settings, without HomeRegion and the Has* flags. */
export function toTrailSettings(trail: Trail): CreateTrailResponse {
  return {
    Name: trail.name,
    S3BucketName: trail.s3BucketName,
    ...(trail.s3KeyPrefix !== undefined && { S3KeyPrefix: trail.s3KeyPrefix }),
    ...(trail.snsTopicName !== undefined && { SnsTopicName: trail.snsTopicName, SnsTopicARN: snsTopicArn(trail, trail.snsTopicName) }),
    IncludeGlobalServiceEvents: trail.includeGlobalServiceEvents,
    IsMultiRegionTrail: trail.isMultiRegionTrail,
    TrailARN: trail.arn,
    LogFileValidationEnabled: trail.logFileValidationEnabled,
    ...(trail.cloudWatchLogsLogGroupArn !== undefined && { CloudWatchLogsLogGroupArn: trail.cloudWatchLogsLogGroupArn }),
    ...(trail.cloudWatchLogsRoleArn !== undefined && { CloudWatchLogsRoleArn: trail.cloudWatchLogsRoleArn }),
    ...(trail.kmsKeyId !== undefined && { KmsKeyId: trail.kmsKeyId }),
    IsOrganizationTrail: trail.isOrganizationTrail,
  }
}

function snsTopicArn(trail: Trail, topic: string): string {
  if (topic.startsWith('arn:')) return topic
  const partition = trail.arn.split(':')[1]
  return `arn:${partition}:sns:${trail.homeRegion}:${trail.accountId}:${topic}`
}
