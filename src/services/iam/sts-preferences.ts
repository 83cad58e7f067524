// SetSecurityTokenServicePreferences: which session tokens the global STS endpoint issues (v1 valid only in regions
// enabled by default, v2 valid in every region), as GetAccountSummary reports it (GlobalEndpointTokenVersion).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SetSecurityTokenServicePreferences.html
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import type { Db } from '../../storage/schema.js'
import type { IamDeps } from './iam-deps.js'
import type { IamModule } from './index.js'

/** AWS's default: "By default, AWS STS is available in all regions … version 1 tokens" from the global endpoint. */
const DEFAULT_TOKEN_VERSION = 1

export function stsPreferencesModule({ database }: IamDeps): IamModule {
  const handlers = {
    async SetSecurityTokenServicePreferences(input, ctx) {
      const version = input.GlobalEndpointTokenVersion === 'v2Token' ? 2 : 1
      await database.transaction(async (tx) => {
        await tx.insertInto('iam_sts_preferences').values({ account_id: ctx.accountId, global_endpoint_token_version: version })
          .onConflict((conflict) => conflict.column('account_id').doUpdateSet({ global_endpoint_token_version: version }))
          .execute()
      })
    },
  } satisfies Partial<IamApi>

  const authorization = {
    // No resource type (service authorization reference).
    SetSecurityTokenServicePreferences: () => ({ action: 'iam:SetSecurityTokenServicePreferences', resources: ['*'] }),
  } satisfies Partial<AuthorizationTable<IamApi>>

  return { handlers, authorization }
}

/** GetAccountSummary's GlobalEndpointTokenVersion: 1 or 2. */
export async function globalEndpointTokenVersion(db: Db, accountId: string): Promise<number> {
  const row = await db.selectFrom('iam_sts_preferences').select('global_endpoint_token_version').where('account_id', '=', accountId).executeTakeFirst()
  return row ? Number(row.global_endpoint_token_version) : DEFAULT_TOKEN_VERSION
}
