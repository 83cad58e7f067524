// Session policies and session tags: validated, resolved to documents, and measured as AWS's packed size.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
import { deflateRawSync } from 'node:zlib'
import { AwsError } from '../../core/aws-error.js'
import { InvalidParameterValueError } from '../../core/common-errors.js'
import { MalformedPolicyDocumentException, PackedPolicyTooLargeException } from '../../generated/sts/errors.js'
import type { PolicyDescriptorType, Tag } from '../../generated/sts/types.js'
import { parsePolicy, PolicySyntaxError } from '../../policy/index.js'
import type { Db } from '../../storage/schema.js'
import { managedPolicyDocument } from '../iam/index.js'

/** "You can pass … up to 10 managed policy ARNs" (AssumeRole API reference, PolicyArns). */
export const MAX_POLICY_ARNS = 10

/**
 * The packed (compressed) size allowed for session policies, policy ARNs and session tags together. AWS does not
 * publish its packing; Palisade deflates the minified policy, the ARNs and the tags and allows this many bytes, so a
 * typical 2,048-character policy fits and an incompressible one does not.
 */
export const PACKED_SIZE_LIMIT = 1024

export interface SessionPolicyInput {
  readonly Policy?: string
  readonly PolicyArns?: readonly PolicyDescriptorType[]
  readonly Tags?: readonly Tag[]
}

export interface SessionPolicies {
  /** `{ id, document }` per policy: the inline one first, then each ARN's default version. */
  readonly policies?: readonly { readonly id: string; readonly document: string }[]
  /** PackedPolicySize: the percentage of the packed limit used; undefined when nothing was passed. */
  readonly packedPolicySize?: number
}

/**
 * Checks the inline policy (MalformedPolicyDocument), the number of ARNs, and the packed size
 * (PackedPolicyTooLarge, in AWS's words: https://repost.aws/knowledge-center/iam-role-aws-sts-error), then reads
 * each managed policy's document in `policyAccountId` (customer policies must be in that account). An ARN that
 * names no policy becomes a session policy that allows nothing: a session policy can only ever narrow.
 */
export async function sessionPolicies(db: Db, policyAccountId: string, input: SessionPolicyInput): Promise<SessionPolicies> {
  const arns = (input.PolicyArns ?? []).map((descriptor) => descriptor.arn ?? '')
  if (arns.length > MAX_POLICY_ARNS) {
    throw new AwsError('ValidationError', 400, `1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_ARNS}`)
  }
  let minified: string | undefined
  if (input.Policy !== undefined) {
    try {
      parsePolicy(input.Policy, 'session')
    } catch (error) {
      if (error instanceof PolicySyntaxError) throw new MalformedPolicyDocumentException(error.message)
      throw error
    }
    minified = JSON.stringify(JSON.parse(input.Policy))
  }
  const packed = packedSize(minified, arns, input.Tags ?? [])
  if (packed.policies + packed.tags > PACKED_SIZE_LIMIT) {
    const percent = Math.ceil(((packed.policies + packed.tags) * 100) / PACKED_SIZE_LIMIT)
    throw new PackedPolicyTooLargeException(packed.tags > packed.policies
      ? `Packed size of session tags consumes ${percent}% of allotted space.`
      : `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`)
  }
  const policies: { id: string; document: string }[] = []
  if (input.Policy !== undefined) policies.push({ id: 'session-policy', document: input.Policy })
  for (const arn of arns) policies.push({ id: arn, document: (await managedPolicyDocument(db, policyAccountId, arn)) ?? NOTHING_ALLOWED })
  const passed = input.Policy !== undefined || arns.length > 0 || (input.Tags ?? []).length > 0
  return {
    ...(policies.length > 0 && { policies }),
    ...(passed && { packedPolicySize: Math.ceil(((packed.policies + packed.tags) * 100) / PACKED_SIZE_LIMIT) }),
  }
}

/** Session tags as a map; keys are unique whatever their case, as IAM tag keys are. */
export function sessionTags(tags: readonly Tag[] | undefined, transitiveTagKeys: readonly string[] | undefined): Record<string, string> {
  const byKey: Record<string, string> = {}
  const seen = new Set<string>()
  for (const tag of tags ?? []) {
    if (seen.has(tag.Key.toLowerCase())) throw new InvalidParameterValueError(`Duplicate tag keys found. Please note that Tag keys are case insensitive.`)
    seen.add(tag.Key.toLowerCase())
    byKey[tag.Key] = tag.Value
  }
  for (const key of transitiveTagKeys ?? []) {
    if (!seen.has(key.toLowerCase())) throw new InvalidParameterValueError(`The specified transitive tag key must be included in the requested tags.`)
  }
  return byKey
}

/**
 * GetFederationToken without Policy or PolicyArns: "the resulting federated user session has no permissions"
 * (API reference). A session policy that allows nothing says so; an absent one would mean "no session policy applies".
 */
export const NO_SESSION_PERMISSIONS = {
  id: 'no-session-policy',
  document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: '*', Resource: '*' }] }),
}

const NOTHING_ALLOWED = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] })

function packedSize(policy: string | undefined, arns: readonly string[], tags: readonly Tag[]): { policies: number; tags: number } {
  const deflated = (text: string) => (text === '' ? 0 : deflateRawSync(Buffer.from(text, 'utf8')).length)
  return {
    policies: deflated((policy ?? '') + arns.join('\n')),
    tags: deflated(tags.map((tag) => `${tag.Key}=${tag.Value}`).join('\n')),
  }
}
