// End to end: users' and the root user's X.509 signing certificates (upload, list, update, delete, limits, errors),
// as the credential report and GetAccountSummary show them, and the account's server certificates. Certificates are
// made with the openssl command.
import {
  CreateUserCommand,
  DeleteServerCertificateCommand,
  GetServerCertificateCommand,
  ListServerCertificatesCommand,
  ListServerCertificateTagsCommand,
  TagServerCertificateCommand,
  UntagServerCertificateCommand,
  UpdateServerCertificateCommand,
  UploadServerCertificateCommand,
  DeleteSigningCertificateCommand,
  DeleteUserCommand,
  GenerateCredentialReportCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListSigningCertificatesCommand,
  PutUserPolicyCommand,
  UpdateSigningCertificateCommand,
  UploadSigningCertificateCommand,
} from '@aws-sdk/client-iam'
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, allow, createTestUser } from './enforcement-support.js'

let palisade: TestPalisade
let iam: IAMClient
let dir: string
beforeAll(async () => {
  palisade = await startTestPalisade()
  iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
  dir = mkdtempSync(join(tmpdir(), 'palisade-certs-'))
})
afterAll(async () => {
  await palisade.stop()
  rmSync(dir, { recursive: true, force: true })
})

let serial = 0
/** A new self-signed RSA certificate and its private key, both PEM. */
function selfSigned(directory: string, commonName: string, days = 30): { certificate: string; privateKey: string } {
  const base = join(directory, `c${++serial}`)
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.crt`, '-subj', `/CN=${commonName}`, '-days', String(days)], { stdio: 'ignore' })
  return { certificate: readFileSync(`${base}.crt`, 'utf8'), privateKey: readFileSync(`${base}.key`, 'utf8') }
}

const upload = (body: string, userName?: string, client = iam) =>
  client.send(new UploadSigningCertificateCommand({ CertificateBody: body, ...(userName !== undefined && { UserName: userName }) }))

/** A row of a newly generated credential report (a report stays four hours: one per server is fresh). */
async function credentialReportRow(userName: string, client = iam): Promise<Record<string, string>> {
  await client.send(new GenerateCredentialReportCommand({}))
  const content = Buffer.from((await client.send(new GetCredentialReportCommand({}))).Content!).toString('utf8').split('\n')
  const header = content[0]!.split(',')
  const row = content.find((line) => line.split(',')[0] === userName)!.split(',')
  return Object.fromEntries(header.map((column, index) => [column, row[index]!]))
}

describe('UploadSigningCertificate', () => {
  beforeAll(() => iam.send(new CreateUserCommand({ UserName: 'cora' })))

  it('uploads a certificate for a user, Active, with its body as given', async () => {
    const { certificate } = selfSigned(dir, 'cora')
    const { Certificate } = await upload(certificate, 'cora')
    expect(Certificate).toMatchObject({ UserName: 'cora', CertificateBody: certificate, Status: 'Active' })
    expect(Certificate!.CertificateId).toMatch(/^[A-Z2-7]{32}$/)
    expect(Certificate!.UploadDate).toBeInstanceOf(Date)
  })

  it.each([
    { name: 'rejects a body that is not a certificate', body: 'hello' },
    { name: 'rejects a PEM block whose content is not a certificate', body: '-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----' },
    { name: 'rejects a private key', body: () => selfSigned(dir, 'key').privateKey },
  ])('$name', async ({ body }) => {
    await expect(upload(typeof body === 'function' ? body() : body, 'cora')).rejects.toMatchObject({
      name: 'MalformedCertificateException',
      message: expect.stringMatching(/^The request was rejected because the certificate was malformed or expired/),
      $metadata: { httpStatusCode: 400 },
    })
  })

  it('rejects a certificate another user of the account already has', async () => {
    const { certificate } = selfSigned(dir, 'shared')
    await iam.send(new CreateUserCommand({ UserName: 'dup-a' }))
    await iam.send(new CreateUserCommand({ UserName: 'dup-b' }))
    await upload(certificate, 'dup-a')
    await expect(upload(certificate, 'dup-b')).rejects.toMatchObject({
      name: 'DuplicateCertificateException',
      message: 'The request was rejected because the same certificate is associated with an IAM user in the account.',
      $metadata: { httpStatusCode: 409 },
    })
  })

  it('rejects a third certificate of a user with LimitExceeded', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'two-certs' }))
    await upload(selfSigned(dir, 'a').certificate, 'two-certs')
    await upload(selfSigned(dir, 'b').certificate, 'two-certs')
    await expect(upload(selfSigned(dir, 'c').certificate, 'two-certs')).rejects.toMatchObject({ name: 'LimitExceededException', $metadata: { httpStatusCode: 409 } })
  })

  it('rejects an unknown user', async () => {
    await expect(upload(selfSigned(dir, 'x').certificate, 'nobody')).rejects.toMatchObject({
      name: 'NoSuchEntityException', message: 'The user with name nobody cannot be found.', $metadata: { httpStatusCode: 404 },
    })
  })
})

describe('ListSigningCertificates, UpdateSigningCertificate, DeleteSigningCertificate', () => {
  it('lists, deactivates and deletes, as the credential report shows, and holds DeleteUser back meanwhile', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'rita' }))
    const first = (await upload(selfSigned(dir, 'r1').certificate, 'rita')).Certificate!
    const second = (await upload(selfSigned(dir, 'r2').certificate, 'rita')).Certificate!
    const listed = await iam.send(new ListSigningCertificatesCommand({ UserName: 'rita' }))
    expect(listed.Certificates!.map((certificate) => certificate.CertificateId)).toEqual([first.CertificateId, second.CertificateId])
    expect(listed.Certificates![0]).toMatchObject({ UserName: 'rita', CertificateBody: first.CertificateBody, Status: 'Active' })
    const page = await iam.send(new ListSigningCertificatesCommand({ UserName: 'rita', MaxItems: 1 }))
    expect(page).toMatchObject({ IsTruncated: true, Certificates: [{ CertificateId: first.CertificateId }] })

    await iam.send(new UpdateSigningCertificateCommand({ UserName: 'rita', CertificateId: first.CertificateId, Status: 'Inactive' }))
    const report = await credentialReportRow('rita')
    expect(report).toMatchObject({ cert_1_active: 'false', cert_2_active: 'true' })
    expect(report.cert_1_last_rotated).toBe(first.UploadDate!.toISOString().replace(/\.\d{3}Z$/, '+00:00'))
    expect(report.cert_2_last_rotated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/)

    await expect(iam.send(new DeleteUserCommand({ UserName: 'rita' }))).rejects.toMatchObject({
      name: 'DeleteConflictException', message: 'Cannot delete entity, must delete signing certificates first.', $metadata: { httpStatusCode: 409 },
    })
    await iam.send(new DeleteSigningCertificateCommand({ UserName: 'rita', CertificateId: first.CertificateId }))
    await iam.send(new DeleteSigningCertificateCommand({ UserName: 'rita', CertificateId: second.CertificateId }))
    expect((await iam.send(new ListSigningCertificatesCommand({ UserName: 'rita' }))).Certificates).toEqual([])
    await iam.send(new DeleteUserCommand({ UserName: 'rita' }))
  })

  it('rejects a certificate id that is unknown or belongs to another user', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'owner' }))
    await iam.send(new CreateUserCommand({ UserName: 'other' }))
    const { Certificate } = await upload(selfSigned(dir, 'o').certificate, 'owner')
    for (const send of [
      () => iam.send(new UpdateSigningCertificateCommand({ UserName: 'other', CertificateId: Certificate!.CertificateId, Status: 'Inactive' })),
      () => iam.send(new DeleteSigningCertificateCommand({ UserName: 'other', CertificateId: Certificate!.CertificateId })),
      () => iam.send(new DeleteSigningCertificateCommand({ UserName: 'owner', CertificateId: 'A'.repeat(32) })),
    ]) {
      await expect(send()).rejects.toMatchObject({ name: 'NoSuchEntityException', message: expect.stringMatching(/^The Certificate with id [A-Z2-7]{32} cannot be found\.$/), $metadata: { httpStatusCode: 404 } })
    }
  })

  it("handles the calling user's own certificates without UserName, and refuses another user's", async () => {
    const user = await createTestUser(palisade, 'cert-self')
    await iam.send(new PutUserPolicyCommand({ UserName: 'cert-self', PolicyName: 'Own', PolicyDocument: allow(['iam:UploadSigningCertificate', 'iam:ListSigningCertificates'], user.arn) }))
    const { Certificate } = await upload(selfSigned(dir, 'self').certificate, undefined, user.client)
    expect(Certificate!.UserName).toBe('cert-self')
    expect((await user.client.send(new ListSigningCertificatesCommand({}))).Certificates!.map((certificate) => certificate.CertificateId)).toEqual([Certificate!.CertificateId])
    await expect(upload(selfSigned(dir, 'other').certificate, 'cora', user.client)).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
  })

  it("keeps the root user's certificates, as GetAccountSummary and the report's root row show", async () => {
    const fresh = await startTestPalisade()
    try {
      const root = new IAMClient({ endpoint: fresh.url, region: 'us-east-1', credentials: fresh.root, maxAttempts: 1 })
      const present = async () => (await root.send(new GetAccountSummaryCommand({}))).SummaryMap!.AccountSigningCertificatesPresent
      expect(await present()).toBe(0)
      const { Certificate } = await upload(selfSigned(dir, 'root').certificate, undefined, root)
      expect(Certificate!.UserName).toBe(ACCOUNT)
      expect(await present()).toBe(1)
      expect(await credentialReportRow('<root_account>', root)).toMatchObject({ cert_1_active: 'true', cert_2_active: 'false', cert_2_last_rotated: 'N/A' })
      expect((await root.send(new ListSigningCertificatesCommand({}))).Certificates!.map((certificate) => certificate.CertificateId)).toEqual([Certificate!.CertificateId])
      await root.send(new DeleteSigningCertificateCommand({ CertificateId: Certificate!.CertificateId }))
      expect(await present()).toBe(0)
    } finally {
      await fresh.stop()
    }
  })
})

describe('server certificates', () => {
  const uploadServer = (name: string, pair: { certificate: string; privateKey: string }, extra: { Path?: string; CertificateChain?: string } = {}) =>
    iam.send(new UploadServerCertificateCommand({ ServerCertificateName: name, CertificateBody: pair.certificate, PrivateKey: pair.privateKey, ...extra }))

  it('uploads a certificate with its key and chain, and gives back metadata, body and chain but never the key', async () => {
    const pair = selfSigned(dir, 'www.example.com', 90)
    const chain = selfSigned(dir, 'Example CA').certificate
    const uploaded = await iam.send(new UploadServerCertificateCommand({
      Path: '/cloudfront/', ServerCertificateName: 'www', CertificateBody: pair.certificate, PrivateKey: pair.privateKey, CertificateChain: chain,
      Tags: [{ Key: 'env', Value: 'prod' }],
    }))
    const expiration = new Date(new X509Certificate(pair.certificate).validTo)
    expect(uploaded.ServerCertificateMetadata).toMatchObject({
      Path: '/cloudfront/', ServerCertificateName: 'www', Arn: `arn:aws:iam::${ACCOUNT}:server-certificate/cloudfront/www`, Expiration: expiration,
    })
    expect(uploaded.ServerCertificateMetadata!.ServerCertificateId).toMatch(/^ASCA[A-Z0-9]{17}$/)
    expect(uploaded.Tags).toEqual([{ Key: 'env', Value: 'prod' }])

    const got = await iam.send(new GetServerCertificateCommand({ ServerCertificateName: 'WWW' }))
    expect(got.ServerCertificate).toMatchObject({ CertificateBody: pair.certificate, CertificateChain: chain, Tags: [{ Key: 'env', Value: 'prod' }] })
    expect(got.ServerCertificate!.ServerCertificateMetadata).toEqual(uploaded.ServerCertificateMetadata)
    expect(JSON.stringify(got)).not.toContain('PRIVATE KEY')
    expect((await iam.send(new GetAccountSummaryCommand({}))).SummaryMap!.ServerCertificates).toBe(1)
    await iam.send(new DeleteServerCertificateCommand({ ServerCertificateName: 'www' }))
  })

  it.each([
    { name: 'rejects a key of another certificate with KeyPairMismatch', make: () => ({ certificate: selfSigned(dir, 'a').certificate, privateKey: selfSigned(dir, 'b').privateKey }), error: 'KeyPairMismatchException', message: 'The request was rejected because the public key certificate and the private key do not match.' },
    { name: 'rejects a private key that cannot be read', make: () => ({ certificate: selfSigned(dir, 'a').certificate, privateKey: '-----BEGIN PRIVATE KEY-----\nbm9wZQ==\n-----END PRIVATE KEY-----' }), error: 'MalformedCertificateException', message: 'The request was rejected because the private key was malformed.' },
    { name: 'rejects a body that is not a certificate', make: () => ({ certificate: 'nope', privateKey: selfSigned(dir, 'a').privateKey }), error: 'MalformedCertificateException', message: undefined },
  ])('$name', async ({ make, error, message }) => {
    await expect(uploadServer('bad', make())).rejects.toMatchObject({ name: error, $metadata: { httpStatusCode: 400 }, ...(message !== undefined && { message }) })
    await expect(iam.send(new GetServerCertificateCommand({ ServerCertificateName: 'bad' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' })
  })

  it('rejects a chain that is not certificates', async () => {
    await expect(uploadServer('bad-chain', selfSigned(dir, 'a'), { CertificateChain: 'junk' })).rejects.toMatchObject({ name: 'MalformedCertificateException', $metadata: { httpStatusCode: 400 } })
  })

  it('lists by path prefix in name order, in pages, renames and moves, and deletes', async () => {
    await uploadServer('beta', selfSigned(dir, 'beta'), { Path: '/elb/' })
    await uploadServer('alpha', selfSigned(dir, 'alpha'), { Path: '/elb/' })
    await uploadServer('gamma', selfSigned(dir, 'gamma'))
    await expect(uploadServer('ALPHA', selfSigned(dir, 'alpha2'))).rejects.toMatchObject({
      name: 'EntityAlreadyExistsException', message: 'The Server Certificate with name ALPHA already exists.', $metadata: { httpStatusCode: 409 },
    })
    const names = async (prefix?: string) => (await iam.send(new ListServerCertificatesCommand({ ...(prefix && { PathPrefix: prefix }) }))).ServerCertificateMetadataList!.map((meta) => meta.ServerCertificateName)
    expect(await names()).toEqual(['alpha', 'beta', 'gamma'])
    expect(await names('/elb/')).toEqual(['alpha', 'beta'])
    const first = await iam.send(new ListServerCertificatesCommand({ MaxItems: 2 }))
    expect(first.IsTruncated).toBe(true)
    expect((await iam.send(new ListServerCertificatesCommand({ Marker: first.Marker }))).ServerCertificateMetadataList!.map((meta) => meta.ServerCertificateName)).toEqual(['gamma'])

    await iam.send(new TagServerCertificateCommand({ ServerCertificateName: 'beta', Tags: [{ Key: 'team', Value: 'web' }, { Key: 'tier', Value: '1' }] }))
    await iam.send(new UpdateServerCertificateCommand({ ServerCertificateName: 'beta', NewServerCertificateName: 'delta', NewPath: '/cloudfront/' }))
    const moved = await iam.send(new GetServerCertificateCommand({ ServerCertificateName: 'delta' }))
    expect(moved.ServerCertificate!.ServerCertificateMetadata).toMatchObject({ Path: '/cloudfront/', Arn: `arn:aws:iam::${ACCOUNT}:server-certificate/cloudfront/delta` })
    await iam.send(new UntagServerCertificateCommand({ ServerCertificateName: 'delta', TagKeys: ['TIER'] }))
    expect((await iam.send(new ListServerCertificateTagsCommand({ ServerCertificateName: 'delta' }))).Tags).toEqual([{ Key: 'team', Value: 'web' }])
    await expect(iam.send(new GetServerCertificateCommand({ ServerCertificateName: 'beta' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException', message: 'The Server Certificate with name beta cannot be found.', $metadata: { httpStatusCode: 404 },
    })
    await expect(iam.send(new UpdateServerCertificateCommand({ ServerCertificateName: 'delta', NewServerCertificateName: 'Gamma' }))).rejects.toMatchObject({ name: 'EntityAlreadyExistsException' })

    for (const name of ['alpha', 'delta', 'gamma']) await iam.send(new DeleteServerCertificateCommand({ ServerCertificateName: name }))
    expect(await names()).toEqual([])
    await expect(iam.send(new DeleteServerCertificateCommand({ ServerCertificateName: 'alpha' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' })
  })

  it('rejects a 21st server certificate of the account with LimitExceeded', async () => {
    const pair = selfSigned(dir, 'many')
    for (let i = 0; i < 20; i++) await uploadServer(`many-${i}`, pair)
    await expect(uploadServer('many-20', pair)).rejects.toMatchObject({
      name: 'LimitExceededException', message: 'Cannot exceed quota for ServerCertificatesPerAccount: 20', $metadata: { httpStatusCode: 409 },
    })
    for (let i = 0; i < 20; i++) await iam.send(new DeleteServerCertificateCommand({ ServerCertificateName: `many-${i}` }))
  })

  it('refuses a user the upload when its policy allows only another path', async () => {
    const user = await createTestUser(palisade, 'cert-uploader')
    await iam.send(new PutUserPolicyCommand({ UserName: 'cert-uploader', PolicyName: 'Elb', PolicyDocument: allow('iam:UploadServerCertificate', `arn:aws:iam::${ACCOUNT}:server-certificate/elb/*`) }))
    const pair = selfSigned(dir, 'u')
    const send = (path: string, name: string) => user.client.send(new UploadServerCertificateCommand({ Path: path, ServerCertificateName: name, CertificateBody: pair.certificate, PrivateKey: pair.privateKey }))
    await expect(send('/cloudfront/', 'u1')).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
    await send('/elb/', 'u2')
    await iam.send(new DeleteServerCertificateCommand({ ServerCertificateName: 'u2' }))
  })
})

describe('expired certificates', () => {
  it('rejects a signing or server certificate that has expired, as MalformedCertificate', async () => {
    // A server living 60 days ahead, and a client whose clock is shifted as much so that its signatures stay current.
    const ahead = 60 * 86_400_000
    const later = await startTestPalisade([], { clock: { now: () => new Date(Date.now() + ahead) } })
    try {
      // A client per call: after an error the SDK re-measures its clock offset from the response's Date header, which
      // node:http sets from the real time, and would sign the next call 60 days behind the server.
      const client = { send: ((command: never) => new IAMClient({ endpoint: later.url, region: 'us-east-1', credentials: later.root, maxAttempts: 1, systemClockOffset: ahead }).send(command)) as IAMClient['send'] }
      const pair = selfSigned(dir, 'thirty-days', 30)
      await expect(client.send(new UploadSigningCertificateCommand({ CertificateBody: pair.certificate }))).rejects.toMatchObject({
        name: 'MalformedCertificateException',
        message: 'The request was rejected because the certificate was malformed or expired: the certificate has expired.',
        $metadata: { httpStatusCode: 400 },
      })
      await expect(client.send(new UploadServerCertificateCommand({ ServerCertificateName: 'old', CertificateBody: pair.certificate, PrivateKey: pair.privateKey })))
        .rejects.toMatchObject({ name: 'MalformedCertificateException', $metadata: { httpStatusCode: 400 } })
      // The same client takes a certificate valid for a year.
      await expect(client.send(new UploadSigningCertificateCommand({ CertificateBody: selfSigned(dir, 'a-year', 365).certificate }))).resolves.toBeDefined()
    } finally {
      await later.stop()
    }
  })
})
