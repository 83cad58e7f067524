// Users' SSH public keys (for CodeCommit): UploadSSHPublicKey, GetSSHPublicKey, ListSSHPublicKeys, UpdateSSHPublicKey,
// DeleteSSHPublicKey.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UploadSSHPublicKey.html
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { DuplicateSSHPublicKeyException, LimitExceededException, NoSuchEntityException } from '../../generated/iam/errors.js'
import type { SSHPublicKey } from '../../generated/iam/types.js'
import type { Db } from '../../storage/schema.js'
import type { IamDeps } from './iam-deps.js'
import type { IamModule } from './index.js'
import { paginate } from './pagination.js'
import { parseSshPublicKey, pemEncoding, sshEncoding, sshFingerprint } from './ssh-public-keys-format.js'
import { sshPublicKeyStore, type SshPublicKeyRecord } from './ssh-public-keys-store.js'
import { requireUser, type IamUser } from './users-store.js'
import { userResourceArn, userTarget } from './users-target.js'

// "SSH Public keys per IAM user: 5" (IAM quotas).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities
export const SSH_PUBLIC_KEYS_PER_USER = 5

export function sshPublicKeyModule({ database, clock, ids }: IamDeps): IamModule {
  const handlers = {
    async UploadSSHPublicKey(input, ctx) {
      const parsed = parseSshPublicKey(input.SSHPublicKeyBody)
      const key = await database.transaction(async (tx) => {
        const user = await requireUser(tx, ctx.accountId, input.UserName)
        const store = sshPublicKeyStore(tx)
        const existing = await store.listFor(ctx.accountId, user.userId)
        const fingerprint = sshFingerprint(parsed)
        if (existing.some((key) => key.fingerprint === fingerprint)) {
          throw new DuplicateSSHPublicKeyException('The request was rejected because the SSH public key is already associated with the specified IAM user.')
        }
        if (existing.length >= SSH_PUBLIC_KEYS_PER_USER) {
          throw new LimitExceededException(`Cannot exceed quota for PublicKeysPerUser: ${SSH_PUBLIC_KEYS_PER_USER}`)
        }
        const record: SshPublicKeyRecord = {
          accountId: ctx.accountId,
          keyId: ids.uniqueId('APKA'),
          userId: user.userId,
          bodySsh: sshEncoding(parsed),
          fingerprint,
          status: 'Active',
          uploadedAt: clock.now(),
        }
        await store.insert(record)
        return toShape(record, user, 'SSH')
      })
      return { SSHPublicKey: key }
    },

    async GetSSHPublicKey(input, ctx) {
      const { user, key } = await requireUserKey(database.db, ctx.accountId, input.UserName, input.SSHPublicKeyId)
      return { SSHPublicKey: toShape(key, user, input.Encoding) }
    },

    async ListSSHPublicKeys(input, ctx) {
      const target = userTarget(input.UserName, ctx.caller)
      // The root user has no SSH public keys: they belong to IAM users.
      if (target.root) return { SSHPublicKeys: [], IsTruncated: false }
      const user = await requireUser(database.db, ctx.accountId, target.userName)
      const keys = await sshPublicKeyStore(database.db).listFor(ctx.accountId, user.userId)
      const page = paginate(keys, input, (key) => `${key.uploadedAt.toISOString()} ${key.keyId}`)
      return {
        SSHPublicKeys: page.items.map((key) => ({ UserName: user.userName, SSHPublicKeyId: key.keyId, Status: key.status, UploadDate: key.uploadedAt })),
        IsTruncated: page.IsTruncated,
        ...(page.Marker !== undefined && { Marker: page.Marker }),
      }
    },

    async UpdateSSHPublicKey(input, ctx) {
      await database.transaction(async (tx) => {
        const { key } = await requireUserKey(tx, ctx.accountId, input.UserName, input.SSHPublicKeyId)
        await sshPublicKeyStore(tx).setStatus(ctx.accountId, key.keyId, input.Status)
      })
    },

    async DeleteSSHPublicKey(input, ctx) {
      await database.transaction(async (tx) => {
        const { key } = await requireUserKey(tx, ctx.accountId, input.UserName, input.SSHPublicKeyId)
        await sshPublicKeyStore(tx).delete(ctx.accountId, key.keyId)
      })
    },
  } satisfies Partial<IamApi>

  // Every action's resource is the user (service authorization reference).
  const authorization = {
    UploadSSHPublicKey: (input, call) => ({ action: 'iam:UploadSSHPublicKey', resources: [userResourceArn(input.UserName, call)] }),
    GetSSHPublicKey: (input, call) => ({ action: 'iam:GetSSHPublicKey', resources: [userResourceArn(input.UserName, call)] }),
    ListSSHPublicKeys: (input, call) => ({ action: 'iam:ListSSHPublicKeys', resources: [userResourceArn(input.UserName, call)] }),
    UpdateSSHPublicKey: (input, call) => ({ action: 'iam:UpdateSSHPublicKey', resources: [userResourceArn(input.UserName, call)] }),
    DeleteSSHPublicKey: (input, call) => ({ action: 'iam:DeleteSSHPublicKey', resources: [userResourceArn(input.UserName, call)] }),
  } satisfies Partial<AuthorizationTable<IamApi>>

  return { handlers, authorization }
}

/** The user and its key; NoSuchEntity for an unknown user, or a key of another user. */
async function requireUserKey(db: Db, accountId: string, userName: string, keyId: string): Promise<{ user: IamUser; key: SshPublicKeyRecord }> {
  const user = await requireUser(db, accountId, userName)
  const key = await sshPublicKeyStore(db).get(accountId, keyId)
  if (!key || key.userId !== user.userId) throw new NoSuchEntityException(`The Public Key with id ${keyId} cannot be found.`)
  return { user, key }
}

function toShape(key: SshPublicKeyRecord, user: IamUser, encoding: 'SSH' | 'PEM'): SSHPublicKey {
  return {
    UserName: user.userName,
    SSHPublicKeyId: key.keyId,
    Fingerprint: key.fingerprint,
    SSHPublicKeyBody: encoding === 'PEM' ? pemEncoding(key.bodySsh) : key.bodySsh,
    Status: key.status,
    UploadDate: key.uploadedAt,
  }
}
