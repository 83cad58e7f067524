// Where CloudTrail puts its files in the trail's bucket: log files under CloudTrail/, digest files under
// CloudTrail-Digest/, with the organization id in the path for organization trails
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html,
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html).

export interface FileOwner {
  /** The trail's S3KeyPrefix, if any. */
  readonly prefix?: string
  /** Set for an organization trail: `AWSLogs/O-ID/ACCOUNT/…`. */
  readonly organizationId?: string
  /** The account whose events the file holds. */
  readonly accountId: string
  /** The region of the events. */
  readonly region: string
}

/** `…/AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz` */
export function logFileKey(owner: FileOwner, at: Date, unique: string): string {
  const stamp = compact(at).slice(0, 13) + 'Z' // YYYYMMDDTHHmm
  return `${accountFolder(owner)}/CloudTrail/${owner.region}/${datePath(at)}/${owner.accountId}_CloudTrail_${owner.region}_${stamp}_${unique}.json.gz`
}

/** `…/AWSLogs/ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOMEREGION_YYYYMMDDTHHmmssZ.json.gz` */
export function digestFileKey(owner: FileOwner, trail: { name: string; homeRegion: string }, end: Date): string {
  const name = `${owner.accountId}_CloudTrail-Digest_${owner.region}_${trail.name}_${trail.homeRegion}_${compact(end)}Z.json.gz`
  return `${accountFolder(owner)}/CloudTrail-Digest/${owner.region}/${datePath(end)}/${name}`
}

/** The folder that holds an account's CloudTrail/ and CloudTrail-Digest/ folders. */
export function accountFolder(owner: Omit<FileOwner, 'region'>): string {
  const base = owner.organizationId === undefined ? `AWSLogs/${owner.accountId}` : `AWSLogs/${owner.organizationId}/${owner.accountId}`
  return owner.prefix ? `${owner.prefix}/${base}` : base
}

/** A time as digest files and their names show it: second precision, UTC. */
export function digestTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function datePath(at: Date): string {
  const iso = at.toISOString()
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`
}

/** YYYYMMDDTHHmmss */
function compact(at: Date): string {
  return at.toISOString().slice(0, 19).replace(/[-:]/g, '')
}
