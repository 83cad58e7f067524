// Two Palisade servers sharing one PostgreSQL database: a policy granted or revoked through one decides the
// requests the other serves, as soon as PostgreSQL delivers the `iam.policies` notice.
import { DeleteUserPolicyCommand, IAMClient, ListUsersCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { expect, it, vi } from 'vitest'
import { forPostgres } from '../../src/storage/testing.js'
import { startTestPalisade } from '../support/palisade.js'
import { allow, createTestUser, rootClient } from './enforcement-support.js'

const ROOT_KEY = Buffer.alloc(32, 9).toString('base64')
// LISTEN/NOTIFY reaches the other server soon after the commit, not at it.
const PROPAGATION = { timeout: 5000, interval: 25 }

forPostgres('enforcement across servers', (dialect) => {
  it('applies a grant and a revocation made through one server to requests served by the other', async () => {
    const { url } = await dialect.config()
    const first = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY])
    const second = await startTestPalisade(['--database', url, '--root-key', ROOT_KEY])
    try {
      const user = await createTestUser(first, 'roaming')
      const onSecond = new IAMClient({ endpoint: second.url, region: 'us-east-1', credentials: user.credentials, maxAttempts: 1 })
      const outcome = () => onSecond.send(new ListUsersCommand({})).then(() => 'allowed', (error: { name: string }) => error.name)
      await vi.waitFor(async () => expect(await outcome()).toBe('AccessDenied'), PROPAGATION)

      await rootClient(first).send(new PutUserPolicyCommand({ UserName: 'roaming', PolicyName: 'list', PolicyDocument: allow('iam:ListUsers') }))
      await vi.waitFor(async () => expect(await outcome()).toBe('allowed'), PROPAGATION)

      await rootClient(first).send(new DeleteUserPolicyCommand({ UserName: 'roaming', PolicyName: 'list' }))
      await vi.waitFor(async () => expect(await outcome()).toBe('AccessDenied'), PROPAGATION)
    } finally {
      await second.stop()
      await first.stop()
    }
  })
})
