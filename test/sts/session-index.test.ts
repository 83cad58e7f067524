// The session store and index on every dialect: a stored session is found by its key id with the caller it signs
// as, its token matches only itself, other handles hear of new sessions, and expired ones are kept a day, then go.
import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import { sequentialIds } from '../../src/core/ids.js'
import { secretBox } from '../../src/crypto/secret-box.js'
import { EXPIRED_SESSION_RETENTION_MS, loadSessionIndex } from '../../src/services/sts/session-index.js'
import { sessionStore } from '../../src/services/sts/session-store.js'
import { issueSession } from '../../src/services/sts/issue-session.js'
import { sessionTokenOperations } from '../../src/services/sts/session-tokens.js'
import { compilePolicy, evaluate, type CompiledPolicy } from '../../src/policy/index.js'
import { forEachDialect } from '../../src/storage/testing.js'

const caller = {
  type: 'AssumedRole' as const,
  arn: 'arn:aws:sts::111122223333:assumed-role/R/s',
  userId: 'AROAEXAMPLEEXAMPLE01:s',
  name: 's',
  issuer: { type: 'Role' as const, arn: 'arn:aws:iam::111122223333:role/R', id: 'AROAEXAMPLEEXAMPLE01' },
  policies: [{ id: 'session-policy', document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}' }],
  tags: { team: 'blue' },
  mfaAuthenticated: true,
  mfaAuthenticatedAt: '2026-11-22T09:59:00.000Z',
}

forEachDialect('STS sessions', (dialect) => {
  async function setUp() {
    const clock = fixedClock('2026-11-22T10:00:00.000Z')
    const box = secretBox(randomBytes(32))
    const database = await dialect.open()
    const sessions = await loadSessionIndex(database, box, clock)
    const deps = { database, clock, ids: sequentialIds(), box, sessions }
    return { clock, box, database, sessions, deps }
  }

  it('finds an issued session with its caller, sealed secret and token', async () => {
    const { deps, database, sessions } = await setUp()
    const credentials = await issueSession(deps, { accountId: '111122223333', caller, durationSeconds: 900 })
    const found = sessions.find(credentials.AccessKeyId)!
    expect(found.secretAccessKey).toBe(credentials.SecretAccessKey)
    expect(found.caller).toMatchObject({ type: 'AssumedRole', arn: caller.arn, userId: caller.userId, accountId: '111122223333', accessKeyId: credentials.AccessKeyId })
    expect(found.caller.session).toMatchObject({ name: 's', tags: { team: 'blue' }, mfaAuthenticated: true, issuedAt: new Date('2026-11-22T10:00:00.000Z'), expiresAt: new Date('2026-11-22T10:15:00.000Z') })
    expect(found.caller.session!.policies).toHaveLength(1)
    expect(found.session.tokenMatches(credentials.SessionToken)).toBe(true)
    expect(found.session.tokenMatches(credentials.SessionToken + 'x')).toBe(false)
    const stored = await sessionStore(database.db).get(credentials.AccessKeyId)
    expect(stored!.secretSealed).not.toContain(credentials.SecretAccessKey)
    expect(JSON.stringify(stored)).not.toContain(credentials.SessionToken)
  })

  it('gives a GetFederationToken session without a policy a session policy that allows nothing', async () => {
    const { deps, sessions } = await setUp()
    const root = { type: 'Root' as const, arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', userId: '111122223333' }
    const operations = sessionTokenOperations({ ...deps, trust: undefined as never, credentials: { find: () => undefined } })
    const { Credentials } = await operations.GetFederationToken({ Name: 'bob' }, { caller: root, accountId: root.accountId, region: 'us-east-1', partition: 'aws', requestId: 'r' })
    const federated = sessions.find(Credentials!.AccessKeyId)!.caller
    expect(federated).toMatchObject({ type: 'FederatedUser', arn: 'arn:aws:sts::111122223333:federated-user/bob', userId: '111122223333:bob' })
    const identity = compilePolicy('identity', 'identity', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}')
    const decision = evaluate(
      { principal: { type: 'FederatedUser', arn: federated.arn, accountId: federated.accountId, userId: federated.userId }, action: 's3:GetObject', resource: '*' },
      { identity: [identity], session: federated.session!.policies as CompiledPolicy[] },
    )
    expect(decision).toMatchObject({ effect: 'ImplicitDeny', denial: { kind: 'implicit', policyType: 'session' } })
  })

  it('tells another handle\'s index about a new session', async () => {
    const { deps, box, clock } = await setUp()
    const other = await loadSessionIndex(await dialect.open(), box, clock)
    const credentials = await issueSession(deps, { accountId: '111122223333', caller, durationSeconds: 900 })
    await expect.poll(() => other.find(credentials.AccessKeyId)?.secretAccessKey, { timeout: 5000 }).toBe(credentials.SecretAccessKey)
    await other.close()
  })

  it('keeps an expired session for a day so it can answer ExpiredToken, then forgets it', async () => {
    const { deps, sessions, clock } = await setUp()
    const credentials = await issueSession(deps, { accountId: '111122223333', caller, durationSeconds: 900 })
    clock.advance(900_000 + EXPIRED_SESSION_RETENTION_MS - 1000)
    expect(sessions.find(credentials.AccessKeyId)).toBeDefined()
    clock.advance(2000)
    expect(sessions.find(credentials.AccessKeyId)).toBeUndefined()
  })
}, { sqlite: 'file' })
