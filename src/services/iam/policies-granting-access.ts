// ListPoliciesGrantingServiceAccess: which of a user's, group's or role's policies (a user's groups' included) allow
// some action of each service namespace asked about, judged as service last accessed data judges them.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPoliciesGrantingServiceAccess.html
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { InvalidInputException } from '../../generated/iam/errors.js'
import type { PolicyGrantingServiceAccess } from '../../generated/iam/types.js'
import type { Db } from '../../storage/schema.js'
import { attachmentStore, requirePrincipal, type PrincipalEntity } from './attachments-store.js'
import { groupsOfUser } from './groups-store.js'
import type { IamDeps } from './iam-deps.js'
import type { IamModule } from './index.js'
import { inlinePolicyStore } from './inline-policies-store.js'
import { managedPolicyDocument } from './managed-policies-lookup.js'
import { requireSourceEntity } from './policy-simulator-sources.js'
import { allowedServices } from './service-last-accessed-grants.js'

/** One policy that applies to the entity, and the namespaces it allows. */
interface GrantingPolicy {
  readonly shape: PolicyGrantingServiceAccess
  readonly namespaces: ReadonlySet<string>
}

export function policiesGrantingAccessModule({ database }: IamDeps): IamModule {
  const handlers = {
    async ListPoliciesGrantingServiceAccess(input, ctx) {
      const entity = await requireSourceEntity(database.db, ctx.accountId, input.Arn)
      const policies = await applicablePolicies(database.db, entity)
      const namespaces = [...new Set(input.ServiceNamespaces.map((namespace) => namespace.toLowerCase()))]
      const entries = namespaces.map((namespace) => ({
        ServiceNamespace: namespace,
        Policies: policies.filter((policy) => policy.namespaces.has(namespace)).map((policy) => policy.shape),
      }))
      // One entry per namespace asked about (at most 200, the model's limit), all in one page: no Marker is ever
      // issued, so none can be passed back.
      if (input.Marker !== undefined) throw new InvalidInputException('Invalid Marker.')
      return { PoliciesGrantingServiceAccess: entries, IsTruncated: false }
    },
  } satisfies Partial<IamApi>

  const authorization = {
    // The action's resource is the user, group or role asked about (service authorization reference).
    ListPoliciesGrantingServiceAccess: (input) => ({ action: 'iam:ListPoliciesGrantingServiceAccess', resources: [input.Arn] }),
  } satisfies Partial<AuthorizationTable<IamApi>>

  return { handlers, authorization }
}

/** The entity's inline and managed policies, then (for a user) each of its groups', with what each allows. */
async function applicablePolicies(db: Db, entity: PrincipalEntity): Promise<GrantingPolicy[]> {
  const holders: PrincipalEntity[] = [entity]
  if (entity.kind === 'user') {
    for (const group of await groupsOfUser(db, entity.accountId, entity.name)) {
      holders.push(await requirePrincipal(db, 'group', entity.accountId, group.groupName))
    }
  }
  const policies: GrantingPolicy[] = []
  const seenManaged = new Set<string>()
  for (const holder of holders) {
    for (const inline of await inlinePolicyStore(db).listFor(holder)) {
      policies.push({
        shape: { PolicyName: inline.policyName, PolicyType: 'INLINE', EntityType: ENTITY_TYPES[holder.kind], EntityName: holder.name },
        namespaces: new Set((await allowedServices([inline.document])).keys()),
      })
    }
    for (const arn of await attachmentStore(db).listFor(holder)) {
      // A managed policy attached both to the user and to one of its groups is one policy.
      if (seenManaged.has(arn)) continue
      seenManaged.add(arn)
      const document = await managedPolicyDocument(db, entity.accountId, arn)
      if (document === undefined) continue
      policies.push({
        shape: { PolicyName: arn.slice(arn.lastIndexOf('/') + 1), PolicyType: 'MANAGED', PolicyArn: arn },
        namespaces: new Set((await allowedServices([document])).keys()),
      })
    }
  }
  return policies
}

const ENTITY_TYPES = { user: 'USER', group: 'GROUP', role: 'ROLE' } as const
