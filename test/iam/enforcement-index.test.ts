// The identity index on every dialect: a change written through one database handle (another process, on
// PostgreSQL) reaches the index of another handle through the `iam.policies` notices, without any SQL per request.
import { afterEach, expect, it, vi } from 'vitest'
import type { Caller } from '../../src/core/caller.js'
import { fixedClock } from '../../src/core/clock.js'
import { sequentialIds } from '../../src/core/ids.js'
import type { OperationContext } from '../../src/core/operation.js'
import { secretBox } from '../../src/crypto/secret-box.js'
import { evaluate } from '../../src/policy/index.js'
import { attachmentOperations } from '../../src/services/iam/attachments.js'
import { loadIdentityIndex, type IdentityIndex } from '../../src/services/iam/identity-index.js'
import { inlinePolicyOperations } from '../../src/services/iam/inline-policies.js'
import { managedPolicyOperations } from '../../src/services/iam/managed-policies.js'
import { policyVersionOperations } from '../../src/services/iam/policy-versions.js'
import type { Database } from '../../src/storage/database.js'
import { forEachDialect } from '../../src/storage/testing.js'

const ACCOUNT = '111122223333'
const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/alice`
const alice: Caller = { type: 'IAMUser', arn: USER_ARN, accountId: ACCOUNT, userId: 'AIDAALICE000000000001' }
const ctx: OperationContext = { caller: { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, userId: ACCOUNT }, accountId: ACCOUNT, region: 'us-east-1', partition: 'aws', requestId: 'r' }
const allow = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] })

function deps(database: Database) {
  return { database, clock: fixedClock('2026-11-22T12:00:00Z'), ids: sequentialIds(), box: secretBox(Buffer.alloc(32, 7)) }
}

/** The decision the index's policies give alice for `action`. */
function decide(index: IdentityIndex, action: string): string {
  const found = index.forCaller(alice)
  if (!found) return 'unknown principal'
  return evaluate({ principal: found.principal, action, resource: '*' }, found.policies).effect
}

async function insertUser(database: Database, userKey: string, userId: string): Promise<void> {
  await database.db.insertInto('iam_users').values({
    account_id: ACCOUNT, name_key: userKey, user_name: userKey, user_id: userId, path: '/', arn: `arn:aws:iam::${ACCOUNT}:user/${userKey}`,
    created_at: '2026-11-22T12:00:00.000Z', permissions_boundary_arn: null, password_last_used: null,
  }).execute()
}

const indexes: IdentityIndex[] = []
afterEach(async () => {
  for (const index of indexes.splice(0)) await index.close()
})

forEachDialect('identity index', (dialect) => {
  it('applies policy changes written through another handle to the next decision', async () => {
    const writer = await dialect.open()
    const reader = await dialect.open()
    await insertUser(writer, 'alice', alice.userId)
    const index = await loadIdentityIndex(reader)
    indexes.push(index)
    expect(decide(index, 'iam:ListUsers')).toBe('ImplicitDeny')

    await inlinePolicyOperations(deps(writer)).PutUserPolicy({ UserName: 'alice', PolicyName: 'list', PolicyDocument: allow('iam:ListUsers') }, ctx)
    await vi.waitFor(() => expect(decide(index, 'iam:ListUsers')).toBe('Allow'))

    const created = await managedPolicyOperations(deps(writer)).CreatePolicy({ PolicyName: 'Roles', PolicyDocument: allow('iam:ListRoles') }, ctx)
    await attachmentOperations(deps(writer)).AttachUserPolicy({ UserName: 'alice', PolicyArn: created.Policy!.Arn! }, ctx)
    await vi.waitFor(() => expect(decide(index, 'iam:ListRoles')).toBe('Allow'))
    await policyVersionOperations(deps(writer)).CreatePolicyVersion({ PolicyArn: created.Policy!.Arn!, PolicyDocument: allow('iam:ListGroups'), SetAsDefault: true }, ctx)
    await vi.waitFor(() => expect(decide(index, 'iam:ListGroups')).toBe('Allow'))
    expect(decide(index, 'iam:ListRoles')).toBe('ImplicitDeny')
  })

  it('forgets a deleted user, and does not let a new user of the same name inherit its id', async () => {
    const database = await dialect.open()
    await insertUser(database, 'alice', alice.userId)
    const index = await loadIdentityIndex(database)
    indexes.push(index)
    expect(index.forCaller(alice)).toBeDefined()
    expect(index.forCaller({ ...alice, userId: 'AIDAOTHER00000000000' })).toBeUndefined()
    await database.db.deleteFrom('iam_users').execute()
    await database.notify('iam.policies', `user:${ACCOUNT}:alice`)
    await vi.waitFor(() => expect(index.forCaller(alice)).toBeUndefined())
  })

  it('gives a role session its role\'s policies and boundary, with the session as the principal', async () => {
    const database = await dialect.open()
    await database.db.insertInto('iam_roles').values({
      account_id: ACCOUNT, name_key: 'builder', role_name: 'Builder', role_id: 'AROABUILDER000000001', path: '/ci/', arn: `arn:aws:iam::${ACCOUNT}:role/ci/Builder`,
      created_at: '2026-11-22T12:00:00.000Z', assume_role_policy: '{}', description: null, max_session_duration: 3600,
      permissions_boundary_arn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', last_used_at: null, last_used_region: null, service_linked: 0,
    }).execute()
    const index = await loadIdentityIndex(database)
    indexes.push(index)
    await inlinePolicyOperations(deps(database)).PutRolePolicy({ RoleName: 'Builder', PolicyName: 's3', PolicyDocument: allow('s3:*') }, ctx)
    const session: Caller = { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Builder/build-42`, accountId: ACCOUNT, userId: 'AROABUILDER000000001:build-42' }
    const found = index.forCaller(session)
    expect(found?.principal).toMatchObject({ type: 'AssumedRole', arn: session.arn, userId: session.userId, issuerArn: `arn:aws:iam::${ACCOUNT}:role/ci/Builder` })
    const decide = (action: string) => evaluate({ principal: found!.principal, action, resource: 'arn:aws:s3:::bucket/key' }, found!.policies)
    expect(decide('s3:GetObject').effect).toBe('Allow')
    expect(decide('s3:PutObject')).toMatchObject({ effect: 'ImplicitDeny', denial: { kind: 'implicit', policyType: 'boundary' } })
  })

  it('picks up a group membership when the group changes, and reloads everything on `*`', async () => {
    const database = await dialect.open()
    await insertUser(database, 'alice', alice.userId)
    await database.db.insertInto('iam_groups').values({
      account_id: ACCOUNT, name_key: 'admins', group_name: 'admins', group_id: 'AGPAADMINS0000000001', path: '/',
      arn: `arn:aws:iam::${ACCOUNT}:group/admins`, created_at: '2026-11-22T12:00:00.000Z',
    }).execute()
    const index = await loadIdentityIndex(database)
    indexes.push(index)
    await database.db.insertInto('iam_group_members').values({ account_id: ACCOUNT, group_key: 'admins', user_key: 'alice' }).execute()
    await inlinePolicyOperations(deps(database)).PutGroupPolicy({ GroupName: 'admins', PolicyName: 'all', PolicyDocument: allow('iam:*') }, ctx)
    await vi.waitFor(() => expect(decide(index, 'iam:CreateUser')).toBe('Allow'))

    await database.db.deleteFrom('iam_group_members').execute()
    await database.notify('iam.policies', '*')
    await vi.waitFor(() => expect(decide(index, 'iam:CreateUser')).toBe('ImplicitDeny'))
  })
}, { sqlite: 'file' })
