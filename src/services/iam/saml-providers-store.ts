// SamlProviderStore: SAML 2.0 identity providers as rows of `iam_saml_providers`.
import { fromDbTimestamp, toDbTimestamp } from '../../storage/columns.js'
import type { IamSamlProviderRow } from '../../storage/migrations/0003-iam.js'
import type { Db } from '../../storage/schema.js'
import { nameKey } from './iam-names.js'

export interface SamlProviderRecord {
  readonly accountId: string
  readonly name: string
  readonly arn: string
  /** The IdP's metadata XML as uploaded. */
  readonly metadataDocument: string
  readonly createdAt: Date
  readonly validUntil?: Date
}

export interface SamlProviderStore {
  get(accountId: string, name: string): Promise<SamlProviderRecord | undefined>
  /** DuplicateKeyError when the name (in any case) is taken in the account. */
  insert(provider: SamlProviderRecord): Promise<void>
  /** Ordered by name key. */
  list(accountId: string): Promise<SamlProviderRecord[]>
  count(accountId: string): Promise<number>
  updateMetadata(accountId: string, name: string, metadataDocument: string, validUntil: Date | undefined): Promise<void>
  delete(accountId: string, name: string): Promise<void>
}

export function samlProviderStore(db: Db): SamlProviderStore {
  return {
    async get(accountId, name) {
      const row = await db.selectFrom('iam_saml_providers').selectAll().where('account_id', '=', accountId).where('name_key', '=', nameKey(name)).executeTakeFirst()
      return row && toProvider(row)
    },

    async insert(provider) {
      await db
        .insertInto('iam_saml_providers')
        .values({
          account_id: provider.accountId,
          name_key: nameKey(provider.name),
          name: provider.name,
          arn: provider.arn,
          metadata_document: provider.metadataDocument,
          created_at: toDbTimestamp(provider.createdAt),
          valid_until: provider.validUntil ? toDbTimestamp(provider.validUntil) : null,
        })
        .execute()
    },

    async list(accountId) {
      const rows = await db.selectFrom('iam_saml_providers').selectAll().where('account_id', '=', accountId).orderBy('name_key').execute()
      return rows.map(toProvider)
    },

    async count(accountId) {
      const row = await db.selectFrom('iam_saml_providers').select((eb) => eb.fn.countAll<number | string>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow()
      return Number(row.n)
    },

    async updateMetadata(accountId, name, metadataDocument, validUntil) {
      await db
        .updateTable('iam_saml_providers')
        .set({ metadata_document: metadataDocument, valid_until: validUntil ? toDbTimestamp(validUntil) : null })
        .where('account_id', '=', accountId)
        .where('name_key', '=', nameKey(name))
        .execute()
    },

    async delete(accountId, name) {
      await db.deleteFrom('iam_saml_providers').where('account_id', '=', accountId).where('name_key', '=', nameKey(name)).execute()
    },
  }
}

function toProvider(row: IamSamlProviderRow): SamlProviderRecord {
  return {
    accountId: row.account_id,
    name: row.name,
    arn: row.arn,
    metadataDocument: row.metadata_document,
    createdAt: fromDbTimestamp(row.created_at),
    ...(row.valid_until !== null && { validUntil: fromDbTimestamp(row.valid_until) }),
  }
}
