// End to end in strict mode: AssumeRoleWithWebIdentity with real JWTs signed by keys this test generates, the JWKS
// served on a loopback port (or read from a local file): the session, the trust policy's provider and claim
// conditions, each way a token is refused, and the order AWS refuses in (the token before the trust policy: an
// unknown issuer or a token that is no JWT is InvalidIdentityToken, never AccessDenied); and the SDK's fromTokenFile.
import { createServer, type Server } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateOpenIDConnectProviderCommand, DeleteOpenIDConnectProviderCommand } from '@aws-sdk/client-iam'
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { fromTokenFile } from '@aws-sdk/credential-providers'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, createRole, expectDenied, rootClient, signingCredentials, stsClient } from './sts-support.js'

const ISSUER = 'https://issuer.example.test'
const FILE_ISSUER = 'https://file-issuer.example.test/tenant'
const CLIENT_ID = 'my-app'
const GONE_ISSUER = 'https://gone.example.test'
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/issuer.example.test`

describe('AssumeRoleWithWebIdentity', () => {
  let palisade: TestPalisade
  let jwksServer: Server
  let keyDir: string
  let signingKey: CryptoKey
  let otherKey: CryptoKey
  let roleArn: string

  const token = (claims: Record<string, unknown> = {}, options: { key?: CryptoKey; issuer?: string; expiresIn?: string | number } = {}) =>
    new SignJWT({ aud: CLIENT_ID, sub: 'repo:octo/app', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.key === otherKey ? 'other' : 'main' })
      .setIssuer(options.issuer ?? ISSUER)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '10m')
      .sign(options.key ?? signingKey)

  const anonymous = () => new STSClient({ endpoint: palisade.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } })
  const assume = async (webIdentityToken: string | Promise<string>, input: Record<string, unknown> = {}) =>
    anonymous().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'ci-run', WebIdentityToken: await webIdentityToken, ...input }))

  beforeAll(async () => {
    const main = await generateKeyPair('RS256')
    const other = await generateKeyPair('RS256')
    signingKey = main.privateKey
    otherKey = other.privateKey
    const jwks = { keys: [{ ...(await exportJWK(main.publicKey)), kid: 'main', alg: 'RS256', use: 'sig' } satisfies JWK] }
    jwksServer = createServer((request, response) => {
      response.writeHead(request.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' })
      response.end(JSON.stringify(jwks))
    })
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve))
    const port = (jwksServer.address() as { port: number }).port
    keyDir = mkdtempSync(join(tmpdir(), 'palisade-jwks-'))
    writeFileSync(join(keyDir, 'jwks.json'), JSON.stringify(jwks))
    palisade = await startTestPalisade([], { oidcKeys: { [ISSUER]: `http://127.0.0.1:${port}/jwks.json`, [FILE_ISSUER]: join(keyDir, 'jwks.json') } })
    const iam = rootClient(palisade)
    for (const Url of [ISSUER, FILE_ISSUER, GONE_ISSUER]) {
      await iam.send(new CreateOpenIDConnectProviderCommand({ Url, ClientIDList: [CLIENT_ID], ThumbprintList: ['a'.repeat(40)] }))
    }
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/gone.example.test` }))
    roleArn = await createRole(palisade, 'CiDeployer', {
      trust: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: PROVIDER_ARN },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringLike: { 'issuer.example.test:sub': 'repo:octo/*' } },
          },
          // Each provider's claims are keyed by its own name, so each needs its own statement.
          {
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/file-issuer.example.test/tenant` },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringLike: { 'file-issuer.example.test/tenant:sub': 'repo:octo/*' } },
          },
        ],
      }),
      permissions: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }] }),
    })
  })
  afterAll(async () => {
    await palisade.stop()
    await new Promise((resolve) => jwksServer.close(resolve))
    rmSync(keyDir, { recursive: true, force: true })
  })

  it('answers a role session for a valid token, with the subject, provider and audience', async () => {
    const answer = await assume(token())
    expect(answer).toMatchObject({
      AssumedRoleUser: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/CiDeployer/ci-run`, AssumedRoleId: expect.stringMatching(/^AROA[A-Z0-9]{17}:ci-run$/) },
      SubjectFromWebIdentityToken: 'repo:octo/app',
      Provider: ISSUER,
      Audience: CLIENT_ID,
    })
    const identity = await stsClient(palisade, signingCredentials(answer.Credentials)).send(new GetCallerIdentityCommand({}))
    expect(identity.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/CiDeployer/ci-run`)
  })

  it('reads the keys from a local JWKS file when configured so', async () => {
    const answer = await assume(token({}, { issuer: FILE_ISSUER }))
    expect(answer.Provider).toBe(FILE_ISSUER)
  })

  it('passes the source identity claim through', async () => {
    const answer = await assume(token({ 'https://aws.amazon.com/source_identity': 'octocat' }))
    expect(answer.SourceIdentity).toBe('octocat')
  })

  it.each([
    { name: 'a wrong audience', make: () => token({ aud: 'someone-else' }), code: 'InvalidIdentityTokenException', message: 'Incorrect token audience' },
    { name: 'a signature by another key', make: () => token({}, { key: otherKey }), code: 'InvalidIdentityTokenException' },
    { name: 'an unknown issuer', make: () => token({}, { issuer: 'https://unknown.example.test' }), code: 'InvalidIdentityTokenException', message: 'No OpenIDConnect provider found in your account for https://unknown.example.test' },
    { name: 'a token that is not a JWT', make: async () => 'not-a-jwt', code: 'InvalidIdentityTokenException' },
    { name: 'an issuer whose provider was deleted', make: () => token({}, { issuer: GONE_ISSUER }), code: 'InvalidIdentityTokenException', message: `No OpenIDConnect provider found in your account for ${GONE_ISSUER}` },
    { name: 'an expired token', make: () => token({}, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), code: 'ExpiredTokenException', message: expect.stringMatching(/^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/) },
  ])('refuses $name', async ({ make, code, message }) => {
    await expect(assume(make())).rejects.toMatchObject({ name: code, ...(message !== undefined && { message }), $metadata: { httpStatusCode: 400 } })
  })

  it('refuses a tampered token', async () => {
    const [header, , signature] = (await token()).split('.')
    const forged = Buffer.from(JSON.stringify({ iss: ISSUER, aud: CLIENT_ID, sub: 'repo:octo/app', exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url')
    await expect(assume(`${header}.${forged}.${signature}`)).rejects.toMatchObject({ name: 'InvalidIdentityTokenException' })
  })

  it('lets the trust policy decide on the token\'s claims', async () => {
    await expectDenied(assume(token({ sub: 'repo:evil/app' })), 'sts:AssumeRoleWithWebIdentity')
  })

  it('works with the SDK\'s fromTokenFile provider', async () => {
    const tokenFile = join(keyDir, 'token')
    writeFileSync(tokenFile, await token())
    const credentials = fromTokenFile({
      webIdentityTokenFile: tokenFile,
      roleArn,
      roleSessionName: 'from-file',
      clientConfig: { endpoint: palisade.url, region: 'us-east-1', maxAttempts: 1 },
    })
    const identity = await stsClient(palisade, await credentials()).send(new GetCallerIdentityCommand({}))
    expect(identity.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/CiDeployer/from-file`)
  })
})
