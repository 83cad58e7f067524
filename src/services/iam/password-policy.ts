// The account password policy: UpdateAccountPasswordPolicy, GetAccountPasswordPolicy, DeleteAccountPasswordPolicy.
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { NoSuchEntityException } from '../../generated/iam/errors.js'
import type { IamDeps } from './iam-deps.js'
import type { IamModule } from './index.js'
import { accountSettingGrant, notifyPasswordPolicyChange, passwordPolicyChangesApplied } from './password-change-index.js'
import { deletePasswordPolicy, readPasswordPolicy, toPasswordPolicyShape, writePasswordPolicy, type StoredPasswordPolicy } from './password-policy-store.js'

/**
 * "If you do not specify a value for a parameter, that parameter's value reverts to its default value"; the
 * minimum length defaults to 6 (https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html).
 */
const UPDATE_DEFAULT_MINIMUM_LENGTH = 6

export function passwordPolicyOperations({ database, passwordChanges }: IamDeps): IamModule {
  const handlers = {
    async UpdateAccountPasswordPolicy(input, ctx) {
      const policy: StoredPasswordPolicy = {
        MinimumPasswordLength: input.MinimumPasswordLength ?? UPDATE_DEFAULT_MINIMUM_LENGTH,
        RequireSymbols: input.RequireSymbols ?? false,
        RequireNumbers: input.RequireNumbers ?? false,
        RequireUppercaseCharacters: input.RequireUppercaseCharacters ?? false,
        RequireLowercaseCharacters: input.RequireLowercaseCharacters ?? false,
        AllowUsersToChangePassword: input.AllowUsersToChangePassword ?? false,
        ...(input.MaxPasswordAge !== undefined ? { MaxPasswordAge: input.MaxPasswordAge } : {}),
        ...(input.PasswordReusePrevention !== undefined ? { PasswordReusePrevention: input.PasswordReusePrevention } : {}),
        ...(input.HardExpiry !== undefined ? { HardExpiry: input.HardExpiry } : {}),
      }
      await database.transaction(async (tx) => {
        await writePasswordPolicy(tx, ctx.accountId, policy)
        await notifyPasswordPolicyChange(database, ctx.accountId)
      })
      await passwordPolicyChangesApplied(database) // AllowUsersToChangePassword applies to the very next request
    },

    async GetAccountPasswordPolicy(_input, ctx) {
      const policy = await readPasswordPolicy(database.db, ctx.accountId)
      if (!policy) throw noPolicy(ctx.accountId)
      return { PasswordPolicy: toPasswordPolicyShape(policy) }
    },

    async DeleteAccountPasswordPolicy(_input, ctx) {
      await database.transaction(async (tx) => {
        if (!(await deletePasswordPolicy(tx, ctx.accountId))) throw noPolicy(ctx.accountId)
        await notifyPasswordPolicyChange(database, ctx.accountId)
      })
      await passwordPolicyChangesApplied(database)
    },
  } satisfies Partial<IamApi>

  // These actions have no resource type (service authorization reference).
  const authorization = {
    UpdateAccountPasswordPolicy: () => ({ action: 'iam:UpdateAccountPasswordPolicy', resources: ['*'] }),
    // Users who may change their own password may also read the rules a new one must meet (AllowUsersToChangePassword).
    GetAccountPasswordPolicy: (_input, call) => {
      const grant = accountSettingGrant(passwordChanges, call.caller)
      return { action: 'iam:GetAccountPasswordPolicy', resources: ['*'], ...(grant && { resourcePolicies: grant }) }
    },
    DeleteAccountPasswordPolicy: () => ({ action: 'iam:DeleteAccountPasswordPolicy', resources: ['*'] }),
  } satisfies Partial<AuthorizationTable<IamApi>>

  return { handlers, authorization }
}

// AWS names the account by its id in this message ("domain name").
function noPolicy(accountId: string): NoSuchEntityException {
  return new NoSuchEntityException(`The Password Policy with domain name ${accountId} cannot be found.`)
}
