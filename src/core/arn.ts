// Arn: parsing and formatting of Amazon Resource Names (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).

export interface Arn {
  readonly partition: string
  readonly service: string
  readonly region: string
  readonly accountId: string
  /** Everything after the fifth colon, e.g. `user/path/name` or `bucket/key`. */
  readonly resource: string
}

/** Parses `arn:partition:service:region:account:resource`; undefined when it is not an ARN. */
export function parseArn(text: string): Arn | undefined {
  if (!text.startsWith('arn:')) return undefined
  const parts = text.split(':')
  if (parts.length < 6) return undefined
  const [, partition, service, region, accountId] = parts as [string, string, string, string, string]
  if (!partition || !service) return undefined
  return { partition, service, region, accountId, resource: parts.slice(5).join(':') }
}

export function formatArn(arn: Arn): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.accountId}:${arn.resource}`
}
