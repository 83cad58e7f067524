// Helpers for the web identity suites: RS256 keys, a JWKS served on a loopback port and written to a file, token making, and a started server with the OIDC providers and a role.
import { createServer, type Server } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateOpenIDConnectProviderCommand } from '@aws-sdk/client-iam'
import { AssumeRoleWithWebIdentityCommand, STSClient, type AssumeRoleWithWebIdentityCommandOutput } from '@aws-sdk/client-sts'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, createRole, rootClient } from './sts-support.js'

export const ISSUER = 'https://issuer.example.test'
export const FILE_ISSUER = 'https://file-issuer.example.test/tenant'
export const CLIENT_ID = 'my-app'
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/issuer.example.test`
export const FILE_PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/file-issuer.example.test/tenant`

export interface TokenOptions {
  readonly key?: CryptoKey
  readonly kid?: string
  readonly issuer?: string
  readonly expiresIn?: string | number
}

/**
 * A started server whose ISSUER keys come from a loopback JWKS server and FILE_ISSUER keys from a file in `keyDir`;
 * both providers exist, and the role CiDeployer (may iam:ListRoles) trusts what the caller's trust policy says.
 */
export interface WebIdentityWorld {
  readonly palisade: TestPalisade
  readonly keyDir: string
  readonly roleArn: string
  /** A key no JWKS publishes. */
  readonly otherKey: CryptoKey
  /** A JWT for CLIENT_ID about repo:octo/app, signed by the published key under kid `main` unless told otherwise. */
  token(claims?: Record<string, unknown>, options?: TokenOptions): Promise<string>
  /** An unsigned AssumeRoleWithWebIdentity of CiDeployer as session ci-run. */
  assume(webIdentityToken: string | Promise<string>, input?: Record<string, unknown>): Promise<AssumeRoleWithWebIdentityCommandOutput>
  stop(): Promise<void>
}

export async function startWebIdentityWorld(options: { readonly serverArgs?: readonly string[]; readonly trust: string }): Promise<WebIdentityWorld> {
  const main = await generateKeyPair('RS256')
  const other = await generateKeyPair('RS256')
  const jwks = { keys: [{ ...(await exportJWK(main.publicKey)), kid: 'main', alg: 'RS256', use: 'sig' } satisfies JWK] }
  const jwksServer = createServer((request, response) => {
    response.writeHead(request.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' })
    response.end(JSON.stringify(jwks))
  })
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve))
  const port = (jwksServer.address() as { port: number }).port
  const keyDir = mkdtempSync(join(tmpdir(), 'palisade-jwks-'))
  writeFileSync(join(keyDir, 'jwks.json'), JSON.stringify(jwks))
  const palisade = await startTestPalisade(options.serverArgs ?? [], { oidcKeys: { [ISSUER]: `http://127.0.0.1:${port}/jwks.json`, [FILE_ISSUER]: join(keyDir, 'jwks.json') } })
  const iam = rootClient(palisade)
  for (const Url of [ISSUER, FILE_ISSUER]) {
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url, ClientIDList: [CLIENT_ID], ThumbprintList: ['a'.repeat(40)] }))
  }
  const roleArn = await createRole(palisade, 'CiDeployer', {
    trust: options.trust,
    permissions: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }] }),
  })
  return {
    palisade,
    keyDir,
    roleArn,
    otherKey: other.privateKey,
    token: (claims = {}, tokenOptions = {}) =>
      new SignJWT({ aud: CLIENT_ID, sub: 'repo:octo/app', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: tokenOptions.kid ?? 'main' })
        .setIssuer(tokenOptions.issuer ?? ISSUER)
        .setIssuedAt()
        .setExpirationTime(tokenOptions.expiresIn ?? '10m')
        .sign(tokenOptions.key ?? main.privateKey),
    // The call is unsigned; the SDK still wants credentials to build the request.
    assume: async (webIdentityToken, input = {}) =>
      new STSClient({ endpoint: palisade.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } })
        .send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'ci-run', WebIdentityToken: await webIdentityToken, ...input })),
    async stop() {
      await palisade.stop()
      await closeServer(jwksServer)
      rmSync(keyDir, { recursive: true, force: true })
    },
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}
