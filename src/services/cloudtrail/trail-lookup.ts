// Finding the trail a `Name`/`TrailName` parameter names (a name in the caller's region, or a trail ARN), and
// AWS's rules for trail names (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html#awscloudtrail-CreateTrail-request-Name).
import type { OperationContext } from '../../core/operation.js'
import { CloudTrailARNInvalidException, InvalidHomeRegionException, InvalidTrailNameException, TrailNotFoundException } from '../../generated/cloudtrail/errors.js'
import type { IndexedTrail, TrailIndex } from './trails-index.js'
import { trailArn } from './trails-store.js'

const TRAIL_ARN = /^arn:([^:]+):cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/

export interface TrailName {
  readonly accountId: string
  readonly region: string
  readonly name: string
}

/** What `parameter` names: a trail ARN's parts, or a name in the caller's account and region. */
export function parseTrailName(parameter: string, ctx: Pick<OperationContext, 'accountId' | 'region'>): TrailName {
  if (parameter.startsWith('arn:')) {
    const match = TRAIL_ARN.exec(parameter)
    if (!match) {
      throw new CloudTrailARNInvalidException(`ARN ${parameter} is not valid. The following is the format of a trail ARN: arn:aws:cloudtrail:us-east-2:123456789012:trail/MyTrail.`)
    }
    return { accountId: match[3]!, region: match[2]!, name: match[4]! }
  }
  checkTrailName(parameter)
  return { accountId: ctx.accountId, region: ctx.region, name: parameter }
}

export function requireTrail(trails: TrailIndex, parameter: string, ctx: OperationContext): IndexedTrail {
  const named = parseTrailName(parameter, ctx)
  const trail = named.accountId === ctx.accountId ? trails.get(named.accountId, named.region, named.name) : undefined
  if (!trail) {
    throw new TrailNotFoundException(`Unknown trail: ${trailArn(trails.partition, { accountId: named.accountId, homeRegion: named.region, name: named.name })} for the user: ${ctx.accountId}`)
  }
  return trail
}

/** A trail changes only through its home region (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html). */
export function requireHomeRegion(trail: IndexedTrail, ctx: OperationContext): void {
  if (trail.homeRegion !== ctx.region) {
    throw new InvalidHomeRegionException(`This operation must be called from the trail's home region, ${trail.homeRegion}.`)
  }
}

/**
 * 3–128 ASCII letters, digits, periods, underscores and dashes; starting and ending with a letter or digit; no two
 * of `._-` adjacent; not an IP address.
 */
export function checkTrailName(name: string): void {
  if (name.length < 3) throw new InvalidTrailNameException(`Trail name too short. Minimum allowed length: 3 characters. Specified name length: ${name.length} characters.`)
  if (name.length > 128) throw new InvalidTrailNameException(`Trail name too long. Maximum allowed length: 128 characters. Specified name length: ${name.length} characters.`)
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new InvalidTrailNameException('Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).')
  if (!/^[A-Za-z0-9]/.test(name) || !/[A-Za-z0-9]$/.test(name)) throw new InvalidTrailNameException('Trail name must start and end with a letter or number.')
  if (/[._-]{2}/.test(name)) throw new InvalidTrailNameException('Trail name cannot contain consecutive characters of periods (.), hyphens (-), or underscores (_).')
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) throw new InvalidTrailNameException('Trail name cannot be formatted as an IP address.')
}
