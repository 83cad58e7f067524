// KmsStore: the SQL for keys, their material versions, aliases, grants and grant tokens (rows as the migrations define them).
import type { Db } from '../../storage/schema.js'
import type { KmsAliasRow, KmsGrantRow, KmsKeyMaterialRow, KmsKeyRow } from '../../storage/migrations/0006-kms.js'
import type { KmsGrantTokenRow } from '../../storage/migrations/0011-kms-grant-tokens.js'

export type { KmsAliasRow, KmsGrantRow, KmsGrantTokenRow, KmsKeyMaterialRow, KmsKeyRow }

/** Everything stored about one key. */
export interface KeyRows {
  readonly key: KmsKeyRow
  readonly materials: readonly KmsKeyMaterialRow[]
  readonly aliases: readonly KmsAliasRow[]
  readonly grants: readonly KmsGrantRow[]
}

export type KeyRowPatch = Partial<Omit<KmsKeyRow, 'account_id' | 'key_id'>>

export function kmsStore(db: Db) {
  return {
    async insertKey(key: KmsKeyRow, material: KmsKeyMaterialRow): Promise<void> {
      await db.insertInto('kms_keys').values(key).execute()
      await db.insertInto('kms_key_materials').values(material).execute()
    },

    async updateKey(accountId: string, keyId: string, patch: KeyRowPatch): Promise<void> {
      await db.updateTable('kms_keys').set(patch).where('account_id', '=', accountId).where('key_id', '=', keyId).execute()
    },

    /**
     * Deletes a key pending deletion whose deletion date is `now` or earlier, with its material, aliases, grants and
     * grant tokens; false (nothing deleted) when it is not, or no longer, due (CancelKeyDeletion undid it, another
     * process deleted it). The condition is in the statement, so a concurrent change is never overwritten.
     */
    async deleteKeyIfDue(accountId: string, keyId: string, now: Date): Promise<boolean> {
      const { numDeletedRows } = await db.deleteFrom('kms_keys').where('account_id', '=', accountId).where('key_id', '=', keyId)
        .where('key_state', '=', 'PendingDeletion').where('deletion_date', '<=', now.toISOString()).executeTakeFirst()
      if (numDeletedRows === 0n) return false
      for (const table of ['kms_key_materials', 'kms_aliases', 'kms_grants', 'kms_grant_tokens'] as const) {
        await db.deleteFrom(table).where('account_id', '=', accountId).where('key_id', '=', keyId).execute()
      }
      return true
    },

    async insertMaterial(material: KmsKeyMaterialRow): Promise<void> {
      await db.insertInto('kms_key_materials').values(material).execute()
    },

    async allMaterials(): Promise<KmsKeyMaterialRow[]> {
      return db.selectFrom('kms_key_materials').selectAll().execute()
    },

    async resealMaterial(accountId: string, keyId: string, version: number, sealed: string): Promise<void> {
      await db.updateTable('kms_key_materials').set({ sealed })
        .where('account_id', '=', accountId).where('key_id', '=', keyId).where('version', '=', version).execute()
    },

    /** DuplicateKeyError when the alias exists. */
    async insertAlias(alias: KmsAliasRow): Promise<void> {
      await db.insertInto('kms_aliases').values(alias).execute()
    },

    async retargetAlias(accountId: string, aliasName: string, keyId: string, updatedAt: string): Promise<void> {
      await db.updateTable('kms_aliases').set({ key_id: keyId, updated_at: updatedAt })
        .where('account_id', '=', accountId).where('alias_name', '=', aliasName).execute()
    },

    async deleteAlias(accountId: string, aliasName: string): Promise<void> {
      await db.deleteFrom('kms_aliases').where('account_id', '=', accountId).where('alias_name', '=', aliasName).execute()
    },

    async insertGrant(grant: KmsGrantRow): Promise<void> {
      await db.insertInto('kms_grants').values(grant).execute()
    },

    /** The grants of a key that carry `name` (CreateGrant retries match one of them). */
    async namedGrants(accountId: string, keyId: string, name: string): Promise<KmsGrantRow[]> {
      return db.selectFrom('kms_grants').selectAll()
        .where('account_id', '=', accountId).where('key_id', '=', keyId).where('name', '=', name).orderBy('created_at').execute()
    },

    /** A further token of an existing grant. */
    async insertGrantToken(token: KmsGrantTokenRow): Promise<void> {
      await db.insertInto('kms_grant_tokens').values(token).execute()
    },

    /** A deleted grant takes its further tokens with it. */
    async deleteGrant(accountId: string, grantId: string): Promise<void> {
      await db.deleteFrom('kms_grants').where('account_id', '=', accountId).where('grant_id', '=', grantId).execute()
      await db.deleteFrom('kms_grant_tokens').where('account_id', '=', accountId).where('grant_id', '=', grantId).execute()
    },

    /** The further grant tokens of one key, or of every key. */
    async grantTokens(key?: { accountId: string; keyId: string }): Promise<KmsGrantTokenRow[]> {
      let query = db.selectFrom('kms_grant_tokens').selectAll()
      if (key) query = query.where('account_id', '=', key.accountId).where('key_id', '=', key.keyId)
      return query.orderBy('created_at').execute()
    },

    async loadKey(accountId: string, keyId: string): Promise<KeyRows | undefined> {
      const key = await db.selectFrom('kms_keys').selectAll().where('account_id', '=', accountId).where('key_id', '=', keyId).executeTakeFirst()
      if (!key) return undefined
      const [materials, aliases, grants] = await Promise.all([
        db.selectFrom('kms_key_materials').selectAll().where('account_id', '=', accountId).where('key_id', '=', keyId).orderBy('version').execute(),
        db.selectFrom('kms_aliases').selectAll().where('account_id', '=', accountId).where('key_id', '=', keyId).execute(),
        db.selectFrom('kms_grants').selectAll().where('account_id', '=', accountId).where('key_id', '=', keyId).orderBy('created_at').execute(),
      ])
      return { key, materials, aliases, grants }
    },

    /** Every key with its rows, in one read per table. */
    async loadAll(): Promise<KeyRows[]> {
      const [keys, materials, aliases, grants] = await Promise.all([
        db.selectFrom('kms_keys').selectAll().execute(),
        db.selectFrom('kms_key_materials').selectAll().orderBy('version').execute(),
        db.selectFrom('kms_aliases').selectAll().execute(),
        db.selectFrom('kms_grants').selectAll().orderBy('created_at').execute(),
      ])
      const id = (row: { account_id: string; key_id: string }) => `${row.account_id}/${row.key_id}`
      const group = <R extends { account_id: string; key_id: string }>(rows: readonly R[]) => {
        const map = new Map<string, R[]>()
        for (const row of rows) map.set(id(row), [...(map.get(id(row)) ?? []), row])
        return map
      }
      const byMaterial = group(materials)
      const byAlias = group(aliases)
      const byGrant = group(grants)
      return keys.map((key) => ({
        key,
        materials: byMaterial.get(id(key)) ?? [],
        aliases: byAlias.get(id(key)) ?? [],
        grants: byGrant.get(id(key)) ?? [],
      }))
    },
  }
}

export type KmsStore = ReturnType<typeof kmsStore>
