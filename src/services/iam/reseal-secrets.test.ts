import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { fixedClock } from '../../core/clock.js'
import { sequentialIds } from '../../core/ids.js'
import { secretBox, SecretBoxError } from '../../crypto/secret-box.js'
import { toDbTimestamp } from '../../storage/columns.js'
import { readMeta } from '../../storage/meta-store.js'
import { forEachDialect } from '../../storage/testing.js'
import { BOOTSTRAP_META_KEY, bootstrapDefaultAccount } from './bootstrap.js'
import { resealIamSecrets } from './reseal-secrets.js'

const ACCOUNT = '123456789012'
const at = toDbTimestamp(new Date('2026-01-01T00:00:00Z'))

forEachDialect('resealIamSecrets', (dialect) => {
  async function setUp() {
    const database = await dialect.open()
    const from = secretBox(randomBytes(32))
    const to = secretBox(randomBytes(32))
    await bootstrapDefaultAccount(database, { accountId: ACCOUNT, rootAccessKeyId: 'AKIAROOTROOTROOT0001', rootSecretAccessKey: 'root-secret-0000000001' }, { box: from, clock: fixedClock(at), ids: sequentialIds() })
    await database.db.insertInto('access_keys').values({
      account_id: ACCOUNT, access_key_id: 'AKIAUSERUSERUSER0001', user_name: 'dana', secret_sealed: from.seal('user-secret', 'AKIAUSERUSERUSER0001'),
      status: 'Active', created_at: at, last_used_at: null, last_used_service: null, last_used_region: null,
    }).execute()
    const serial = `arn:aws:iam::${ACCOUNT}:mfa/dana`
    await database.db.insertInto('iam_mfa_devices').values({
      account_id: ACCOUNT, serial_number: serial, name_key: 'dana', path: '/', user_key: null, seed_sealed: from.seal('SEEDSEEDSEED', serial),
      created_at: at, enabled_at: null, last_used_step: null,
    }).execute()
    await database.db.insertInto('iam_server_certificates').values({
      account_id: ACCOUNT, certificate_id: 'ASCAEXAMPLE000000001', name_key: 'web', name: 'Web', path: '/', body: 'PEM', chain: null,
      private_key_sealed: from.seal('PRIVATE KEY', 'ASCAEXAMPLE000000001'), expires_at: at, uploaded_at: at,
    }).execute()
    return { database, from, to, serial }
  }

  it('re-seals every access key, MFA seed, server certificate key and bootstrap root key under the new key, same context', async () => {
    const { database, from, to, serial } = await setUp()
    const counts = await database.transaction((tx) => resealIamSecrets(tx, from, to))
    expect(counts).toEqual({ accessKeys: 2, mfaSeeds: 1, serverCertificates: 1, bootstrapRootKeys: 1 })

    const keys = await database.db.selectFrom('access_keys').select(['access_key_id', 'secret_sealed']).orderBy('access_key_id').execute()
    expect(keys.map((key) => to.open(key.secret_sealed, key.access_key_id).toString())).toEqual(['root-secret-0000000001', 'user-secret'])
    const device = await database.db.selectFrom('iam_mfa_devices').select('seed_sealed').executeTakeFirstOrThrow()
    expect(to.open(device.seed_sealed, serial).toString()).toBe('SEEDSEEDSEED')
    const certificate = await database.db.selectFrom('iam_server_certificates').select('private_key_sealed').executeTakeFirstOrThrow()
    expect(to.open(certificate.private_key_sealed, 'ASCAEXAMPLE000000001').toString()).toBe('PRIVATE KEY')
    const record = JSON.parse((await readMeta(database.db, BOOTSTRAP_META_KEY))!) as { accountId: string; rootKeys: { accessKeyId: string; secretSealed: string }[] }
    expect(record.accountId).toBe(ACCOUNT)
    expect(to.open(record.rootKeys[0]!.secretSealed, 'AKIAROOTROOTROOT0001').toString()).toBe('root-secret-0000000001')
    expect(() => from.open(device.seed_sealed, serial)).toThrow(SecretBoxError)
  })

  it('throws SecretBoxError for a value the old key does not open, and the caller\'s transaction keeps every row', async () => {
    const { database, to } = await setUp()
    const before = await database.db.selectFrom('access_keys').select('secret_sealed').orderBy('access_key_id').execute()
    const wrong = secretBox(randomBytes(32))
    await expect(database.transaction((tx) => resealIamSecrets(tx, wrong, to))).rejects.toThrow(SecretBoxError)
    expect(await database.db.selectFrom('access_keys').select('secret_sealed').orderBy('access_key_id').execute()).toEqual(before)
  })
})
