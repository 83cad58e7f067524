// RoleStore, the port STS uses to find roles and record their use: rows, case-insensitive names, dependents; on every dialect.
import { expect, it } from 'vitest'
import { findRoleByArn, roleStore, type RoleRecord } from '../../src/services/iam/roles-store.js'
import { toRoleShape } from '../../src/services/iam/roles-view.js'
import { DuplicateKeyError } from '../../src/storage/duplicate-key-error.js'
import { forEachDialect } from '../../src/storage/testing.js'

const ACCOUNT = '123456789012'

function role(name: string, path = '/'): RoleRecord {
  return {
    accountId: ACCOUNT,
    roleName: name,
    roleId: `AROA${name.toUpperCase().padEnd(17, 'X').slice(0, 17)}`,
    path,
    arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`,
    createdAt: new Date('2026-01-02T03:04:05.678Z'),
    assumeRolePolicy: '{"Version":"2012-10-17","Statement":[]}',
    maxSessionDuration: 3600,
    serviceLinked: false,
  }
}

forEachDialect('roleStore', (dialect) => {
  it('reads back what it stored, by name in any case', async () => {
    const store = roleStore((await dialect.open()).db)
    const stored = { ...role('Deploy'), description: 'ci', permissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess' }
    await store.insert(stored)
    expect(await store.get(ACCOUNT, 'DEPLOY')).toEqual(stored)
    expect(await store.get('999999999999', 'Deploy')).toBeUndefined()
  })

  it('refuses a second role whose name differs only in case', async () => {
    const store = roleStore((await dialect.open()).db)
    await store.insert(role('Deploy'))
    await expect(store.insert({ ...role('deploy'), roleId: 'AROAOTHEROTHEROTHER' })).rejects.toBeInstanceOf(DuplicateKeyError)
  })

  it('lists by name key, filtered by an exact path prefix (no LIKE wildcards)', async () => {
    const store = roleStore((await dialect.open()).db)
    for (const [name, path] of [['b', '/a_b/'], ['a', '/a_b/x/'], ['c', '/axb/'], ['d', '/']] as const) await store.insert(role(name, path))
    expect((await store.list(ACCOUNT, '/a_b/')).map((r) => r.roleName)).toEqual(['a', 'b'])
    expect((await store.list(ACCOUNT)).map((r) => r.roleName)).toEqual(['a', 'b', 'c', 'd'])
  })

  it('records the last use, which GetRole shows as RoleLastUsed', async () => {
    const store = roleStore((await dialect.open()).db)
    await store.insert(role('Deploy'))
    await store.recordUse(ACCOUNT, 'deploy', new Date('2026-02-03T04:05:06.000Z'), 'eu-west-1')
    const used = (await store.get(ACCOUNT, 'Deploy'))!
    expect(toRoleShape(used, { tags: [] }).RoleLastUsed).toEqual({ LastUsedDate: new Date('2026-02-03T04:05:06.000Z'), Region: 'eu-west-1' })
  })

  it('names the first dependent in the order DeleteRole reports them', async () => {
    const db = (await dialect.open()).db
    const store = roleStore(db)
    await store.insert(role('Deploy'))
    expect(await store.firstDependent(ACCOUNT, 'Deploy')).toBeUndefined()
    await db.insertInto('iam_policy_attachments').values({ account_id: ACCOUNT, principal_kind: 'role', principal_key: 'deploy', policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', attached_at: '2026-01-01T00:00:00.000Z' }).execute()
    expect(await store.firstDependent(ACCOUNT, 'Deploy')).toBe('attached-policy')
    await db.insertInto('iam_inline_policies').values({ account_id: ACCOUNT, principal_kind: 'role', principal_key: 'deploy', policy_key: 'p', policy_name: 'p', document: '{}' }).execute()
    expect(await store.firstDependent(ACCOUNT, 'Deploy')).toBe('inline-policy')
    await db.insertInto('iam_instance_profile_roles').values({ account_id: ACCOUNT, profile_key: 'profile', role_key: 'deploy' }).execute()
    expect(await store.firstDependent(ACCOUNT, 'Deploy')).toBe('instance-profile')
  })

  it('finds a role by its whole ARN, path included, as AssumeRole names it', async () => {
    const db = (await dialect.open()).db
    await roleStore(db).insert(role('Deploy', '/ci/'))
    expect((await findRoleByArn(db, `arn:aws:iam::${ACCOUNT}:role/ci/Deploy`))?.roleName).toBe('Deploy')
    for (const arn of [
      `arn:aws:iam::${ACCOUNT}:role/Deploy`, // another path
      `arn:aws:iam::999999999999:role/ci/Deploy`, // another account
      `arn:aws:iam::${ACCOUNT}:user/ci/Deploy`,
      'Deploy',
    ]) expect(await findRoleByArn(db, arn), arn).toBeUndefined()
  })

  it('updates only the given fields and deletes', async () => {
    const store = roleStore((await dialect.open()).db)
    await store.insert({ ...role('Deploy'), description: 'before' })
    await store.update(ACCOUNT, 'Deploy', { maxSessionDuration: 7200 })
    expect(await store.get(ACCOUNT, 'Deploy')).toMatchObject({ description: 'before', maxSessionDuration: 7200 })
    await store.delete(ACCOUNT, 'DEPLOY')
    expect(await store.get(ACCOUNT, 'Deploy')).toBeUndefined()
  })
})
