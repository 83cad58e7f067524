// Test helpers for the S3 suites: an SDK client for a started Palisade (path-style, one attempt), a started server
// with its root client and buckets, and the S3 error a call fails with.
import { CreateBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3'
import { expect } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import type { PalisadeOverrides } from '../../src/app/start-palisade.js'

interface Credentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

/** Signs as `credentials`, by default the root user of the server's default account. */
export function s3Client(server: { readonly url: string; readonly root: Credentials }, credentials?: Credentials): S3Client
export function s3Client(server: { readonly url: string }, credentials: Credentials): S3Client
export function s3Client(server: { readonly url: string; readonly root?: Credentials }, credentials = server.root): S3Client {
  return new S3Client({ endpoint: server.url, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1 })
}

export interface S3TestServer {
  readonly server: TestPalisade
  /** Signs as the root user of the default account. */
  readonly s3: S3Client
}

/** Starts a server (`args` and `overrides` as for startTestPalisade) and creates `buckets` as its root user. */
export async function startS3Palisade(
  options: { buckets?: readonly string[]; args?: readonly string[]; overrides?: PalisadeOverrides } = {},
): Promise<S3TestServer> {
  const server = await startTestPalisade(options.args, options.overrides)
  const s3 = s3Client(server)
  for (const bucket of options.buckets ?? []) await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  return { server, s3 }
}

/** The S3 error the call fails with (the test fails if it succeeds or fails otherwise). */
export async function failure(promise: Promise<unknown>): Promise<S3ServiceException> {
  const error = await promise.then(() => undefined, (thrown: unknown) => thrown)
  expect(error, 'expected the call to fail with an S3 error').toBeInstanceOf(S3ServiceException)
  return error as S3ServiceException
}
