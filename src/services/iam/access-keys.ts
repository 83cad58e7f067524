// Access keys of IAM users and of the root user: CreateAccessKey, DeleteAccessKey, UpdateAccessKey, ListAccessKeys,
// GetAccessKeyLastUsed. Every change notifies the credential index, so it holds from the very next request.
import { AwsError } from '../../core/aws-error.js'
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { LimitExceededException, NoSuchEntityException } from '../../generated/iam/errors.js'
import type { AccessKey as AccessKeyShape, AccessKeyMetadata } from '../../generated/iam/types.js'
import type { Db } from '../../storage/schema.js'
import { accountStore, type AccessKey } from './account-store.js'
import { credentialChangesApplied, CREDENTIALS_CHANGED } from './credential-index.js'
import type { IamDeps } from './iam-deps.js'
import { iamArn } from './iam-names.js'
import type { IamModule } from './index.js'
import { paginate } from './pagination.js'
import { requireUser } from './users-store.js'
import { userResourceArn, userTarget, type UserTarget } from './users-target.js'

/** "Access keys assigned to an IAM user: 2" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). */
export const ACCESS_KEYS_PER_USER_QUOTA = 2

export function accessKeyOperations({ database, clock, ids, box }: IamDeps): IamModule {
  const handlers = {
    async CreateAccessKey(input, ctx) {
      const target = userTarget(input.UserName, ctx.caller)
      const accessKeyId = ids.accessKeyId('AKIA')
      const secretAccessKey = ids.secretAccessKey()
      const key = await database.transaction(async (tx) => {
        const userName = await ownerName(tx, ctx.accountId, target)
        const store = accountStore(tx)
        if ((await store.listAccessKeysOf(ctx.accountId, userName)).length >= ACCESS_KEYS_PER_USER_QUOTA) {
          throw new LimitExceededException(`Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER_QUOTA}`)
        }
        const created: AccessKey = {
          accountId: ctx.accountId,
          accessKeyId,
          userName,
          secretSealed: box.seal(secretAccessKey, accessKeyId),
          status: 'Active',
          createdAt: clock.now(),
        }
        await store.insertAccessKey(created)
        await database.notify(CREDENTIALS_CHANGED, accessKeyId)
        return created
      })
      await credentialChangesApplied(database)
      // The secret is returned here and never again.
      const AccessKey = { ...ownerField(key), AccessKeyId: accessKeyId, Status: 'Active', SecretAccessKey: secretAccessKey, CreateDate: key.createdAt }
      return { AccessKey: AccessKey as AccessKeyShape }
    },

    async DeleteAccessKey(input, ctx) {
      const target = userTarget(input.UserName, ctx.caller)
      await database.transaction(async (tx) => {
        const key = await requireOwnKey(tx, ctx.accountId, target, input.AccessKeyId)
        await accountStore(tx).deleteAccessKey(ctx.accountId, key.accessKeyId)
        await database.notify(CREDENTIALS_CHANGED, key.accessKeyId)
      })
      await credentialChangesApplied(database)
    },

    async UpdateAccessKey(input, ctx) {
      const target = userTarget(input.UserName, ctx.caller)
      const status = input.Status
      // The model's statusType also lists Expired (service-specific credentials); an access key is only ever
      // Active or Inactive.
      if (status === 'Expired') {
        throw new AwsError('ValidationError', 400, "1 validation error detected: Value 'Expired' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]")
      }
      await database.transaction(async (tx) => {
        const key = await requireOwnKey(tx, ctx.accountId, target, input.AccessKeyId)
        await accountStore(tx).setAccessKeyStatus(ctx.accountId, key.accessKeyId, status)
        await database.notify(CREDENTIALS_CHANGED, key.accessKeyId)
      })
      await credentialChangesApplied(database)
    },

    async ListAccessKeys(input, ctx) {
      const target = userTarget(input.UserName, ctx.caller)
      const userName = await ownerName(database.db, ctx.accountId, target)
      const keys = await accountStore(database.db).listAccessKeysOf(ctx.accountId, userName)
      const page = paginate(keys, input, (key) => `${key.createdAt.toISOString()} ${key.accessKeyId}`)
      const metadata = page.items.map((key): AccessKeyMetadata => ({ ...ownerField(key), AccessKeyId: key.accessKeyId, Status: key.status, CreateDate: key.createdAt }))
      return { AccessKeyMetadata: metadata, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) }
    },

    async GetAccessKeyLastUsed(input, ctx) {
      const key = await accountStore(database.db).getAccessKey(input.AccessKeyId)
      if (!key || key.accountId !== ctx.accountId) throw noSuchKey(input.AccessKeyId)
      // Unused keys report N/A for the service and region and no date
      // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKeyLastUsed.html).
      const AccessKeyLastUsed = key.lastUsed
        ? { LastUsedDate: key.lastUsed.at, ServiceName: key.lastUsed.service, Region: key.lastUsed.region }
        : { ServiceName: 'N/A', Region: 'N/A' }
      return { ...ownerField(key), AccessKeyLastUsed }
    },
  } satisfies Partial<IamApi>

  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
  const authorization = {
    CreateAccessKey: (input, call) => ({ action: 'iam:CreateAccessKey', resources: [userResourceArn(input.UserName, call)] }),
    DeleteAccessKey: (input, call) => ({ action: 'iam:DeleteAccessKey', resources: [userResourceArn(input.UserName, call)] }),
    UpdateAccessKey: (input, call) => ({ action: 'iam:UpdateAccessKey', resources: [userResourceArn(input.UserName, call)] }),
    ListAccessKeys: (input, call) => ({ action: 'iam:ListAccessKeys', resources: [userResourceArn(input.UserName, call)] }),
    // The key's owner is known only after a lookup, which the authorization stage does not make.
    GetAccessKeyLastUsed: (_input, call) => ({ action: 'iam:GetAccessKeyLastUsed', resources: [iamArn(call.partition, call.accountId, 'user', '/', '*')] }),
  } satisfies Partial<AuthorizationTable<IamApi>>

  return { handlers, authorization }
}

/** The stored owner of the target's keys: the user's own spelling of its name, or undefined for the root user. */
async function ownerName(db: Db, accountId: string, target: UserTarget): Promise<string | undefined> {
  return target.root ? undefined : (await requireUser(db, accountId, target.userName)).userName
}

/** The key, when it belongs to the target principal; otherwise AWS's NoSuchEntity. */
async function requireOwnKey(db: Db, accountId: string, target: UserTarget, accessKeyId: string): Promise<AccessKey> {
  const userName = await ownerName(db, accountId, target)
  const key = await accountStore(db).getAccessKey(accessKeyId)
  if (!key || key.accountId !== accountId || key.userName !== userName) throw noSuchKey(accessKeyId)
  return key
}

// Root keys have no user name on the wire.
function ownerField(key: AccessKey): { UserName?: string } {
  return key.userName === undefined ? {} : { UserName: key.userName }
}

function noSuchKey(accessKeyId: string): NoSuchEntityException {
  return new NoSuchEntityException(`The Access Key with id ${accessKeyId} cannot be found.`)
}
