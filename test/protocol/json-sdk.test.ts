// Round trips of the json codec with the real SDK v3 clients (KMS, Organizations, CloudTrail) and test-double handlers.
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail'
import { CreateKeyCommand, EncryptCommand, KMSClient, ListKeysCommand, NotFoundException } from '@aws-sdk/client-kms'
import { AWSOrganizationsNotInUseException, DescribeOrganizationCommand, ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AwsError } from '../../src/core/aws-error.js'
import { cloudtrailModel } from '../../src/generated/cloudtrail/model.js'
import { kmsModel } from '../../src/generated/kms/model.js'
import { organizationsModel } from '../../src/generated/organizations/model.js'
import { jsonCodec } from '../../src/protocol/json/json-codec.js'
import { startCodecServer, testCredentials, type CodecServer, type TestHandler } from '../support/codec-server.js'

const clientConfig = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 })
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'

describe('json codec with @aws-sdk/client-kms', () => {
  let server: CodecServer
  let kms: KMSClient
  const handlers: Record<string, TestHandler> = {
    // Echoes the plaintext reversed, so the test proves both directions carry every byte value.
    Encrypt: (input) => ({
      CiphertextBlob: Uint8Array.from(input.Plaintext as Uint8Array).reverse(),
      KeyId: KEY_ARN,
      EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    }),
    CreateKey: (input) => ({
      KeyMetadata: {
        AWSAccountId: '111122223333',
        KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
        Arn: KEY_ARN,
        CreationDate: new Date('2024-05-06T07:08:09.123Z'),
        Enabled: true,
        Description: input.Description,
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeyState: 'Enabled',
        MultiRegion: input.MultiRegion,
        EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
        MultiRegionConfiguration: { MultiRegionKeyType: 'PRIMARY', PrimaryKey: { Arn: KEY_ARN, Region: 'us-east-1' }, ReplicaKeys: [] },
      },
    }),
    ListKeys: (input) => {
      if (input.Marker === 'missing') throw new AwsError('NotFoundException', 400, 'Invalid marker', { fields: { Extra: 'x' } })
      return { Keys: [{ KeyId: 'k1', KeyArn: KEY_ARN }], Truncated: false, NextMarker: `after-${String(input.Limit)}` }
    },
  }

  beforeAll(async () => {
    server = await startCodecServer(jsonCodec, kmsModel, handlers)
    kms = new KMSClient(clientConfig(server.endpoint))
  })
  afterAll(async () => {
    kms.destroy()
    await server.close()
  })

  it('round-trips every byte value of a blob exactly (Encrypt)', async () => {
    const plaintext = Uint8Array.from({ length: 256 }, (_, i) => i)
    const output = await kms.send(new EncryptCommand({ KeyId: 'alias/test', Plaintext: plaintext, EncryptionContext: { purpose: 'test', 'a b': 'ü' } }))
    expect(Array.from(output.CiphertextBlob!)).toEqual(Array.from(plaintext).reverse())
    expect(output.KeyId).toBe(KEY_ARN)
    expect(output.$metadata.requestId).toMatch(/^00000000-0000-4000-8000-/)
    const received = server.received.at(-1)!
    expect(received.operation).toBe('Encrypt')
    expect(received.input.EncryptionContext).toEqual({ purpose: 'test', 'a b': 'ü' })
    expect(Array.from(received.input.Plaintext as Uint8Array)).toEqual(Array.from(plaintext))
  })

  it('decodes lists of structures and booleans and encodes nested structures and timestamps (CreateKey)', async () => {
    const output = await kms.send(new CreateKeyCommand({
      Description: 'a key',
      MultiRegion: true,
      BypassPolicyLockoutSafetyCheck: false,
      Tags: [{ TagKey: 'team', TagValue: 'sec' }, { TagKey: 'env', TagValue: '' }],
    }))
    expect(server.received.at(-1)!.input).toEqual({
      Description: 'a key',
      MultiRegion: true,
      BypassPolicyLockoutSafetyCheck: false,
      Tags: [{ TagKey: 'team', TagValue: 'sec' }, { TagKey: 'env', TagValue: '' }],
    })
    expect(output.KeyMetadata).toEqual({
      AWSAccountId: '111122223333',
      KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
      Arn: KEY_ARN,
      CreationDate: new Date('2024-05-06T07:08:09.123Z'),
      Enabled: true,
      Description: 'a key',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: 'Enabled',
      MultiRegion: true,
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      MultiRegionConfiguration: { MultiRegionKeyType: 'PRIMARY', PrimaryKey: { Arn: KEY_ARN, Region: 'us-east-1' }, ReplicaKeys: [] },
    })
  })

  it('decodes integers and encodes booleans (ListKeys)', async () => {
    const output = await kms.send(new ListKeysCommand({ Limit: 50 }))
    expect(server.received.at(-1)!.input).toEqual({ Limit: 50 })
    expect(output).toMatchObject({ Keys: [{ KeyId: 'k1', KeyArn: KEY_ARN }], Truncated: false, NextMarker: 'after-50' })
  })

  it('surfaces a modelled error as the SDK exception class with name, message, status and request id', async () => {
    const error = await kms.send(new ListKeysCommand({ Marker: 'missing' })).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(NotFoundException)
    expect(error).toMatchObject({
      name: 'NotFoundException',
      message: 'Invalid marker',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: expect.stringMatching(/^00000000-0000-4000-8000-/) },
    })
  })

  it('answers constraint violations with a ValidationException in AWS words, never echoing a sensitive value', async () => {
    const before = server.received.length
    const error = await kms.send(new EncryptCommand({ KeyId: '', Plaintext: new Uint8Array(0) })).catch((thrown: unknown) => thrown)
    expect(error).toMatchObject({
      name: 'ValidationException',
      message:
        "2 validation errors detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1",
      $metadata: { httpStatusCode: 400 },
    })
    expect(server.received.length).toBe(before) // the handler never ran
  })

  it('answers an X-Amz-Target naming no operation with UnknownOperationException', async () => {
    const raw = await fetch(server.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.NoSuchOperation' },
      body: '{}',
    })
    expect(raw.status).toBe(400)
    expect(await raw.json()).toMatchObject({ __type: 'UnknownOperationException' })
  })

  it.each([
    { name: 'an unparsable body', body: '{"KeyId":', expected: { __type: 'SerializationException' } },
    { name: 'a string for a blob', body: '{"KeyId":"k","Plaintext":7}', expected: { __type: 'SerializationException', Message: 'NUMBER_VALUE can not be converted to a ByteBuffer' } },
    { name: 'an object for a string', body: '{"KeyId":{}}', expected: { __type: 'SerializationException', Message: 'Start of structure or map found where not expected.' } },
  ])('answers $name with a 400 SerializationException', async ({ body, expected }) => {
    const raw = await fetch(server.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.Encrypt' },
      body,
    })
    expect(raw.status).toBe(400)
    expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.1')
    expect(raw.headers.get('x-amzn-requestid')).toMatch(/^00000000-0000-4000-8000-/)
    expect(await raw.json()).toEqual(expected)
  })

  it('surfaces a SerializationException to the SDK when the body it sent is corrupted on the way', async () => {
    const client = new KMSClient(clientConfig(server.endpoint))
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body?: unknown; headers: Record<string, string> }
        request.body = '{"KeyId":'
        request.headers['content-length'] = String(Buffer.byteLength(request.body as string))
        return next(args)
      },
      { step: 'finalizeRequest', name: 'corruptBody' },
    )
    const error = await client.send(new ListKeysCommand({})).catch((thrown: unknown) => thrown)
    client.destroy()
    expect(error).toMatchObject({ name: 'SerializationException', $metadata: { httpStatusCode: 400 } })
  })
})

describe('json codec with @aws-sdk/client-organizations', () => {
  let server: CodecServer
  let organizations: OrganizationsClient
  let orgInUse = true

  beforeAll(async () => {
    server = await startCodecServer(jsonCodec, organizationsModel, {
      DescribeOrganization: () => {
        if (!orgInUse) throw new AwsError('AWSOrganizationsNotInUseException', 400, 'Your account is not a member of an organization.')
        return {
          Organization: {
            Id: 'o-exampleorgid',
            Arn: 'arn:aws:organizations::111122223333:organization/o-exampleorgid',
            FeatureSet: 'ALL',
            MasterAccountId: '111122223333',
            AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
          },
        }
      },
      ListAccounts: (input) => ({
        Accounts: [
          { Id: '111122223333', Name: 'management', Status: 'ACTIVE', JoinedTimestamp: new Date('2020-01-02T03:04:05.500Z') },
          { Id: '444455556666', Name: 'member', Status: 'SUSPENDED', JoinedTimestamp: new Date(0) },
        ],
        NextToken: input.NextToken === undefined ? 'page-2' : undefined,
      }),
    })
    organizations = new OrganizationsClient(clientConfig(server.endpoint))
  })
  afterAll(async () => {
    organizations.destroy()
    await server.close()
  })

  it('calls an operation without input and decodes nested lists of structures', async () => {
    const output = await organizations.send(new DescribeOrganizationCommand({}))
    expect(server.received.at(-1)).toEqual({ operation: 'DescribeOrganization', input: {} })
    expect(output.Organization).toEqual({
      Id: 'o-exampleorgid',
      Arn: 'arn:aws:organizations::111122223333:organization/o-exampleorgid',
      FeatureSet: 'ALL',
      MasterAccountId: '111122223333',
      AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
    })
  })

  it('encodes fractional epoch-second timestamps and omits an undefined NextToken', async () => {
    const first = await organizations.send(new ListAccountsCommand({}))
    expect(first.Accounts?.map((account) => account.JoinedTimestamp)).toEqual([new Date('2020-01-02T03:04:05.500Z'), new Date(0)])
    expect(first.NextToken).toBe('page-2')
    const second = await organizations.send(new ListAccountsCommand({ NextToken: 'page-2', MaxResults: 2 }))
    expect(server.received.at(-1)!.input).toEqual({ NextToken: 'page-2', MaxResults: 2 })
    expect(second.NextToken).toBeUndefined()
  })

  it('writes the capitalized Message that Organizations models, which the SDK surfaces as message', async () => {
    orgInUse = false
    const error = await organizations.send(new DescribeOrganizationCommand({})).catch((thrown: unknown) => thrown)
    const raw = await fetch(server.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSOrganizationsV20161128.DescribeOrganization' },
    })
    orgInUse = true
    expect(await raw.json()).toEqual({ __type: 'AWSOrganizationsNotInUseException', Message: 'Your account is not a member of an organization.' })
    expect(error).toBeInstanceOf(AWSOrganizationsNotInUseException)
    expect(error).toMatchObject({
      name: 'AWSOrganizationsNotInUseException',
      message: 'Your account is not a member of an organization.',
      $metadata: { httpStatusCode: 400 },
    })
  })
})

describe('json codec with @aws-sdk/client-cloudtrail', () => {
  let server: CodecServer
  let cloudtrail: CloudTrailClient

  beforeAll(async () => {
    server = await startCodecServer(jsonCodec, cloudtrailModel, {
      LookupEvents: (input) => ({
        Events: [
          {
            EventId: 'e1',
            EventName: 'CreateKey',
            EventTime: input.StartTime,
            Resources: [{ ResourceType: 'AWS::KMS::Key', ResourceName: KEY_ARN }],
            CloudTrailEvent: '{"eventVersion":"1.08"}',
          },
        ],
      }),
    })
    cloudtrail = new CloudTrailClient(clientConfig(server.endpoint))
  })
  afterAll(async () => {
    cloudtrail.destroy()
    await server.close()
  })

  it('routes the short target prefix SDK v3 sends for a dotted one and round-trips input timestamps', async () => {
    const start = new Date('2024-02-03T04:05:06.789Z')
    const output = await cloudtrail.send(new LookupEventsCommand({
      StartTime: start,
      EndTime: new Date('2024-02-04T00:00:00Z'),
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateKey' }],
      MaxResults: 5,
    }))
    expect(server.received.at(-1)!.input).toEqual({
      StartTime: start,
      EndTime: new Date('2024-02-04T00:00:00Z'),
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateKey' }],
      MaxResults: 5,
    })
    expect(output.Events).toEqual([
      {
        EventId: 'e1',
        EventName: 'CreateKey',
        EventTime: start,
        Resources: [{ ResourceType: 'AWS::KMS::Key', ResourceName: KEY_ARN }],
        CloudTrailEvent: '{"eventVersion":"1.08"}',
      },
    ])
  })
})
