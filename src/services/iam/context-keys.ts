// GetContextKeysForCustomPolicy / GetContextKeysForPrincipalPolicy: the condition keys and policy variables the
// policies reference, each once (keys compare without regard to case), in the order they first appear.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetContextKeysForCustomPolicy.html
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import type { PolicyDocument } from '../../policy/index.js'
import type { IamDeps } from './iam-deps.js'
import type { IamModule } from './index.js'
import { entityPolicies, inputPolicies, parseSimulationPolicy, requireSourceEntity, type SimulationPolicy } from './policy-simulator-sources.js'

/** The context keys of the policies: condition keys and `${key}` variables in Resource and condition values. */
export function contextKeysOf(policies: readonly SimulationPolicy[]): string[] {
  const seen = new Map<string, string>()
  const add = (key: string) => {
    if (!seen.has(key.toLowerCase())) seen.set(key.toLowerCase(), key)
  }
  for (const policy of policies) {
    const document = parseEither(policy)
    for (const text of referencingTexts(document)) for (const key of variablesIn(text)) add(key)
    for (const statement of document.statements) for (const clause of statement.condition ?? []) add(clause.key)
  }
  return [...seen.values()]
}

/** An identity-based policy, or else a resource-based one (with a Principal): either kind references keys. */
function parseEither(policy: SimulationPolicy): PolicyDocument {
  try {
    return parseSimulationPolicy(policy, 'identity')
  } catch (identityError) {
    try {
      return parseSimulationPolicy(policy, 'resource')
    } catch {
      throw identityError
    }
  }
}

/** Where policy variables can appear: Resource / NotResource and condition values (2012-10-17 documents only). */
function referencingTexts(document: PolicyDocument): string[] {
  if (document.version !== '2012-10-17') return []
  return document.statements.flatMap((statement) => [
    ...(statement.resource ?? statement.notResource ?? []),
    ...(statement.condition ?? []).flatMap((clause) => clause.values),
  ])
}

/** `${aws:username}` → aws:username; `${aws:username, 'x'}` (a default) → aws:username; `${*}`, `${?}`, `${$}` are escapes. */
function variablesIn(text: string): string[] {
  const keys: string[] = []
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const key = match[1]!.split(',')[0]!.trim()
    if (key !== '' && !['*', '?', '$'].includes(key)) keys.push(key)
  }
  return keys
}

export function contextKeyOperations({ database }: IamDeps) {
  return {
    async GetContextKeysForCustomPolicy(input) {
      return { ContextKeyNames: contextKeysOf(inputPolicies('PolicyInputList', input.PolicyInputList)) }
    },

    async GetContextKeysForPrincipalPolicy(input, ctx) {
      const entity = await requireSourceEntity(database.db, ctx.accountId, input.PolicySourceArn)
      const policies = [...(await entityPolicies(database.db, entity)), ...inputPolicies('PolicyInputList', input.PolicyInputList)]
      return { ContextKeyNames: contextKeysOf(policies) }
    },
  } satisfies Partial<IamApi>
}

export const contextKeyAuthorization = {
  GetContextKeysForCustomPolicy: () => ({ action: 'iam:GetContextKeysForCustomPolicy', resources: ['*'] }),
  GetContextKeysForPrincipalPolicy: (input) => ({ action: 'iam:GetContextKeysForPrincipalPolicy', resources: [input.PolicySourceArn] }),
} satisfies Partial<AuthorizationTable<IamApi>>

export function contextKeyModule(deps: IamDeps): IamModule {
  return { handlers: contextKeyOperations(deps), authorization: contextKeyAuthorization }
}
