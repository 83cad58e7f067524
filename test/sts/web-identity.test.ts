// End to end: AssumeRoleWithWebIdentity with real JWTs signed by keys this test generates, the JWKS served on a
// loopback port (or read from a local file): the session, each way a token is refused, and the SDK's fromTokenFile
// provider. The server runs with --auth permissive: the authorization stage does not yet weigh a trust policy for a
// web identity caller (an unsigned request), so the token checks are proven here, and the trust decision and the
// session's identity in pending-authz.test.ts.txt.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fromTokenFile } from '@aws-sdk/credential-providers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACCOUNT } from './sts-support.js'
import { CLIENT_ID, FILE_ISSUER, FILE_PROVIDER_ARN, ISSUER, PROVIDER_ARN, startWebIdentityWorld, type TokenOptions, type WebIdentityWorld } from './web-identity-support.js'

describe('AssumeRoleWithWebIdentity', () => {
  let world: WebIdentityWorld

  const token = (claims?: Record<string, unknown>, options?: TokenOptions) => world.token(claims, options)
  const assume = (webIdentityToken: string | Promise<string>, input?: Record<string, unknown>) => world.assume(webIdentityToken, input)

  beforeAll(async () => {
    world = await startWebIdentityWorld({
      serverArgs: ['--auth', 'permissive'],
      trust: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { Federated: [PROVIDER_ARN, FILE_PROVIDER_ARN] },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { 'issuer.example.test:sub': 'repo:octo/*' } },
        }],
      }),
    })
  })
  afterAll(() => world.stop())

  it('answers a role session for a valid token, with the subject, provider and audience', async () => {
    const answer = await assume(token())
    expect(answer).toMatchObject({
      AssumedRoleUser: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/CiDeployer/ci-run`, AssumedRoleId: expect.stringMatching(/^AROA[A-Z0-9]{17}:ci-run$/) },
      SubjectFromWebIdentityToken: 'repo:octo/app',
      Provider: ISSUER,
      Audience: CLIENT_ID,
    })
    expect(answer.Credentials!.AccessKeyId).toMatch(/^ASIA/)
  })

  it('reads the keys from a local JWKS file when configured so', async () => {
    const answer = await assume(token({}, { issuer: FILE_ISSUER }))
    expect(answer.Provider).toBe(FILE_ISSUER)
  })

  it('passes the source identity claim through', async () => {
    const answer = await assume(token({ 'https://aws.amazon.com/source_identity': 'octocat' }))
    expect(answer.SourceIdentity).toBe('octocat')
  })

  it('takes session tags from the token\'s tags claim', async () => {
    const plain = await assume(token())
    expect(plain.PackedPolicySize).toBeUndefined()
    const tagged = await assume(token({ 'https://aws.amazon.com/tags': { principal_tags: { team: ['blue'] }, transitive_tag_keys: ['team'] } }))
    expect(tagged.PackedPolicySize).toBeGreaterThan(0)
  })

  it.each([
    { name: 'a wrong audience', make: () => token({ aud: 'someone-else' }), code: 'InvalidIdentityTokenException', message: 'Incorrect token audience' },
    { name: 'a signature by another key under the published key id', make: () => token({}, { key: world.otherKey }), code: 'InvalidIdentityTokenException' },
    { name: 'a key id the issuer does not publish', make: () => token({}, { key: world.otherKey, kid: 'other' }), code: 'InvalidIdentityTokenException' },
    { name: 'an unknown issuer', make: () => token({}, { issuer: 'https://unknown.example.test' }), code: 'InvalidIdentityTokenException', message: 'No OpenIDConnect provider found in your account for https://unknown.example.test' },
    { name: 'a token that is not a JWT', make: async () => 'not-a-jwt', code: 'InvalidIdentityTokenException' },
    { name: 'an expired token', make: () => token({}, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), code: 'ExpiredTokenException', message: expect.stringMatching(/^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/) },
  ])('refuses $name', async ({ make, code, message }) => {
    await expect(assume(make())).rejects.toMatchObject({ name: code, ...(message !== undefined && { message }), $metadata: { httpStatusCode: 400 } })
  })

  it('refuses a tampered token', async () => {
    const [header, , signature] = (await token()).split('.')
    const forged = Buffer.from(JSON.stringify({ iss: ISSUER, aud: CLIENT_ID, sub: 'repo:octo/app', exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url')
    await expect(assume(`${header}.${forged}.${signature}`)).rejects.toMatchObject({ name: 'InvalidIdentityTokenException' })
  })

  it('works with the SDK\'s fromTokenFile provider', async () => {
    const tokenFile = join(world.keyDir, 'token')
    writeFileSync(tokenFile, await token())
    const credentials = fromTokenFile({
      webIdentityTokenFile: tokenFile,
      roleArn: world.roleArn,
      roleSessionName: 'from-file',
      clientConfig: { endpoint: world.palisade.url, region: 'us-east-1', maxAttempts: 1 },
    })
    const issued = await credentials()
    expect(issued.accessKeyId).toMatch(/^ASIA/)
    expect(issued.sessionToken).toBeDefined()
  })
})
