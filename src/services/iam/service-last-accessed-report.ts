// The service last accessed report of one user, group, role or managed policy: the services its policies allow, and
// for each the last authenticated access by the principals it covers (a group's members; a policy's users, roles and
// groups' members), with the tracked actions and the entities behind them.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateServiceLastAccessedDetails.html
import { InvalidInputException, NoSuchEntityException } from '../../generated/iam/errors.js'
import type { EntityInfo } from '../../generated/iam/types.js'
import type { Db } from '../../storage/schema.js'
import { attachmentStore, findPrincipal, type PrincipalEntity } from './attachments-store.js'
import { membersOfGroup } from './groups-store.js'
import { managedPolicyDocument } from './managed-policies-lookup.js'
import { entityPolicies, requireSourceEntity } from './policy-simulator-sources.js'
import { allowedServices } from './service-last-accessed-grants.js'
import { serviceAccessesOf, serviceOf, type ServiceAccess } from './service-last-accessed-store.js'

/** A job's report as stored (JSON: times as ISO text). */
export interface AccessReport {
  readonly services: readonly ServiceReport[]
  readonly entities: readonly EntityReport[]
}

export interface ServiceReport {
  readonly namespace: string
  readonly name: string
  readonly last?: LastAccess
  readonly totalEntities: number
  /** ACTION_LEVEL jobs only: the last access of each action called, by action name (`GetObject`). */
  readonly actions?: readonly ({ readonly action: string } & LastAccess)[]
}

export interface LastAccess {
  readonly at: string
  readonly entity: string
  readonly region: string
}

export interface EntityReport {
  readonly info: EntityInfo
  /** Namespace → ISO time of the entity's (or its members') last access. */
  readonly lastByService: Readonly<Record<string, string>>
}

/** An entity the report lists, and the principals whose calls count for it (a group: its members). */
interface Subject {
  readonly info: EntityInfo
  readonly principalArns: readonly string[]
}

export async function buildAccessReport(db: Db, accountId: string, arn: string, actionLevel: boolean): Promise<AccessReport> {
  const { documents, subjects } = await reportScope(db, accountId, arn)
  const services = await allowedServices(documents)
  const principals = [...new Set(subjects.flatMap((subject) => subject.principalArns))]
  const accesses = (await serviceAccessesOf(db, accountId, principals)).filter((access) => services.has(serviceOf(access.action)))

  const serviceReports: ServiceReport[] = [...services].map(([namespace, name]) => {
    const mine = accesses.filter((access) => serviceOf(access.action) === namespace)
    const latest = latestOf(mine)
    const byAction = new Map<string, ServiceAccess>()
    for (const access of mine) {
      const key = access.action.toLowerCase()
      const seen = byAction.get(key)
      if (!seen || seen.at < access.at) byAction.set(key, access)
    }
    return {
      namespace,
      name,
      ...(latest && { last: lastAccess(latest) }),
      totalEntities: new Set(mine.map((access) => access.principalArn)).size,
      ...(actionLevel && {
        actions: [...byAction.values()]
          .sort((a, b) => (a.action < b.action ? -1 : 1))
          .map((access) => ({ action: access.action.slice(access.action.indexOf(':') + 1), ...lastAccess(access) })),
      }),
    }
  })
  const entities = subjects.map((subject) => {
    const lastByService: Record<string, string> = {}
    for (const access of accesses) {
      if (!subject.principalArns.includes(access.principalArn)) continue
      const namespace = serviceOf(access.action)
      const at = access.at.toISOString()
      if (!lastByService[namespace] || lastByService[namespace]! < at) lastByService[namespace] = at
    }
    return { info: subject.info, lastByService }
  })
  return { services: serviceReports, entities }
}

function latestOf(accesses: readonly ServiceAccess[]): ServiceAccess | undefined {
  let latest: ServiceAccess | undefined
  for (const access of accesses) if (!latest || latest.at < access.at) latest = access
  return latest
}

function lastAccess(access: ServiceAccess): LastAccess {
  return { at: access.at.toISOString(), entity: access.principalArn, region: access.region }
}

/** The policy documents that decide which services are listed, and the entities the report covers. */
async function reportScope(db: Db, accountId: string, arn: string): Promise<{ documents: string[]; subjects: Subject[] }> {
  if (/^arn:[^:]+:iam::(\d{12}|aws):policy\//.test(arn)) {
    const document = await managedPolicyDocument(db, accountId, arn)
    if (document === undefined) throw new NoSuchEntityException(`Policy ${arn} was not found.`)
    const subjects: Subject[] = []
    for (const ref of await attachmentStore(db).entitiesOf(accountId, arn)) {
      const entity = await findPrincipal(db, ref)
      if (entity) subjects.push(await subjectOf(db, entity))
    }
    return { documents: [document], subjects: subjects.sort((a, b) => (a.info.Arn < b.info.Arn ? -1 : 1)) }
  }
  if (!/^arn:[^:]+:iam::\d{12}:(user|group|role)\//.test(arn)) {
    throw new InvalidInputException(`ARN ${arn} is not valid: expected the ARN of an IAM user, group, role or policy.`)
  }
  const entity = await requireSourceEntity(db, accountId, arn)
  const documents = (await entityPolicies(db, entity)).map((policy) => policy.text)
  if (entity.kind !== 'group') return { documents, subjects: [await subjectOf(db, entity)] }
  // A group's report is about its members: they are the ones who call.
  const members = await membersOfGroup(db, accountId, entity.name)
  return {
    documents,
    subjects: members.map((user) => ({
      info: { Arn: user.arn, Name: user.userName, Type: 'USER', Id: user.userId, Path: user.path },
      principalArns: [user.arn],
    })),
  }
}

async function subjectOf(db: Db, entity: PrincipalEntity): Promise<Subject> {
  const info: EntityInfo = { Arn: entity.arn, Name: entity.name, Type: entity.kind === 'user' ? 'USER' : entity.kind === 'role' ? 'ROLE' : 'GROUP', Id: entity.id, Path: entity.path }
  if (entity.kind !== 'group') return { info, principalArns: [entity.arn] }
  return { info, principalArns: (await membersOfGroup(db, entity.accountId, entity.name)).map((user) => user.arn) }
}
