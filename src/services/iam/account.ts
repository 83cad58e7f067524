// The account's IAM settings and figures: CreateAccountAlias, DeleteAccountAlias, ListAccountAliases, GetAccountSummary.
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { EntityAlreadyExistsException, NoSuchEntityException } from '../../generated/iam/errors.js'
import { DuplicateKeyError } from '../../storage/duplicate-key-error.js'
import type { Db } from '../../storage/schema.js'
import { ACCESS_KEYS_PER_USER_QUOTA } from './access-keys.js'
import { accountOfAlias, deleteAccountAlias, findAccountAlias, insertAccountAlias } from './account-aliases-store.js'
import { GROUPS_PER_USER_QUOTA } from './groups.js'
import type { IamDeps } from './iam-deps.js'
import type { IamModule } from './index.js'
import { paginate } from './pagination.js'
import { serverCertificateStore } from './server-certificates-store.js'
import { signingCertificateStore } from './signing-certificates-store.js'
import { globalEndpointTokenVersion } from './sts-preferences.js'

/**
 * AWS's default quotas, as GetAccountSummary reports them
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities).
 */
export const ACCOUNT_QUOTAS = {
  UsersQuota: 5000,
  GroupsQuota: 300,
  RolesQuota: 1000,
  PoliciesQuota: 1500,
  InstanceProfilesQuota: 1000,
  ServerCertificatesQuota: 20,
  AccessKeysPerUserQuota: ACCESS_KEYS_PER_USER_QUOTA,
  GroupsPerUserQuota: GROUPS_PER_USER_QUOTA,
  SigningCertificatesPerUserQuota: 2,
  AttachedPoliciesPerUserQuota: 10,
  AttachedPoliciesPerGroupQuota: 10,
  AttachedPoliciesPerRoleQuota: 10,
  VersionsPerPolicyQuota: 5,
  PolicyVersionsInUseQuota: 10000,
  PolicySizeQuota: 6144,
  UserPolicySizeQuota: 2048,
  GroupPolicySizeQuota: 5120,
  RolePolicySizeQuota: 10240,
  AssumeRolePolicySizeQuota: 2048,
} as const

export function accountOperations({ database }: IamDeps): IamModule {
  const handlers = {
    async CreateAccountAlias(input, ctx) {
      await database.transaction(async (tx) => {
        const owner = await accountOfAlias(tx, input.AccountAlias)
        if (owner === ctx.accountId) return
        if (owner !== undefined) throw aliasTaken(input.AccountAlias)
        // An account has one alias: a new one replaces the old (the API models aliases as a list for the future).
        const current = await findAccountAlias(tx, ctx.accountId)
        if (current !== undefined) await deleteAccountAlias(tx, ctx.accountId, current)
        await insertAccountAlias(tx, ctx.accountId, input.AccountAlias).catch((error: unknown) => {
          throw error instanceof DuplicateKeyError ? aliasTaken(input.AccountAlias) : error
        })
      })
    },

    async DeleteAccountAlias(input, ctx) {
      await database.transaction(async (tx) => {
        if (!(await deleteAccountAlias(tx, ctx.accountId, input.AccountAlias))) {
          throw new NoSuchEntityException(`The account alias ${input.AccountAlias} cannot be found.`)
        }
      })
    },

    async ListAccountAliases(input, ctx) {
      const alias = await findAccountAlias(database.db, ctx.accountId)
      const page = paginate(alias === undefined ? [] : [alias], input, (name) => name)
      return { AccountAliases: page.items, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) }
    },

    async GetAccountSummary(_input, ctx) {
      return { SummaryMap: await accountSummary(database.db, ctx.accountId) }
    },
  } satisfies Partial<IamApi>

  // These actions have no resource type (service authorization reference).
  const authorization = {
    CreateAccountAlias: () => ({ action: 'iam:CreateAccountAlias', resources: ['*'] }),
    DeleteAccountAlias: () => ({ action: 'iam:DeleteAccountAlias', resources: ['*'] }),
    ListAccountAliases: () => ({ action: 'iam:ListAccountAliases', resources: ['*'] }),
    GetAccountSummary: () => ({ action: 'iam:GetAccountSummary', resources: ['*'] }),
  } satisfies Partial<AuthorizationTable<IamApi>>

  return { handlers, authorization }
}

/** GetAccountSummary's SummaryMap: the account's entity counts beside AWS's quotas. */
export async function accountSummary(db: Db, accountId: string): Promise<Record<string, number>> {
  // INVARIANT: every counted table has account_id; the cast only names one of them for the query builder's types.
  const count = async (table: CountedTable): Promise<number> => {
    const row = await db.selectFrom(table as 'iam_users').select((eb) => eb.fn.countAll<number | string>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow()
    return Number(row.n)
  }
  const mfaInUse = await db.selectFrom('iam_mfa_devices').select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId).where('enabled_at', 'is not', null).executeTakeFirstOrThrow()
  const rootKey = await db.selectFrom('access_keys').select('access_key_id').where('account_id', '=', accountId).where('user_name', 'is', null).executeTakeFirst()
  return {
    Users: await count('iam_users'),
    Groups: await count('iam_groups'),
    Roles: await count('iam_roles'),
    Policies: await count('iam_policies'),
    InstanceProfiles: await count('iam_instance_profiles'),
    Providers: (await count('iam_oidc_providers')) + (await count('iam_saml_providers')),
    MFADevices: await count('iam_mfa_devices'),
    MFADevicesInUse: Number(mfaInUse.n),
    // Virtual MFA for the root user is not stored yet: root MFA is never enabled.
    AccountMFAEnabled: 0,
    AccountAccessKeysPresent: rootKey ? 1 : 0,
    AccountSigningCertificatesPresent: (await signingCertificateStore(db).listFor(accountId, accountId)).length > 0 ? 1 : 0,
    // Each attachment of a managed policy keeps one of its versions in use.
    PolicyVersionsInUse: await count('iam_policy_attachments'),
    ServerCertificates: await serverCertificateStore(db).count(accountId),
    ...ACCOUNT_QUOTAS,
    GlobalEndpointTokenVersion: await globalEndpointTokenVersion(db, accountId),
  }
}

type CountedTable = 'iam_users' | 'iam_groups' | 'iam_roles' | 'iam_policies' | 'iam_instance_profiles' | 'iam_oidc_providers' | 'iam_saml_providers' | 'iam_mfa_devices' | 'iam_policy_attachments'

function aliasTaken(alias: string): EntityAlreadyExistsException {
  return new EntityAlreadyExistsException(`The account alias ${alias} already exists.`)
}
