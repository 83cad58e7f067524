// Account-level Block Public Access through S3 Control (the same server, paths under /v20180820/): its four
// settings, and their effect on every bucket of the account beside the bucket's own settings.
import { CreateBucketCommand, DeletePublicAccessBlockCommand as DeleteBucketBlockCommand, PutBucketPolicyCommand, S3ServiceException } from '@aws-sdk/client-s3'
import {
  DeletePublicAccessBlockCommand, GetPublicAccessBlockCommand, PutPublicAccessBlockCommand, S3ControlClient, S3ControlServiceException,
} from '@aws-sdk/client-s3-control'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { s3Client } from './s3-support.js'

const ACCOUNT = '000000000000'
let server: TestPalisade
let control: S3ControlClient

beforeAll(async () => {
  server = await startTestPalisade()
  control = new S3ControlClient({ endpoint: server.url.replace('127.0.0.1', 'localhost'), region: 'us-east-1', credentials: server.root, maxAttempts: 1 })
  // The SDK puts the account id in front of the host name ({AccountId}.localhost), a name that does not resolve:
  // send to the loopback address instead, before the request is signed.
  control.middlewareStack.add((next) => async (args) => {
    const request = args.request as { hostname: string; headers: Record<string, string> }
    request.hostname = '127.0.0.1'
    if (request.headers.host !== undefined) request.headers.host = request.headers.host.replace(/^\d{12}\.localhost/, '127.0.0.1')
    return next(args)
  }, { step: 'build', name: 'withoutAccountHostPrefix' })
})
afterAll(async () => server.stop())

async function failure<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(() => undefined, (thrown: unknown) => thrown)
  expect(error).toBeInstanceOf(type)
  return error as E
}

const publicPolicy = (bucket: string) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` }],
})

describe('S3 Control PublicAccessBlock', () => {
  it('answers NoSuchPublicAccessBlockConfiguration before any is put, then stores and returns all four settings', async () => {
    const missing = await failure(control.send(new GetPublicAccessBlockCommand({ AccountId: ACCOUNT })), S3ControlServiceException)
    expect(missing.name).toBe('NoSuchPublicAccessBlockConfiguration')
    expect(missing.$metadata.httpStatusCode).toBe(404)
    await control.send(new PutPublicAccessBlockCommand({ AccountId: ACCOUNT, PublicAccessBlockConfiguration: { BlockPublicPolicy: true, RestrictPublicBuckets: true } }))
    const got = await control.send(new GetPublicAccessBlockCommand({ AccountId: ACCOUNT }))
    expect(got.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: true })
  })

  it('holds a bucket whose own settings are off to the account\'s: a public policy is refused, and allowed once the account block is gone', async () => {
    const s3 = s3Client(server)
    await s3.send(new CreateBucketCommand({ Bucket: 'acct-block' }))
    await s3.send(new DeleteBucketBlockCommand({ Bucket: 'acct-block' }))
    const refused = await failure(s3.send(new PutBucketPolicyCommand({ Bucket: 'acct-block', Policy: publicPolicy('acct-block') })), S3ServiceException)
    expect(refused.name).toBe('AccessDenied')

    await control.send(new PutPublicAccessBlockCommand({ AccountId: ACCOUNT, PublicAccessBlockConfiguration: { RestrictPublicBuckets: true } }))
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'acct-block', Policy: publicPolicy('acct-block') }))
    // RestrictPublicBuckets at account level: the public policy serves no anonymous caller.
    expect((await fetch(`${server.url}/acct-block`, { method: 'HEAD' })).status).toBe(403)
    await control.send(new DeletePublicAccessBlockCommand({ AccountId: ACCOUNT }))
    expect((await fetch(`${server.url}/acct-block`, { method: 'HEAD' })).status).toBe(200)
    expect((await failure(control.send(new GetPublicAccessBlockCommand({ AccountId: ACCOUNT })), S3ControlServiceException)).name)
      .toBe('NoSuchPublicAccessBlockConfiguration')
  })

  it('refuses to configure another account', async () => {
    const error = await failure(control.send(new PutPublicAccessBlockCommand({ AccountId: '111111111111', PublicAccessBlockConfiguration: { BlockPublicAcls: true } })), S3ControlServiceException)
    expect(error.name).toBe('AccessDenied')
    expect(error.$metadata.httpStatusCode).toBe(403)
  })
})
