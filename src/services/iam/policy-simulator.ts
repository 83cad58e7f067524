// The policy simulator: SimulatePrincipalPolicy (an entity's policies, its groups' and its boundary, plus any given)
// and SimulateCustomPolicy (only the given policies), decided by the same policy engine as real requests.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { OperationContext } from '../../core/operation.js'
import type { IamApi } from '../../generated/iam/api.js'
import { InvalidInputException } from '../../generated/iam/errors.js'
import type { ContextEntry, SimulatePolicyResponse } from '../../generated/iam/types.js'
import type { ContextValue, RequestPrincipal } from '../../policy/index.js'
import type { Db } from '../../storage/schema.js'
import type { PrincipalEntity } from './attachments-store.js'
import type { IamDeps } from './iam-deps.js'
import { listTags } from './iam-tags.js'
import type { IamModule } from './index.js'
import { paginate } from './pagination.js'
import { simulationContext } from './policy-simulator-context.js'
import { runSimulation } from './policy-simulator-run.js'
import { entityBoundary, entityPolicies, inputPolicies, requireSourceEntity, type SimulationPolicy } from './policy-simulator-sources.js'
import { findUser } from './users-store.js'

/** What both simulate operations take besides their policies. */
interface ScenarioInput {
  readonly ActionNames: string[]
  readonly ResourceArns?: string[]
  readonly ResourcePolicy?: string
  readonly ResourceOwner?: string
  readonly CallerArn?: string
  readonly ContextEntries?: ContextEntry[]
  readonly PermissionsBoundaryPolicyInputList?: string[]
  readonly MaxItems?: number
  readonly Marker?: string
}

/**
 * Principal keys AWS derives for a real caller; a custom simulation without CallerArn has no caller, so they are
 * absent unless given as ContextEntries (an empty value set reads as absent in the policy engine).
 */
const CALLER_KEYS = ['aws:username', 'aws:userid', 'aws:PrincipalArn', 'aws:PrincipalType', 'aws:PrincipalAccount']

export function policySimulatorOperations({ database }: IamDeps) {
  async function simulate(
    input: ScenarioInput,
    ctx: OperationContext,
    identity: SimulationPolicy[],
    scenario: { entity?: PrincipalEntity; boundary?: SimulationPolicy },
  ): Promise<SimulatePolicyResponse> {
    const db = database.db
    if (input.ResourcePolicy !== undefined && input.CallerArn === undefined && scenario.entity?.kind !== 'user') {
      throw new InvalidInputException('CallerArn must be specified when a ResourcePolicy is provided and the PolicySourceArn is not a user.')
    }
    const boundaries = inputPolicies('PermissionsBoundaryPolicyInputList', input.PermissionsBoundaryPolicyInputList)
    if (boundaries.length > 1) throw new InvalidInputException('Only one permissions boundary policy can be simulated.')
    const context: Record<string, ContextValue> = simulationContext(input.ContextEntries)
    let principal: RequestPrincipal
    if (input.CallerArn !== undefined) principal = await callerPrincipal(db, ctx, input.CallerArn)
    else if (scenario.entity && scenario.entity.kind !== 'group') principal = await entityPrincipal(db, scenario.entity)
    else principal = unnamedCaller(ctx, context)
    const boundary = boundaries[0] ?? scenario.boundary
    const results = runSimulation({
      principal,
      identity,
      ...(boundary && { boundary }),
      ...(input.ResourcePolicy !== undefined && { resourcePolicy: { id: 'ResourcePolicy', type: 'resource', text: input.ResourcePolicy } }),
      actions: input.ActionNames,
      resources: input.ResourceArns,
      ...(input.ResourceOwner !== undefined && { resourceAccountId: ownerAccount(input.ResourceOwner) }),
      context,
    })
    const indexed = results.map((result, index) => ({ result, key: String(index).padStart(8, '0') }))
    const page = paginate(indexed, input, (item) => item.key)
    return {
      EvaluationResults: page.items.map((item) => item.result),
      IsTruncated: page.IsTruncated,
      ...(page.Marker !== undefined && { Marker: page.Marker }),
    }
  }

  return {
    async SimulatePrincipalPolicy(input, ctx) {
      const entity = await requireSourceEntity(database.db, ctx.accountId, input.PolicySourceArn)
      const identity = [...(await entityPolicies(database.db, entity)), ...inputPolicies('PolicyInputList', input.PolicyInputList)]
      const boundary = await entityBoundary(database.db, entity)
      return simulate(input, ctx, identity, { entity, ...(boundary && { boundary }) })
    },

    SimulateCustomPolicy: (input, ctx) => simulate(input, ctx, inputPolicies('PolicyInputList', input.PolicyInputList), {}),
  } satisfies Partial<IamApi>
}

/** The simulated entity as the caller: a user as itself, a role as a session of it. */
async function entityPrincipal(db: Db, entity: PrincipalEntity): Promise<RequestPrincipal> {
  const tags = Object.fromEntries((await listTags(db, { accountId: entity.accountId, kind: entity.kind, key: entity.key })).map((tag) => [tag.Key, tag.Value]))
  if (entity.kind === 'user') return { type: 'IAMUser', arn: entity.arn, accountId: entity.accountId, userId: entity.id, tags }
  return { type: 'AssumedRole', arn: entity.arn, issuerArn: entity.arn, accountId: entity.accountId, userId: entity.id, tags }
}

/**
 * The caller of a simulation that names none (a custom simulation, or a group's policies): an IAM user of the account
 * whose principal keys are left out of the context, so conditions on them report them as missing.
 */
function unnamedCaller(ctx: OperationContext, context: Record<string, ContextValue>): RequestPrincipal {
  const given = new Set(Object.keys(context).map((name) => name.toLowerCase()))
  for (const key of CALLER_KEYS) if (!given.has(key.toLowerCase())) context[key] = []
  // The ARN is never matched: a ResourcePolicy needs a CallerArn, and the keys derived from it are left out above.
  return { type: 'IAMUser', arn: `arn:${ctx.partition}:iam::${ctx.accountId}:user/`, accountId: ctx.accountId, userId: '' }
}

/** CallerArn: "The ARN of the IAM user that you want to use as the simulated caller". */
async function callerPrincipal(db: Db, ctx: OperationContext, arn: string): Promise<RequestPrincipal> {
  const match = /^arn:[^:]+:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/.exec(arn)
  if (!match) throw new InvalidInputException(`CallerArn ${arn} is not the ARN of an IAM user.`)
  const accountId = match[1]!
  const user = accountId === ctx.accountId ? await findUser(db, accountId, match[2]!) : undefined
  if (user && user.arn === arn) return entityPrincipal(db, { kind: 'user', accountId, key: user.userName.toLowerCase(), name: user.userName, id: user.userId, path: user.path, arn })
  // A user of another account (or not yet created): simulated with what its ARN says.
  return { type: 'IAMUser', arn, accountId, userId: '' }
}

/** ResourceOwner is an account's ARN (`arn:aws:iam::123456789012:root`) or a user's in it. */
function ownerAccount(arn: string): string {
  const match = /^arn:[^:]+:iam::(\d{12}):/.exec(arn)
  if (!match) throw new InvalidInputException(`ResourceOwner ${arn} is not an IAM ARN of an account.`)
  return match[1]!
}

const everything = ['*']

export const policySimulatorAuthorization = {
  SimulatePrincipalPolicy: (input) => ({ action: 'iam:SimulatePrincipalPolicy', resources: [input.PolicySourceArn] }),
  SimulateCustomPolicy: () => ({ action: 'iam:SimulateCustomPolicy', resources: everything }),
} satisfies Partial<AuthorizationTable<IamApi>>

export function policySimulatorModule(deps: IamDeps): IamModule {
  return { handlers: policySimulatorOperations(deps), authorization: policySimulatorAuthorization }
}
