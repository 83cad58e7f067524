// End to end: `palisade serve --oidc-jwks ISSUER=JWKS` (repeated) gives AssumeRoleWithWebIdentity its issuers' keys
// offline: one from a JWKS file this test writes, one from a JWKS URL on a loopback port; tokens signed by those keys
// get a session, a token signed by any other key is refused.
import { createServer, type Server } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateOpenIDConnectProviderCommand } from '@aws-sdk/client-iam'
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, createRole, rootClient, signingCredentials, stsClient } from './sts-support.js'

const FILE_ISSUER = 'https://file-issuer.example.test'
const URL_ISSUER = 'https://url-issuer.example.test/tenant'
const CLIENT_ID = 'offline-app'

describe('AssumeRoleWithWebIdentity with --oidc-jwks', () => {
  let palisade: TestPalisade
  let jwksServer: Server
  let keyDir: string
  let fileKey: CryptoKey
  let urlKey: CryptoKey
  let strangerKey: CryptoKey
  let roleArn: string

  const token = (issuer: string, key: CryptoKey, kid: string) =>
    new SignJWT({ aud: CLIENT_ID, sub: 'build-42' })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key)
  const assume = async (webIdentityToken: Promise<string>, sessionName: string) =>
    new STSClient({ endpoint: palisade.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } })
      .send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: sessionName, WebIdentityToken: await webIdentityToken }))
  const publicJwks = async (publicKey: CryptoKey, kid: string) => ({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } satisfies JWK] })

  beforeAll(async () => {
    const [fromFile, fromUrl, stranger] = await Promise.all([generateKeyPair('RS256'), generateKeyPair('RS256'), generateKeyPair('RS256')])
    fileKey = fromFile.privateKey
    urlKey = fromUrl.privateKey
    strangerKey = stranger.privateKey
    keyDir = mkdtempSync(join(tmpdir(), 'palisade-jwks-flag-'))
    const jwksFile = join(keyDir, 'jwks.json')
    writeFileSync(jwksFile, JSON.stringify(await publicJwks(fromFile.publicKey, 'file-key')))
    const servedJwks = JSON.stringify(await publicJwks(fromUrl.publicKey, 'url-key'))
    jwksServer = createServer((request, response) => {
      response.writeHead(request.url === '/keys' ? 200 : 404, { 'content-type': 'application/json' })
      response.end(request.url === '/keys' ? servedJwks : '{}')
    })
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve))
    const port = (jwksServer.address() as { port: number }).port
    palisade = await startTestPalisade(['--oidc-jwks', `${FILE_ISSUER}=${jwksFile}`, `--oidc-jwks=${URL_ISSUER}=http://127.0.0.1:${port}/keys`])
    const iam = rootClient(palisade)
    for (const Url of [FILE_ISSUER, URL_ISSUER]) {
      await iam.send(new CreateOpenIDConnectProviderCommand({ Url, ClientIDList: [CLIENT_ID], ThumbprintList: ['a'.repeat(40)] }))
    }
    const trust = (provider: string) => ({
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${provider}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${provider}:aud`]: CLIENT_ID } },
    })
    roleArn = await createRole(palisade, 'OfflineCi', {
      trust: JSON.stringify({ Version: '2012-10-17', Statement: [trust('file-issuer.example.test'), trust('url-issuer.example.test/tenant')] }),
    })
  })
  afterAll(async () => {
    await palisade?.stop()
    await new Promise((resolve) => jwksServer?.close(resolve))
    if (keyDir) rmSync(keyDir, { recursive: true, force: true })
  })

  it('verifies a token against the JWKS file given for its issuer', async () => {
    const answer = await assume(token(FILE_ISSUER, fileKey, 'file-key'), 'from-file')
    expect(answer).toMatchObject({ Provider: FILE_ISSUER, Audience: CLIENT_ID, SubjectFromWebIdentityToken: 'build-42' })
    const identity = await stsClient(palisade, signingCredentials(answer.Credentials)).send(new GetCallerIdentityCommand({}))
    expect(identity.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/OfflineCi/from-file`)
  })

  it('verifies a token against the JWKS URL given for its issuer by a second --oidc-jwks', async () => {
    const answer = await assume(token(URL_ISSUER, urlKey, 'url-key'), 'from-url')
    expect(answer.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/OfflineCi/from-url`)
  })

  it.each([
    { name: 'a token signed by a key in neither JWKS', issuer: FILE_ISSUER, key: () => strangerKey, kid: 'file-key' },
    { name: 'a token signed by the other issuer\'s key', issuer: FILE_ISSUER, key: () => urlKey, kid: 'url-key' },
  ])('refuses $name', async ({ issuer, key, kid }) => {
    await expect(assume(token(issuer, key(), kid), 'refused')).rejects.toMatchObject({ name: 'InvalidIdentityTokenException', $metadata: { httpStatusCode: 400 } })
  })
})
