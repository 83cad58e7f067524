// Helpers for the enforcement and escalation suites: a created IAM user with its own client, and policy documents.
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, type Tag } from '@aws-sdk/client-iam'
import { expect } from 'vitest'
import type { TestPalisade } from '../support/palisade.js'

export const ACCOUNT = '000000000000'

export interface TestUser {
  readonly name: string
  readonly arn: string
  readonly client: IAMClient
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }
}

export function rootClient(palisade: TestPalisade): IAMClient {
  return new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
}

/** Creates a user and an access key as root, and returns a client that signs as that user. */
export async function createTestUser(palisade: TestPalisade, name: string, tags?: Tag[]): Promise<TestUser> {
  const root = rootClient(palisade)
  await root.send(new CreateUserCommand({ UserName: name, ...(tags && { Tags: tags }) }))
  const { AccessKey } = await root.send(new CreateAccessKeyCommand({ UserName: name }))
  const credentials = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }
  return {
    name,
    arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    credentials,
    client: new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials, maxAttempts: 1 }),
  }
}

/** A policy document of one statement per entry. */
export function policy(...statements: Array<{ Effect: 'Allow' | 'Deny'; Action: string | string[]; Resource?: string | string[]; Condition?: unknown }>): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements.map((s) => ({ Resource: '*', ...s })) })
}

export function allow(action: string | string[], resource: string | string[] = '*'): string {
  return policy({ Effect: 'Allow', Action: action, Resource: resource })
}

/** The promise rejects with AWS's AccessDenied (HTTP 403) whose message contains `reason`. */
export async function expectDenied(promise: Promise<unknown>, reason?: string | RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } },
  )
  expect(error, 'expected AccessDenied, the call succeeded').toBeDefined()
  expect(error?.name).toBe('AccessDenied')
  expect(error?.$metadata?.httpStatusCode).toBe(403)
  if (reason !== undefined) expect(error?.message).toMatch(reason)
}
