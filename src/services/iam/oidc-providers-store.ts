// OidcProviderStore: OpenID Connect identity providers as rows of `iam_oidc_providers` (lists kept as JSON text).
import { fromDbTimestamp, toDbTimestamp } from '../../storage/columns.js'
import type { IamOidcProviderRow } from '../../storage/migrations/0003-iam.js'
import type { Db } from '../../storage/schema.js'

export interface OidcProviderRecord {
  readonly accountId: string
  /** The issuer without `https://`, host lower-cased, no trailing slash: what follows `oidc-provider/` in the ARN. */
  readonly urlKey: string
  /** The URL as the caller gave it. */
  readonly url: string
  readonly arn: string
  readonly clientIds: readonly string[]
  readonly thumbprints: readonly string[]
  readonly createdAt: Date
}

export interface OidcProviderStore {
  get(accountId: string, urlKey: string): Promise<OidcProviderRecord | undefined>
  /** DuplicateKeyError when a provider for the URL exists in the account. */
  insert(provider: OidcProviderRecord): Promise<void>
  /** Ordered by ARN. */
  list(accountId: string): Promise<OidcProviderRecord[]>
  count(accountId: string): Promise<number>
  update(accountId: string, urlKey: string, changes: Partial<Pick<OidcProviderRecord, 'clientIds' | 'thumbprints'>>): Promise<void>
  delete(accountId: string, urlKey: string): Promise<void>
}

export function oidcProviderStore(db: Db): OidcProviderStore {
  return {
    async get(accountId, urlKey) {
      const row = await db.selectFrom('iam_oidc_providers').selectAll().where('account_id', '=', accountId).where('url_key', '=', urlKey).executeTakeFirst()
      return row && toProvider(row)
    },

    async insert(provider) {
      await db
        .insertInto('iam_oidc_providers')
        .values({
          account_id: provider.accountId,
          url_key: provider.urlKey,
          url: provider.url,
          arn: provider.arn,
          client_ids: JSON.stringify(provider.clientIds),
          thumbprints: JSON.stringify(provider.thumbprints),
          created_at: toDbTimestamp(provider.createdAt),
        })
        .execute()
    },

    async list(accountId) {
      const rows = await db.selectFrom('iam_oidc_providers').selectAll().where('account_id', '=', accountId).orderBy('arn').execute()
      return rows.map(toProvider)
    },

    async count(accountId) {
      const row = await db.selectFrom('iam_oidc_providers').select((eb) => eb.fn.countAll<number | string>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow()
      return Number(row.n)
    },

    async update(accountId, urlKey, changes) {
      await db
        .updateTable('iam_oidc_providers')
        .set({
          ...(changes.clientIds !== undefined && { client_ids: JSON.stringify(changes.clientIds) }),
          ...(changes.thumbprints !== undefined && { thumbprints: JSON.stringify(changes.thumbprints) }),
        })
        .where('account_id', '=', accountId)
        .where('url_key', '=', urlKey)
        .execute()
    },

    async delete(accountId, urlKey) {
      await db.deleteFrom('iam_oidc_providers').where('account_id', '=', accountId).where('url_key', '=', urlKey).execute()
    },
  }
}

function toProvider(row: IamOidcProviderRow): OidcProviderRecord {
  return {
    accountId: row.account_id,
    urlKey: row.url_key,
    url: row.url,
    arn: row.arn,
    clientIds: JSON.parse(row.client_ids) as string[],
    thumbprints: JSON.parse(row.thumbprints) as string[],
    createdAt: fromDbTimestamp(row.created_at),
  }
}
