// KmsStore on every dialect: keys with their material versions, aliases and grants read back, duplicate aliases
// refused, a deleted key taking its rows with it, and the root-key re-wrap.
import { expect, it } from 'vitest'
import { kmsStore, type KmsGrantRow, type KmsKeyMaterialRow, type KmsKeyRow } from '../../src/services/kms/store.js'
import { DuplicateKeyError } from '../../src/storage/duplicate-key-error.js'
import { forEachDialect } from '../../src/storage/testing.js'

const ACCOUNT = '123456789012'
const KEY = '0b1a4f0e-5d7c-4c3e-9f2a-1b2c3d4e5f60'
const AT = '2026-01-02T03:04:05.678Z'

const key: KmsKeyRow = {
  account_id: ACCOUNT, key_id: KEY, description: 'd', key_usage: 'ENCRYPT_DECRYPT', key_spec: 'SYMMETRIC_DEFAULT',
  key_state: 'Enabled', created_at: AT, deletion_date: null, pending_window_days: null, policy: '{}',
  rotation_enabled: 0, rotation_period_days: null, next_rotation_date: null, tags: '{"team":"red"}',
}
const material = (version: number): KmsKeyMaterialRow =>
  ({ account_id: ACCOUNT, key_id: KEY, version, sealed: `v1:sealed-${version}`, created_at: AT, rotation_type: version === 1 ? null : 'ON_DEMAND' })
const grant: KmsGrantRow = {
  account_id: ACCOUNT, grant_id: 'g'.repeat(64), key_id: KEY, name: null, grantee_principal: ACCOUNT, retiring_principal: null,
  operations: '["Encrypt"]', constraints: null, token_hash: 'h'.repeat(64), issuing_account: `arn:aws:iam::${ACCOUNT}:root`, created_at: AT,
}

forEachDialect('kmsStore', (dialect) => {
  it('reads a key back with its material versions in order, aliases and grants', async () => {
    const store = kmsStore((await dialect.open()).db)
    await store.insertKey(key, material(1))
    await store.insertMaterial(material(2))
    await store.insertAlias({ account_id: ACCOUNT, alias_name: 'alias/a', key_id: KEY, created_at: AT, updated_at: AT })
    await store.insertGrant(grant)
    const rows = await store.loadKey(ACCOUNT, KEY)
    expect(rows).toEqual({ key, materials: [material(1), material(2)], aliases: [expect.objectContaining({ alias_name: 'alias/a' })], grants: [grant] })
    expect(await store.loadAll()).toEqual([rows])
    expect(await store.loadKey('999999999999', KEY)).toBeUndefined()
  })

  it('refuses a second alias of the same name in the account with DuplicateKeyError', async () => {
    const store = kmsStore((await dialect.open()).db)
    await store.insertAlias({ account_id: ACCOUNT, alias_name: 'alias/a', key_id: KEY, created_at: AT, updated_at: AT })
    await expect(store.insertAlias({ account_id: ACCOUNT, alias_name: 'alias/a', key_id: 'other', created_at: AT, updated_at: AT }))
      .rejects.toBeInstanceOf(DuplicateKeyError)
    await expect(store.insertAlias({ account_id: '999999999999', alias_name: 'alias/a', key_id: KEY, created_at: AT, updated_at: AT })).resolves.toBeUndefined()
  })

  it('updates, re-seals and deletes a due key: a deleted key takes its material, aliases and grants', async () => {
    const store = kmsStore((await dialect.open()).db)
    await store.insertKey(key, material(1))
    await store.insertAlias({ account_id: ACCOUNT, alias_name: 'alias/a', key_id: KEY, created_at: AT, updated_at: AT })
    await store.insertGrant(grant)
    await store.updateKey(ACCOUNT, KEY, { key_state: 'PendingDeletion', deletion_date: AT, pending_window_days: 7 })
    await store.resealMaterial(ACCOUNT, KEY, 1, 'v1:resealed')
    const rows = await store.loadKey(ACCOUNT, KEY)
    expect(rows?.key).toMatchObject({ key_state: 'PendingDeletion', deletion_date: AT, pending_window_days: 7 })
    expect(rows?.materials[0]?.sealed).toBe('v1:resealed')
    // Not due before its deletion date; due at it.
    expect(await store.deleteKeyIfDue(ACCOUNT, KEY, new Date(new Date(AT).getTime() - 1))).toBe(false)
    expect(await store.loadKey(ACCOUNT, KEY)).toBeDefined()
    expect(await store.deleteKeyIfDue(ACCOUNT, KEY, new Date(AT))).toBe(true)
    expect(await store.loadAll()).toEqual([])
    expect(await store.allMaterials()).toEqual([])
    expect(await store.deleteKeyIfDue(ACCOUNT, KEY, new Date(AT))).toBe(false)
  })

  it('deletes no key whose deletion was cancelled', async () => {
    const store = kmsStore((await dialect.open()).db)
    await store.insertKey(key, material(1))
    await store.updateKey(ACCOUNT, KEY, { key_state: 'Disabled', deletion_date: null, pending_window_days: null })
    expect(await store.deleteKeyIfDue(ACCOUNT, KEY, new Date('2100-01-01T00:00:00Z'))).toBe(false)
    expect(await store.loadKey(ACCOUNT, KEY)).toBeDefined()
  })
})
