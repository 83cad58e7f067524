import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { secretBox, SecretBoxError } from '../../crypto/secret-box.js'
import { forEachDialect } from '../../storage/testing.js'
import { resealStsSessions } from './reseal-secrets.js'
import { sessionStore } from './session-store.js'

const ACCOUNT = '123456789012'

forEachDialect('resealStsSessions', (dialect) => {
  async function setUp() {
    const database = await dialect.open()
    const from = secretBox(randomBytes(32))
    const store = sessionStore(database.db)
    for (const [accessKeyId, expiresAt] of [['ASIAEXAMPLE000000001', '2026-01-01T01:00:00Z'], ['ASIAEXAMPLE000000002', '2025-01-01T01:00:00Z']] as const) {
      await store.insert({
        accountId: ACCOUNT, accessKeyId, secretSealed: from.seal(`secret-of-${accessKeyId}`, accessKeyId), tokenHash: 'hash',
        caller: { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, userId: ACCOUNT, issuer: { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, id: ACCOUNT }, mfaAuthenticated: false },
        issuedAt: new Date('2025-01-01T00:00:00Z'), expiresAt: new Date(expiresAt),
      })
    }
    return { database, from, store }
  }

  it('re-seals every session secret, expired ones included, with the access key id as context', async () => {
    const { database, from, store } = await setUp()
    const to = secretBox(randomBytes(32))
    expect(await database.transaction((tx) => resealStsSessions(tx, from, to))).toBe(2)
    for (const accessKeyId of ['ASIAEXAMPLE000000001', 'ASIAEXAMPLE000000002']) {
      const session = (await store.get(accessKeyId))!
      expect(to.open(session.secretSealed, accessKeyId).toString()).toBe(`secret-of-${accessKeyId}`)
      expect(() => from.open(session.secretSealed, accessKeyId)).toThrow(SecretBoxError)
    }
  })

  it('throws SecretBoxError when the old key is wrong, leaving the sessions as they were', async () => {
    const { database, store } = await setUp()
    const before = await store.get('ASIAEXAMPLE000000001')
    await expect(database.transaction((tx) => resealStsSessions(tx, secretBox(randomBytes(32)), secretBox(randomBytes(32))))).rejects.toThrow(SecretBoxError)
    expect(await store.get('ASIAEXAMPLE000000001')).toEqual(before)
  })
})
