// The policies a simulation weighs, each with the id and type the simulator reports for it: an IAM entity's own
// (inline, managed, its groups'), its permissions boundary, and the documents passed in the request.
import { InvalidInputException } from '../../generated/iam/errors.js'
import type { PolicySourceType } from '../../generated/iam/types.js'
import { parsePolicy, PolicySyntaxError, type PolicyDocument, type PolicyType } from '../../policy/index.js'
import type { Db } from '../../storage/schema.js'
import { attachmentStore, requirePrincipal, type PrincipalEntity, type PrincipalKind } from './attachments-store.js'
import { isAwsManagedPolicyArn } from './aws-managed-policies.js'
import { groupsOfUser } from './groups-store.js'
import { inlinePolicyStore } from './inline-policies-store.js'
import { managedPolicyDocument } from './managed-policies-lookup.js'

/** One policy document as the simulator reports it (Statement.SourcePolicyId / SourcePolicyType). */
export interface SimulationPolicy {
  readonly id: string
  /** Absent for the documents a request passes in (PolicyInputList.N), as AWS's simulate-custom-policy example shows. */
  readonly type?: PolicySourceType
  readonly text: string
}

/**
 * The entity a PolicySourceArn names (user, group or role; the whole ARN, path included, must be its ARN).
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
 */
export async function requireSourceEntity(db: Db, accountId: string, arn: string): Promise<PrincipalEntity> {
  const match = /^arn:[^:]+:iam::(\d{12}):(user|group|role)(\/(?:.*\/)?)([^/]+)$/.exec(arn)
  if (!match || match[1] !== accountId) throw new InvalidInputException(`Invalid Entity Arn: ${arn} does not clearly define entity type and name.`)
  const entity = await requirePrincipal(db, match[2] as PrincipalKind, accountId, match[4]!)
  if (entity.arn !== arn) throw new InvalidInputException(`Invalid Entity Arn: ${arn} does not clearly define entity type and name.`)
  return entity
}

/** The entity's identity-based policies: its inline policies, its managed policies, then each group's. */
export async function entityPolicies(db: Db, entity: PrincipalEntity): Promise<SimulationPolicy[]> {
  const holders: PrincipalEntity[] = [entity]
  if (entity.kind === 'user') {
    for (const group of await groupsOfUser(db, entity.accountId, entity.name)) {
      holders.push(await requirePrincipal(db, 'group', entity.accountId, group.groupName))
    }
  }
  const policies: SimulationPolicy[] = []
  for (const holder of holders) {
    for (const inline of await inlinePolicyStore(db).listFor(holder)) {
      policies.push({ id: inline.policyName, type: holder.kind, text: inline.document })
    }
    for (const arn of await attachmentStore(db).listFor(holder)) {
      const managed = await managedSource(db, entity.accountId, arn)
      if (managed) policies.push(managed)
    }
  }
  return policies
}

/** The entity's permissions boundary, if it has one. */
export async function entityBoundary(db: Db, entity: PrincipalEntity): Promise<SimulationPolicy | undefined> {
  return entity.boundaryArn === undefined ? undefined : managedSource(db, entity.accountId, entity.boundaryArn)
}

async function managedSource(db: Db, accountId: string, arn: string): Promise<SimulationPolicy | undefined> {
  const text = await managedPolicyDocument(db, accountId, arn)
  if (text === undefined) return undefined
  return { id: arn.slice(arn.lastIndexOf('/') + 1), type: isAwsManagedPolicyArn(arn) ? 'aws-managed' : 'user-managed', text }
}

/** Documents passed in a request list, named as AWS names them: `PolicyInputList.1`, `PolicyInputList.2`, … */
export function inputPolicies(listName: string, texts: readonly string[] | undefined): SimulationPolicy[] {
  return (texts ?? []).map((text, index) => ({ id: `${listName}.${index + 1}`, text }))
}

/**
 * Parses a simulation policy with the rules of its policy type. The simulate and context-key operations list no
 * MalformedPolicyDocument error: a broken input document is InvalidInput.
 */
export function parseSimulationPolicy(policy: SimulationPolicy, type: PolicyType): PolicyDocument {
  try {
    return parsePolicy(policy.text, type)
  } catch (error) {
    if (error instanceof PolicySyntaxError) throw new InvalidInputException(`${policy.id}: ${error.message}`)
    throw error
  }
}
