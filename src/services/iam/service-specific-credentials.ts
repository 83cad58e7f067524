// Service-specific credentials of IAM users (HTTPS Git for CodeCommit, Amazon Keyspaces): Create, List, Update,
// Reset, Delete. The password is shown once, at creation or reset, and kept only as a hash.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_service-specific-creds.html
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { OperationContext } from '../../core/operation.js'
import { hashPassword } from '../../crypto/password-hash.js'
import type { IamApi } from '../../generated/iam/api.js'
import { LimitExceededException, NoSuchEntityException, ServiceNotSupportedException } from '../../generated/iam/errors.js'
import type { ServiceSpecificCredential, ServiceSpecificCredentialMetadata } from '../../generated/iam/types.js'
import type { Db } from '../../storage/schema.js'
import type { IamDeps } from './iam-deps.js'
import type { IamModule } from './index.js'
import { serviceCredentialStore, type ServiceCredentialRecord } from './service-specific-credentials-store.js'
import { requireUser, type IamUser } from './users-store.js'
import { userResourceArn, userTarget } from './users-target.js'

/** The services that take service-specific credentials (CreateServiceSpecificCredential, ServiceName). */
export const SERVICES_WITH_SPECIFIC_CREDENTIALS: readonly string[] = ['codecommit.amazonaws.com', 'cassandra.amazonaws.com']
// "Service-specific credentials per user per supported service: 2" (IAM quotas).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities
export const SERVICE_CREDENTIALS_PER_USER_PER_SERVICE = 2
// 32 random bytes, base64: 44 characters, like the passwords AWS generates (API reference example).
const PASSWORD_BYTES = 32

export function serviceSpecificCredentialModule({ database, clock, ids }: IamDeps): IamModule {
  const newPassword = () => ids.bytes(PASSWORD_BYTES).toString('base64')

  const handlers = {
    async CreateServiceSpecificCredential(input, ctx) {
      if (!SERVICES_WITH_SPECIFIC_CREDENTIALS.includes(input.ServiceName)) {
        throw new ServiceNotSupportedException(`The specified service does not support service-specific credentials: ${input.ServiceName}.`)
      }
      // Hashing is slow (scrypt): done before the transaction, which then only checks and writes.
      const password = newPassword()
      const passwordHash = await hashPassword(password)
      const created = await database.transaction(async (tx) => {
        const user = await requireUser(tx, ctx.accountId, input.UserName)
        const store = serviceCredentialStore(tx)
        const sameService = (await store.listFor(ctx.accountId, user.userId)).filter((credential) => credential.serviceName === input.ServiceName)
        if (sameService.length >= SERVICE_CREDENTIALS_PER_USER_PER_SERVICE) {
          throw new LimitExceededException(`Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: ${SERVICE_CREDENTIALS_PER_USER_PER_SERVICE}`)
        }
        const record: ServiceCredentialRecord = {
          accountId: ctx.accountId,
          credentialId: ids.uniqueId('ACCA'),
          userId: user.userId,
          serviceName: input.ServiceName,
          serviceUserName: `${user.userName}-at-${ctx.accountId}`,
          passwordHash,
          status: 'Active',
          createdAt: clock.now(),
        }
        await store.insert(record)
        return { record, user }
      })
      return { ServiceSpecificCredential: withPassword(created.record, created.user, password) }
    },

    async ListServiceSpecificCredentials(input, ctx) {
      const target = userTarget(input.UserName, ctx.caller)
      // Service-specific credentials belong to IAM users: the root user has none.
      if (target.root) return { ServiceSpecificCredentials: [] }
      const user = await requireUser(database.db, ctx.accountId, target.userName)
      const credentials = (await serviceCredentialStore(database.db).listFor(ctx.accountId, user.userId))
        .filter((credential) => input.ServiceName === undefined || credential.serviceName === input.ServiceName)
      return { ServiceSpecificCredentials: credentials.map((credential) => toMetadata(credential, user)) }
    },

    async UpdateServiceSpecificCredential(input, ctx) {
      await database.transaction(async (tx) => {
        const { credential } = await requireCredential(tx, input.UserName, input.ServiceSpecificCredentialId, ctx)
        await serviceCredentialStore(tx).setStatus(ctx.accountId, credential.credentialId, input.Status)
      })
    },

    async ResetServiceSpecificCredential(input, ctx) {
      const password = newPassword()
      const passwordHash = await hashPassword(password)
      const { credential, user } = await database.transaction(async (tx) => {
        const found = await requireCredential(tx, input.UserName, input.ServiceSpecificCredentialId, ctx)
        await serviceCredentialStore(tx).setPasswordHash(ctx.accountId, found.credential.credentialId, passwordHash)
        return found
      })
      return { ServiceSpecificCredential: withPassword(credential, user, password) }
    },

    async DeleteServiceSpecificCredential(input, ctx) {
      await database.transaction(async (tx) => {
        const { credential } = await requireCredential(tx, input.UserName, input.ServiceSpecificCredentialId, ctx)
        await serviceCredentialStore(tx).delete(ctx.accountId, credential.credentialId)
      })
    },
  } satisfies Partial<IamApi>

  // Every action's resource is the user (service authorization reference); Create also gives the service's name.
  const authorization = {
    CreateServiceSpecificCredential: (input, call) => ({
      action: 'iam:CreateServiceSpecificCredential',
      resources: [userResourceArn(input.UserName, call)],
      context: { 'iam:ServiceSpecificCredentialServiceName': input.ServiceName },
    }),
    ListServiceSpecificCredentials: (input, call) => ({ action: 'iam:ListServiceSpecificCredentials', resources: [userResourceArn(input.UserName, call)] }),
    UpdateServiceSpecificCredential: (input, call) => ({ action: 'iam:UpdateServiceSpecificCredential', resources: [userResourceArn(input.UserName, call)] }),
    ResetServiceSpecificCredential: (input, call) => ({ action: 'iam:ResetServiceSpecificCredential', resources: [userResourceArn(input.UserName, call)] }),
    DeleteServiceSpecificCredential: (input, call) => ({ action: 'iam:DeleteServiceSpecificCredential', resources: [userResourceArn(input.UserName, call)] }),
  } satisfies Partial<AuthorizationTable<IamApi>>

  return { handlers, authorization }
}

/** The user (named, else the caller) and its credential; NoSuchEntity for a credential of anyone else. */
async function requireCredential(db: Db, userName: string | undefined, credentialId: string, ctx: OperationContext): Promise<{ user: IamUser; credential: ServiceCredentialRecord }> {
  const target = userTarget(userName, ctx.caller)
  const user = target.root ? undefined : await requireUser(db, ctx.accountId, target.userName)
  const credential = await serviceCredentialStore(db).get(ctx.accountId, credentialId)
  if (!user || !credential || credential.userId !== user.userId) {
    throw new NoSuchEntityException(`The Service Specific Credential with id ${credentialId} cannot be found.`)
  }
  return { user, credential }
}

function toMetadata(credential: ServiceCredentialRecord, user: IamUser): ServiceSpecificCredentialMetadata {
  return {
    UserName: user.userName,
    Status: credential.status,
    ServiceUserName: credential.serviceUserName,
    CreateDate: credential.createdAt,
    ServiceSpecificCredentialId: credential.credentialId,
    ServiceName: credential.serviceName,
  }
}

function withPassword(credential: ServiceCredentialRecord, user: IamUser, password: string): ServiceSpecificCredential {
  return { ...toMetadata(credential, user), ServicePassword: password }
}
