// Service-specific credential and server certificate secrets at rest, on every dialect: the password is kept only as a
// hash that verifies it, and the server certificate's private key only sealed, bound to the certificate id.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Caller } from '../../src/core/caller.js'
import { systemClock } from '../../src/core/clock.js'
import { sequentialIds } from '../../src/core/ids.js'
import type { OperationContext } from '../../src/core/operation.js'
import { verifyPassword } from '../../src/crypto/password-hash.js'
import { secretBox } from '../../src/crypto/secret-box.js'
import type { IamApi } from '../../src/generated/iam/api.js'
import { serverCertificateModule } from '../../src/services/iam/server-certificates.js'
import { serviceSpecificCredentialModule } from '../../src/services/iam/service-specific-credentials.js'
import { insertUser } from '../../src/services/iam/users-store.js'
import { forEachDialect } from '../../src/storage/testing.js'

const ACCOUNT = '123456789012'
const caller: Caller = { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, userId: ACCOUNT }
const ctx: OperationContext = { caller, accountId: ACCOUNT, region: 'us-east-1', partition: 'aws', requestId: 'test' }

let dir: string
let certificate: string
let privateKey: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-secrets-'))
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-subj', '/CN=secrets', '-days', '30'], { stdio: 'ignore' })
  certificate = readFileSync(join(dir, 'c.pem'), 'utf8')
  privateKey = readFileSync(join(dir, 'k.pem'), 'utf8')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

forEachDialect('IAM credential secrets at rest', (dialect) => {
  async function setUp() {
    const database = await dialect.open()
    const box = secretBox(randomBytes(32))
    const deps = { database, clock: systemClock, ids: sequentialIds(), box }
    await insertUser(database.db, { accountId: ACCOUNT, userName: 'ana', userId: 'AIDAEXAMPLEEXAMPLE00', path: '/', arn: `arn:aws:iam::${ACCOUNT}:user/ana`, createdAt: systemClock.now() })
    return { database, box, handlers: { ...serviceSpecificCredentialModule(deps).handlers, ...serverCertificateModule(deps).handlers } as IamApi }
  }

  it('keeps a service-specific password only as a hash that verifies it, before and after a reset', async () => {
    const { database, handlers } = await setUp()
    const created = (await handlers.CreateServiceSpecificCredential({ UserName: 'ana', ServiceName: 'codecommit.amazonaws.com' }, ctx)).ServiceSpecificCredential!
    const hashOf = async () => (await database.db.selectFrom('iam_service_credentials').select('password_hash').executeTakeFirstOrThrow()).password_hash
    expect(await hashOf()).not.toContain(created.ServicePassword!)
    expect(await verifyPassword(created.ServicePassword!, await hashOf())).toBe(true)
    const reset = (await handlers.ResetServiceSpecificCredential({ UserName: 'ana', ServiceSpecificCredentialId: created.ServiceSpecificCredentialId }, ctx)).ServiceSpecificCredential!
    expect(await verifyPassword(reset.ServicePassword!, await hashOf())).toBe(true)
    expect(await verifyPassword(created.ServicePassword!, await hashOf())).toBe(false)
  })

  it("seals a server certificate's private key with its certificate id, which a rename keeps", async () => {
    const { database, box, handlers } = await setUp()
    const uploaded = await handlers.UploadServerCertificate({ ServerCertificateName: 'web', CertificateBody: certificate, PrivateKey: privateKey }, ctx)
    const id = uploaded.ServerCertificateMetadata!.ServerCertificateId
    await handlers.UpdateServerCertificate({ ServerCertificateName: 'web', NewServerCertificateName: 'web2' }, ctx)
    const row = await database.db.selectFrom('iam_server_certificates').selectAll().executeTakeFirstOrThrow()
    expect(row.name).toBe('web2')
    expect(row.private_key_sealed).not.toContain('PRIVATE KEY')
    expect(box.open(row.private_key_sealed, id).toString('utf8')).toBe(privateKey)
    expect(() => box.open(row.private_key_sealed, 'ASCAANOTHERCERTIFICATE')).toThrow()
  })
})
