// End to end: sts:GetCallerIdentity through every pipeline stage, with the real AWS SDK v3 client.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

function sts(palisade: TestPalisade, credentials = palisade.root) {
  return new STSClient({ endpoint: palisade.url, region: 'us-east-1', credentials, maxAttempts: 1 })
}

describe('GetCallerIdentity in strict mode', () => {
  let palisade: TestPalisade
  beforeAll(async () => { palisade = await startTestPalisade() })
  afterAll(() => palisade.stop())

  it('names the root user of the default account', async () => {
    const identity = await sts(palisade).send(new GetCallerIdentityCommand({}))
    expect(identity).toMatchObject({ Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root', UserId: '000000000000' })
    expect(identity.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('rejects a wrong secret with SignatureDoesNotMatch', async () => {
    const client = sts(palisade, { accessKeyId: palisade.root.accessKeyId, secretAccessKey: 'not-the-secret-not-the-secret-not-the-se' })
    await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      $metadata: { httpStatusCode: 403 },
    })
  })

  it('rejects an unknown access key with InvalidClientTokenId', async () => {
    const client = sts(palisade, { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40) })
    await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
      $metadata: { httpStatusCode: 403 },
    })
  })

  it('rejects a signature scoped to another region', async () => {
    const client = new STSClient({ endpoint: palisade.url, region: 'eu-west-1', credentials: palisade.root, maxAttempts: 1 })
    await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      message: expect.stringContaining("Credential should be scoped to a valid region"),
      $metadata: { httpStatusCode: 403 },
    })
  })

  it('answers an unsigned call with MissingAuthenticationToken in the query error shape', async () => {
    const response = await fetch(palisade.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    })
    expect(response.status).toBe(403)
    const body = await response.text()
    expect(body).toContain('<Code>MissingAuthenticationToken</Code>')
    expect(body).toContain('<ErrorResponse')
  })

  it('answers an unknown action with InvalidAction', async () => {
    const client = sts(palisade)
    client.middlewareStack.add((next) => async (args) => {
      const request = args.request as { body: string; headers: Record<string, string> }
      request.body = request.body.replace('Action=GetCallerIdentity', 'Action=GetCallerIdentityX')
      request.headers['content-length'] = String(Buffer.byteLength(request.body))
      return next(args)
    }, { step: 'build' })
    await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'InvalidAction',
      message: 'Could not find operation GetCallerIdentityX for version 2011-06-15',
      $metadata: { httpStatusCode: 400 },
    })
  })

  it('reports health and hides the reset endpoint', async () => {
    expect(await (await fetch(`${palisade.url}/_palisade/health`)).json()).toMatchObject({ status: 'ok', auth: 'strict' })
    expect((await fetch(`${palisade.url}/_palisade/reset`, { method: 'POST' })).status).toBe(404)
  })
})

describe('GetCallerIdentity in permissive mode', () => {
  let palisade: TestPalisade
  beforeAll(async () => { palisade = await startTestPalisade(['--auth', 'permissive']) })
  afterAll(() => palisade.stop())

  it('accepts any well-formed signature as the root user of the default account', async () => {
    const client = sts(palisade, { accessKeyId: 'AKIAANYKEYATALL00000', secretAccessKey: 'whatever' })
    expect(await client.send(new GetCallerIdentityCommand({}))).toMatchObject({ Arn: 'arn:aws:iam::000000000000:root' })
  })

  it('takes the account from a 12-digit access key', async () => {
    const client = sts(palisade, { accessKeyId: '111122223333', secretAccessKey: 'whatever' })
    expect(await client.send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:root' })
  })

  it('still requires a signature', async () => {
    const response = await fetch(palisade.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    })
    expect(response.status).toBe(403)
  })

  it('offers the reset endpoint', async () => {
    const response = await fetch(`${palisade.url}/_palisade/reset`, { method: 'POST' })
    expect(response.status).toBe(200)
    expect(await sts(palisade).send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: '000000000000' })
  })
})
