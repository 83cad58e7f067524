// Console passwords of IAM users: CreateLoginProfile, GetLoginProfile, UpdateLoginProfile, DeleteLoginProfile,
// ChangePassword, and verifyConsolePassword for the console's sign-in.
import { AwsError } from '../../core/aws-error.js'
import type { AuthorizationTable } from '../../core/authorization-target.js'
import { AccessDeniedError } from '../../core/common-errors.js'
import { hashPassword, verifyPassword } from '../../crypto/password-hash.js'
import type { IamApi } from '../../generated/iam/api.js'
import { EntityAlreadyExistsException, InvalidInputException, InvalidUserTypeException, NoSuchEntityException } from '../../generated/iam/errors.js'
import { DuplicateKeyError } from '../../storage/duplicate-key-error.js'
import { accountOfAlias } from './account-aliases-store.js'
import type { IamDeps } from './iam-deps.js'
import type { IamModule } from './index.js'
import {
  deleteLoginProfile,
  findLoginProfile,
  insertLoginProfile,
  recentPasswordHashes,
  recordPasswordUse,
  rememberPassword,
  updateLoginProfile,
  type LoginProfile,
} from './login-profiles-store.js'
import { accountSettingGrant } from './password-change-index.js'
import { checkPasswordRules, reuseViolation } from './password-policy-check.js'
import { readPasswordPolicy, type StoredPasswordPolicy } from './password-policy-store.js'
import { findUser, requireUser, type IamUser } from './users-store.js'
import { callerUserName, userResourceArn, userTarget } from './users-target.js'

export function loginProfileOperations(deps: IamDeps): IamModule {
  const { database, clock } = deps

  /** Checks a new password against the policy and the user's history, and hashes it (outside any transaction: scrypt is slow). */
  async function acceptPassword(accountId: string, userName: string, password: string): Promise<string> {
    const policy = await readPasswordPolicy(database.db, accountId)
    checkPasswordRules(password, policy)
    const remembered = policy?.PasswordReusePrevention
    if (remembered) {
      for (const hash of await recentPasswordHashes(database.db, accountId, userName, remembered)) {
        if (await verifyPassword(password, hash)) throw reuseViolation(remembered)
      }
    }
    return hashPassword(password)
  }

  const handlers = {
    async CreateLoginProfile(input, ctx) {
      const target = userTarget(input.UserName, ctx.caller)
      if (target.root) throw new AwsError('ValidationError', 400, 'Must specify userName when calling with non-User credentials')
      if (input.Password === undefined) throw new AwsError('ValidationError', 400, "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null")
      const user = await requireUser(database.db, ctx.accountId, target.userName)
      if (await findLoginProfile(database.db, ctx.accountId, user.userName)) throw profileExists(user.userName)
      const hash = await acceptPassword(ctx.accountId, user.userName, input.Password)
      const now = clock.now()
      const profile: LoginProfile = { passwordHash: hash, passwordResetRequired: input.PasswordResetRequired ?? false, createdAt: now, passwordChangedAt: now }
      await database.transaction(async (tx) => {
        await requireUser(tx, ctx.accountId, user.userName)
        await insertLoginProfile(tx, ctx.accountId, user.userName, profile).catch((error: unknown) => {
          throw error instanceof DuplicateKeyError ? profileExists(user.userName) : error
        })
        await rememberPassword(tx, ctx.accountId, user.userName, hash, now)
      })
      return { LoginProfile: { UserName: user.userName, CreateDate: now, PasswordResetRequired: profile.passwordResetRequired } }
    },

    async GetLoginProfile(input, ctx) {
      const target = userTarget(input.UserName, ctx.caller)
      if (target.root) throw new AwsError('ValidationError', 400, 'Must specify userName when calling with non-User credentials')
      const user = await requireUser(database.db, ctx.accountId, target.userName)
      const profile = await requireProfile(user)
      return { LoginProfile: { UserName: user.userName, CreateDate: profile.createdAt, PasswordResetRequired: profile.passwordResetRequired } }
    },

    async UpdateLoginProfile(input, ctx) {
      const user = await requireUser(database.db, ctx.accountId, input.UserName)
      await requireProfile(user)
      const hash = input.Password === undefined ? undefined : await acceptPassword(ctx.accountId, user.userName, input.Password)
      const now = clock.now()
      await database.transaction(async (tx) => {
        if (!(await findLoginProfile(tx, ctx.accountId, user.userName))) throw noProfile(user.userName)
        await updateLoginProfile(tx, ctx.accountId, user.userName, {
          ...(hash ? { password: { hash, at: now } } : {}),
          ...(input.PasswordResetRequired !== undefined ? { passwordResetRequired: input.PasswordResetRequired } : {}),
        })
        if (hash) await rememberPassword(tx, ctx.accountId, user.userName, hash, now)
      })
    },

    async DeleteLoginProfile(input, ctx) {
      const target = userTarget(input.UserName, ctx.caller)
      if (target.root) throw new AwsError('ValidationError', 400, 'Must specify userName when calling with non-User credentials')
      await database.transaction(async (tx) => {
        const user = await requireUser(tx, ctx.accountId, target.userName)
        if (!(await deleteLoginProfile(tx, ctx.accountId, user.userName))) throw noProfile(user.userName)
      })
    },

    async ChangePassword(input, ctx) {
      const userName = callerUserName(ctx.caller)
      // "Changes the password of the IAM user who is calling this operation. This operation can be performed using
      // the CLI, the Amazon Web Services API, or the My Security Credentials page in the console. The root user
      // password is not affected by this operation." (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ChangePassword.html)
      if (userName === undefined) throw new InvalidUserTypeException('Only IAM users can change their own password with ChangePassword.')
      const user = await requireUser(database.db, ctx.accountId, userName)
      const profile = await requireProfile(user)
      if (!(await verifyPassword(input.OldPassword, profile.passwordHash))) throw new InvalidInputException('The old password is incorrect.')
      const policy = await readPasswordPolicy(database.db, ctx.accountId)
      if (isHardExpired(profile, policy, clock.now())) throw new AccessDeniedError('Your password has expired; an administrator must reset it (HardExpiry).')
      const hash = await acceptPassword(ctx.accountId, user.userName, input.NewPassword)
      const now = clock.now()
      await database.transaction(async (tx) => {
        await updateLoginProfile(tx, ctx.accountId, user.userName, { password: { hash, at: now }, passwordResetRequired: false })
        await rememberPassword(tx, ctx.accountId, user.userName, hash, now)
      })
    },
  } satisfies Partial<IamApi>

  async function requireProfile(user: IamUser): Promise<LoginProfile> {
    const profile = await findLoginProfile(database.db, user.accountId, user.userName)
    if (!profile) throw noProfile(user.userName)
    return profile
  }

  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
  const authorization = {
    CreateLoginProfile: (input, call) => ({ action: 'iam:CreateLoginProfile', resources: [userResourceArn(input.UserName, call)] }),
    GetLoginProfile: (input, call) => ({ action: 'iam:GetLoginProfile', resources: [userResourceArn(input.UserName, call)] }),
    UpdateLoginProfile: (input, call) => ({ action: 'iam:UpdateLoginProfile', resources: [userResourceArn(input.UserName, call)] }),
    DeleteLoginProfile: (input, call) => ({ action: 'iam:DeleteLoginProfile', resources: [userResourceArn(input.UserName, call)] }),
    // A user may change its own password when its policies allow iam:ChangePassword on itself, or when the account
    // password policy has AllowUsersToChangePassword, which grants like a resource policy naming the user: an
    // explicit deny in its policies still wins
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_enable-user-change.html).
    ChangePassword: (_input, call) => {
      const grant = accountSettingGrant(deps.passwordChanges, call.caller)
      return { action: 'iam:ChangePassword', resources: [call.caller.arn], ...(grant && { resourcePolicies: grant }) }
    },
  } satisfies Partial<AuthorizationTable<IamApi>>

  return { handlers, authorization }
}

/** What a console sign-in with a user name and password comes to. */
export type ConsoleSignIn =
  | { readonly ok: false; readonly reason: 'unknown-account' | 'bad-credentials' | 'hard-expired' }
  | {
      readonly ok: true
      readonly user: IamUser
      /** The user must choose a new password before anything else (PasswordResetRequired or an expired password). */
      readonly mustChangePassword: boolean
    }

/**
 * Checks an IAM user's console password for the account given by id or alias, and records the sign-in
 * (User.PasswordLastUsed). A wrong user name and a wrong password look the same to the caller.
 */
export async function verifyConsolePassword(deps: Pick<IamDeps, 'database' | 'clock'>, accountIdOrAlias: string, userName: string, password: string): Promise<ConsoleSignIn> {
  const db = deps.database.db
  const accountId = /^\d{12}$/.test(accountIdOrAlias) ? accountIdOrAlias : await accountOfAlias(db, accountIdOrAlias)
  if (accountId === undefined) return { ok: false, reason: 'unknown-account' }
  const user = await findUser(db, accountId, userName)
  const profile = user && (await findLoginProfile(db, accountId, user.userName))
  if (!user || !profile || !(await verifyPassword(password, profile.passwordHash))) return { ok: false, reason: 'bad-credentials' }
  const now = deps.clock.now()
  const policy = await readPasswordPolicy(db, accountId)
  if (isHardExpired(profile, policy, now)) return { ok: false, reason: 'hard-expired' }
  await deps.database.transaction((tx) => recordPasswordUse(tx, accountId, user.userName, now))
  return { ok: true, user: { ...user, passwordLastUsed: now }, mustChangePassword: profile.passwordResetRequired || isExpired(profile, policy, now) }
}

function isExpired(profile: LoginProfile, policy: StoredPasswordPolicy | undefined, now: Date): boolean {
  if (policy?.MaxPasswordAge === undefined) return false
  return now.getTime() - profile.passwordChangedAt.getTime() > policy.MaxPasswordAge * 86_400_000
}

// "HardExpiry: Prevents IAM users who are accessing the account via the Amazon Web Services Management Console
// from setting a new console password after their password has expired."
function isHardExpired(profile: LoginProfile, policy: StoredPasswordPolicy | undefined, now: Date): boolean {
  return policy?.HardExpiry === true && isExpired(profile, policy, now)
}

function profileExists(userName: string): EntityAlreadyExistsException {
  return new EntityAlreadyExistsException(`Login Profile for user ${userName} already exists.`)
}

function noProfile(userName: string): NoSuchEntityException {
  return new NoSuchEntityException(`Login Profile for User ${userName} cannot be found.`)
}
