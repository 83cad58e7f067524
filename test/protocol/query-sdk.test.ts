// Round trips of the query codec with the real SDK v3 clients (IAM, STS) and test-double handlers.
import {
  CreateLoginProfileCommand,
  CreateUserCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListUsersCommand,
  NoSuchEntityException,
  TagUserCommand,
} from '@aws-sdk/client-iam'
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NoSuchEntityException as NoSuchEntity, ServiceFailureException } from '../../src/generated/iam/errors.js'
import { iamModel } from '../../src/generated/iam/model.js'
import { stsModel } from '../../src/generated/sts/model.js'
import { queryCodec } from '../../src/protocol/query/query-codec.js'
import { startCodecServer, testCredentials, type CodecServer, type TestHandler } from '../support/codec-server.js'

const clientConfig = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 })
const created = new Date('2024-05-06T07:08:09Z')

describe('query codec with @aws-sdk/client-iam', () => {
  let server: CodecServer
  let iam: IAMClient
  const handlers: Record<string, TestHandler> = {
    CreateUser: (input) => ({
      User: {
        Path: input.Path ?? '/',
        UserName: input.UserName,
        UserId: 'AIDAEXAMPLE0000000001',
        Arn: `arn:aws:iam::111122223333:user${String(input.Path ?? '/')}${String(input.UserName)}`,
        CreateDate: created,
        Tags: input.Tags,
      },
    }),
    ListUsers: (input) => {
      const all = ['alice', 'bob', 'carol']
      const start = input.Marker === undefined ? 0 : Number(input.Marker)
      const end = Math.min(all.length, start + Number(input.MaxItems ?? 100))
      return {
        Users: all.slice(start, end).map((name, i) => ({
          Path: '/',
          UserName: name,
          UserId: `AIDAEXAMPLE00000000${i}`,
          Arn: `arn:aws:iam::111122223333:user/${name}`,
          CreateDate: new Date(created.getTime() + i * 1500),
        })),
        IsTruncated: end < all.length,
        ...(end < all.length ? { Marker: String(end) } : {}),
      }
    },
    GetAccountSummary: () => ({ SummaryMap: { Users: 3, UsersQuota: 5000, AccountMFAEnabled: 0 } }),
    GetCredentialReport: () => ({ Content: new Uint8Array([0, 1, 2, 253, 254, 255]), ReportFormat: 'text/csv', GeneratedTime: created }),
    CreateLoginProfile: (input) => ({
      LoginProfile: { UserName: input.UserName, CreateDate: created, PasswordResetRequired: input.PasswordResetRequired },
    }),
    TagUser: (input) => {
      if (input.UserName === 'ghost') throw new NoSuchEntity('The user with name ghost cannot be found.')
      if (input.UserName === 'crash') throw new ServiceFailureException('The request processing has failed.')
      return undefined
    },
  }

  beforeAll(async () => {
    server = await startCodecServer(queryCodec, iamModel, handlers)
    iam = new IAMClient(clientConfig(server.endpoint))
  })
  afterAll(async () => {
    iam.destroy()
    await server.close()
  })

  it('decodes a list of structures and echoes it back, escaping XML (CreateUser with Tags)', async () => {
    const tags = [{ Key: 'team', Value: 'blue und grün' }, { Key: 'cost:center', Value: '' }]
    const path = '/a&b<c>"d"/'
    const output = await iam.send(new CreateUserCommand({ UserName: 'alice', Path: path, Tags: tags }))
    expect(server.received.at(-1)).toEqual({ operation: 'CreateUser', input: { UserName: 'alice', Path: path, Tags: tags } })
    expect(output.User).toEqual({
      Path: path,
      UserName: 'alice',
      UserId: 'AIDAEXAMPLE0000000001',
      Arn: `arn:aws:iam::111122223333:user${path}alice`,
      CreateDate: created,
      Tags: tags,
    })
    expect(output.$metadata.httpStatusCode).toBe(200)
    expect(output.$metadata.requestId).toMatch(/^00000000-0000-4000-8000-\d{12}$/)
  })

  it('carries numbers, pagination markers and timestamps across pages (ListUsers)', async () => {
    const first = await iam.send(new ListUsersCommand({ MaxItems: 2 }))
    expect(server.received.at(-1)!.input).toEqual({ MaxItems: 2 })
    expect(first.IsTruncated).toBe(true)
    expect(first.Users!.map((u) => u.UserName)).toEqual(['alice', 'bob'])
    expect(first.Users![1]!.CreateDate).toEqual(new Date(created.getTime() + 1500))
    const second = await iam.send(new ListUsersCommand({ MaxItems: 2, Marker: first.Marker }))
    expect(second.IsTruncated).toBe(false)
    expect(second.Marker).toBeUndefined()
    expect(second.Users!.map((u) => u.UserName)).toEqual(['carol'])
  })

  it('writes maps as entry/key/value (GetAccountSummary)', async () => {
    const output = await iam.send(new GetAccountSummaryCommand({}))
    expect(output.SummaryMap).toEqual({ Users: 3, UsersQuota: 5000, AccountMFAEnabled: 0 })
  })

  it('writes blobs in base64 (GetCredentialReport)', async () => {
    const output = await iam.send(new GetCredentialReportCommand({}))
    expect(Array.from(output.Content!)).toEqual([0, 1, 2, 253, 254, 255])
    expect(output.GeneratedTime).toEqual(created)
  })

  it('decodes booleans (CreateLoginProfile)', async () => {
    const output = await iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'Secr3t!pass', PasswordResetRequired: true }))
    expect(server.received.at(-1)!.input).toEqual({ UserName: 'alice', Password: 'Secr3t!pass', PasswordResetRequired: true })
    expect(output.LoginProfile?.PasswordResetRequired).toBe(true)
  })

  it('answers an operation without output with an empty 200 (TagUser)', async () => {
    const output = await iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'k', Value: 'v' }] }))
    expect(output.$metadata.httpStatusCode).toBe(200)
  })

  it('serializes a modelled error so the SDK raises its typed exception', async () => {
    const error = await iam.send(new TagUserCommand({ UserName: 'ghost', Tags: [] })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NoSuchEntityException)
    expect(error).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The user with name ghost cannot be found.',
      $fault: 'client',
      $metadata: { httpStatusCode: 404, requestId: expect.stringMatching(/^00000000-0000-4000-8000-/) },
    })
  })

  it('marks server errors as Receiver faults', async () => {
    const error = await iam.send(new TagUserCommand({ UserName: 'crash', Tags: [] })).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'ServiceFailureException', $fault: 'server', $metadata: { httpStatusCode: 500 } })
  })

  it('rejects input that breaks the model with ValidationError in AWS wording', async () => {
    const error = await iam.send(new CreateUserCommand({ UserName: 'a'.repeat(65), Tags: [{ Key: 'bad#key', Value: 'v' }] })).catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'ValidationError',
      message:
        `2 validation errors detected: Value '${'a'.repeat(65)}' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64; ` +
        "Value 'bad#key' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
      $metadata: { httpStatusCode: 400 },
    })
  })
})

describe('query codec with @aws-sdk/client-sts', () => {
  let server: CodecServer
  let sts: STSClient
  const expiration = new Date('2024-05-06T08:08:09Z')
  const handlers: Record<string, TestHandler> = {
    GetCallerIdentity: () => ({ UserId: 'AIDAEXAMPLE0000000001', Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/alice' }),
    AssumeRole: (input) => ({
      Credentials: { AccessKeyId: 'ASIAEXAMPLE000000001', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: expiration },
      AssumedRoleUser: { AssumedRoleId: `AROAEXAMPLE:${String(input.RoleSessionName)}`, Arn: `arn:aws:sts::111122223333:assumed-role/r/${String(input.RoleSessionName)}` },
      PackedPolicySize: 7,
      SourceIdentity: input.SourceIdentity,
    }),
  }

  beforeAll(async () => {
    server = await startCodecServer(queryCodec, stsModel, handlers)
    sts = new STSClient(clientConfig(server.endpoint))
  })
  afterAll(async () => {
    sts.destroy()
    await server.close()
  })

  it('answers an operation without input (GetCallerIdentity)', async () => {
    const output = await sts.send(new GetCallerIdentityCommand({}))
    expect(output).toMatchObject({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/alice', UserId: 'AIDAEXAMPLE0000000001' })
  })

  it('decodes lists of strings, nested structures and numbers (AssumeRole)', async () => {
    const output = await sts.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::111122223333:role/r',
        RoleSessionName: 'session-1',
        DurationSeconds: 3600,
        PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
        Tags: [{ Key: 'project', Value: 'palisade' }],
        TransitiveTagKeys: ['project'],
        Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
        SourceIdentity: 'alice',
      }),
    )
    expect(server.received.at(-1)!.input).toEqual({
      RoleArn: 'arn:aws:iam::111122223333:role/r',
      RoleSessionName: 'session-1',
      DurationSeconds: 3600,
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      Tags: [{ Key: 'project', Value: 'palisade' }],
      TransitiveTagKeys: ['project'],
      Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
      SourceIdentity: 'alice',
    })
    expect(output.Credentials?.Expiration).toEqual(expiration)
    expect(output.PackedPolicySize).toBe(7)
    expect(output.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111122223333:assumed-role/r/session-1')
  })

  it('reports a missing required member as null', async () => {
    const error = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/r' } as never)).catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'ValidationError',
      message: "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
      $metadata: { httpStatusCode: 400 },
    })
  })
})
