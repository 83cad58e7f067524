// End to end in strict mode: an unsigned sts:AssumeRoleWithSAML is weighed against the role's trust policy as the
// SAML provider's user (Principal.Federated); the handler then verifies the assertion's signature before any session.
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACCOUNT, createRole, expectDenied, signingCredentials, stsClient } from './sts-support.js'
import { assertionXml, PROVIDER_ARN, responseXml, sign, startSamlWorld, type SamlWorld } from './saml-support.js'

describe('AssumeRoleWithSAML', () => {
  let saml: SamlWorld
  beforeAll(async () => { saml = await startSamlWorld() })
  afterAll(() => saml.stop())

  const assume = (samlResponse: string, input: Record<string, unknown> = {}) => saml.assume(samlResponse, input)

  it('lets the trust policy admit the provider, and the session signs as the role', async () => {
    const answer = await assume(responseXml(sign(assertionXml(), saml.idp)))
    const identity = await stsClient(saml.palisade, signingCredentials(answer.Credentials)).send(new GetCallerIdentityCommand({}))
    expect(identity.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/SamlRole/jane@example.test`)
  })

  it('lets the trust policy decide on saml: keys', async () => {
    await createRole(saml.palisade, 'OtherSubjects', {
      trust: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'saml:sub': 'someone-else' } } }] }),
    })
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/OtherSubjects`
    await expectDenied(assume(responseXml(sign(assertionXml({ roles: [`${roleArn},${PROVIDER_ARN}`] }), saml.idp)), { RoleArn: roleArn }))
  })
})
