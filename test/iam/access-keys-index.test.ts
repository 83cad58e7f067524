// The credential index on every dialect: user keys sign as IAM users, a change written through another database
// handle (another process, on PostgreSQL) reaches the index, and last use is written in batches, not per request.
import { afterEach, expect, it, vi } from 'vitest'
import { secretBox } from '../../src/crypto/secret-box.js'
import { accountStore } from '../../src/services/iam/account-store.js'
import { CREDENTIALS_CHANGED, loadCredentialIndex, type CredentialIndex } from '../../src/services/iam/credential-index.js'
import { insertUser } from '../../src/services/iam/users-store.js'
import type { Database } from '../../src/storage/database.js'
import { forEachDialect } from '../../src/storage/testing.js'

const ACCOUNT = '123456789012'
const box = secretBox(Buffer.alloc(32, 7))
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'

forEachDialect('credential index', (dialect) => {
  let index: CredentialIndex | undefined
  afterEach(async () => {
    await index?.close()
    index = undefined
  })

  async function seedUserKey(database: Database, accessKeyId: string): Promise<void> {
    await database.transaction(async (tx) => {
      await tx.insertInto('accounts').values({ account_id: ACCOUNT, name: 'test', email: 'root@example.invalid', status: 'ACTIVE', created_at: new Date(0).toISOString(), root_password_hash: null })
        .onConflict((conflict) => conflict.column('account_id').doNothing()).execute()
      await insertUser(tx, {
        accountId: ACCOUNT, userName: 'Alice', userId: 'AIDAEXAMPLEEXAMPLE01', path: '/team/',
        arn: `arn:aws:iam::${ACCOUNT}:user/team/Alice`, createdAt: new Date(0),
      }).catch(() => undefined) // seeded once per test database
      await accountStore(tx).insertAccessKey({
        accountId: ACCOUNT, accessKeyId, userName: 'Alice', secretSealed: box.seal(SECRET, accessKeyId), status: 'Active', createdAt: new Date(0),
      })
      await database.notify(CREDENTIALS_CHANGED, accessKeyId)
    })
  }

  it('signs a user key as the IAM user, with its path and AIDA id', async () => {
    const database = await dialect.open()
    await seedUserKey(database, 'AKIAEXAMPLEUSERKEY01')
    index = await loadCredentialIndex(database, box, 'aws')
    expect(index.find('AKIAEXAMPLEUSERKEY01')).toEqual({
      accessKeyId: 'AKIAEXAMPLEUSERKEY01',
      secretAccessKey: SECRET,
      active: true,
      caller: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/team/Alice`, accountId: ACCOUNT, userId: 'AIDAEXAMPLEEXAMPLE01', accessKeyId: 'AKIAEXAMPLEUSERKEY01' },
    })
  })

  it('hears a key created, deactivated and deleted through another handle', async () => {
    const reader = await dialect.open()
    const writer = await dialect.open()
    index = await loadCredentialIndex(reader, box, 'aws')
    await seedUserKey(writer, 'AKIAEXAMPLEUSERKEY02')
    await vi.waitFor(() => expect(index!.find('AKIAEXAMPLEUSERKEY02')?.active).toBe(true))

    await writer.transaction(async (tx) => {
      await accountStore(tx).setAccessKeyStatus(ACCOUNT, 'AKIAEXAMPLEUSERKEY02', 'Inactive')
      await writer.notify(CREDENTIALS_CHANGED, 'AKIAEXAMPLEUSERKEY02')
    })
    await vi.waitFor(() => expect(index!.find('AKIAEXAMPLEUSERKEY02')?.active).toBe(false))

    await writer.transaction(async (tx) => {
      await accountStore(tx).deleteAccessKey(ACCOUNT, 'AKIAEXAMPLEUSERKEY02')
      await writer.notify(CREDENTIALS_CHANGED, 'AKIAEXAMPLEUSERKEY02')
    })
    await vi.waitFor(() => expect(index!.find('AKIAEXAMPLEUSERKEY02')).toBeUndefined())
  })

  it('writes last use in one batch when flushed, keeping the latest use, and nothing per request', async () => {
    const database = await dialect.open()
    await seedUserKey(database, 'AKIAEXAMPLEUSERKEY03')
    index = await loadCredentialIndex(database, box, 'aws', { lastUsedFlushMs: 60_000 })
    for (let second = 0; second < 100; second++) {
      index.recordUse('AKIAEXAMPLEUSERKEY03', { at: new Date(Date.UTC(2026, 0, 1, 0, 0, second)), service: second % 2 ? 's3' : 'iam', region: 'us-east-1' })
    }
    expect((await accountStore(database.db).getAccessKey('AKIAEXAMPLEUSERKEY03'))?.lastUsed).toBeUndefined()
    await index.flush()
    expect((await accountStore(database.db).getAccessKey('AKIAEXAMPLEUSERKEY03'))?.lastUsed).toEqual({
      at: new Date(Date.UTC(2026, 0, 1, 0, 1, 39)), service: 's3', region: 'us-east-1',
    })
    // An older use recorded later never moves the date back.
    index.recordUse('AKIAEXAMPLEUSERKEY03', { at: new Date(Date.UTC(2025, 0, 1)), service: 'sts', region: 'eu-west-1' })
    await index.flush()
    expect((await accountStore(database.db).getAccessKey('AKIAEXAMPLEUSERKEY03'))?.lastUsed?.service).toBe('s3')
  })
}, { sqlite: 'file' })
