// Round trips of the rest-json codec with the real SDK v3 clients (Access Analyzer, Inspector2) and test-double handlers.
import {
  AccessAnalyzerClient,
  CreateAnalyzerCommand,
  GetAnalyzerCommand,
  GetFindingCommand,
  ListAnalyzersCommand,
  ResourceNotFoundException,
  ThrottlingException,
  UntagResourceCommand,
  ValidationException,
} from '@aws-sdk/client-accessanalyzer'
import { Inspector2Client, ListFindingsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-inspector2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AwsError } from '../../src/core/aws-error.js'
import { accessanalyzerModel } from '../../src/generated/accessanalyzer/model.js'
import { inspector2Model } from '../../src/generated/inspector2/model.js'
import { restJsonCodec } from '../../src/protocol/rest-json/rest-json-codec.js'
import { startCodecServer, testCredentials, type CodecServer } from '../support/codec-server.js'

const clientConfig = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 })
const ANALYZER_ARN = 'arn:aws:access-analyzer:us-east-1:111122223333:analyzer/my.analyzer'
const CREATED = new Date('2024-03-04T05:06:07Z')

function analyzerSummary(name: string) {
  return {
    arn: ANALYZER_ARN,
    name,
    type: 'ACCOUNT',
    createdAt: CREATED,
    lastResourceAnalyzedAt: new Date('2024-03-05T00:00:00.250Z'),
    tags: { team: 'sec' },
    status: 'ACTIVE',
    configuration: { unusedAccess: { unusedAccessAge: 90 } },
  }
}

describe('rest-json codec with @aws-sdk/client-accessanalyzer', () => {
  let server: CodecServer
  let analyzer: AccessAnalyzerClient

  beforeAll(async () => {
    server = await startCodecServer(restJsonCodec, accessanalyzerModel, {
      CreateAnalyzer: (input) => ({ arn: `arn:aws:access-analyzer:us-east-1:111122223333:analyzer/${String(input.analyzerName)}` }),
      GetAnalyzer: (input) => {
        if (input.analyzerName === 'missing') {
          throw new AwsError('ResourceNotFoundException', 404, 'Analyzer not found', { fields: { resourceId: 'missing', resourceType: 'AWS::AccessAnalyzer::Analyzer' } })
        }
        if (input.analyzerName === 'busy') throw new AwsError('ThrottlingException', 429, 'Rate exceeded', { fields: { retryAfterSeconds: 30 } })
        return { analyzer: analyzerSummary(String(input.analyzerName)) }
      },
      ListAnalyzers: (input) => ({ analyzers: [analyzerSummary('a1')], nextToken: `${String(input.type)}-${String(input.maxResults)}` }),
      UntagResource: () => ({}),
      GetFinding: (input) => ({
        finding: {
          id: input.id,
          principal: { AWS: '444455556666' },
          action: ['s3:GetObject', 's3:ListBucket'],
          resource: 'arn:aws:s3:::bucket',
          isPublic: false,
          resourceType: 'AWS::S3::Bucket',
          condition: {},
          createdAt: CREATED,
          analyzedAt: CREATED,
          updatedAt: CREATED,
          status: 'ACTIVE',
          resourceOwnerAccount: '111122223333',
          sources: [{ type: 'POLICY', detail: { accessPointArn: 'arn:aws:s3:us-east-1:111122223333:accesspoint/ap' } }],
        },
      }),
    })
    analyzer = new AccessAnalyzerClient(clientConfig(server.endpoint))
  })
  afterAll(async () => {
    analyzer.destroy()
    await server.close()
  })

  it('decodes a JSON body with nested lists, maps, unions and the SDK-generated idempotency token (CreateAnalyzer)', async () => {
    const output = await analyzer.send(new CreateAnalyzerCommand({
      analyzerName: 'my.analyzer',
      type: 'ACCOUNT_UNUSED_ACCESS',
      tags: { team: 'sec', env: 'prod' },
      archiveRules: [{ ruleName: 'ignore-internal', filter: { isPublic: { eq: ['false'] }, resource: { contains: ['a', 'b'], exists: true } } }],
      configuration: { unusedAccess: { unusedAccessAge: 90 } },
    }))
    expect(output.arn).toBe(ANALYZER_ARN)
    const { input } = server.received.at(-1)!
    expect(input).toMatchObject({
      analyzerName: 'my.analyzer',
      type: 'ACCOUNT_UNUSED_ACCESS',
      tags: { team: 'sec', env: 'prod' },
      archiveRules: [{ ruleName: 'ignore-internal', filter: { isPublic: { eq: ['false'] }, resource: { contains: ['a', 'b'], exists: true } } }],
      configuration: { unusedAccess: { unusedAccessAge: 90 } },
    })
    expect(input.clientToken).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('binds a URI label and encodes ISO 8601 timestamps, maps and unions (GetAnalyzer)', async () => {
    const output = await analyzer.send(new GetAnalyzerCommand({ analyzerName: 'my.analyzer' }))
    expect(server.received.at(-1)).toEqual({ operation: 'GetAnalyzer', input: { analyzerName: 'my.analyzer' } })
    expect(output.analyzer).toEqual(analyzerSummary('my.analyzer'))
  })

  it('binds query members (ListAnalyzers)', async () => {
    const output = await analyzer.send(new ListAnalyzersCommand({ maxResults: 5, type: 'ORGANIZATION', nextToken: 'a b/c' }))
    expect(server.received.at(-1)!.input).toEqual({ maxResults: 5, type: 'ORGANIZATION', nextToken: 'a b/c' })
    expect(output.nextToken).toBe('ORGANIZATION-5')
  })

  it('decodes an ARN label with reserved characters and a repeated query list (UntagResource)', async () => {
    await analyzer.send(new UntagResourceCommand({ resourceArn: ANALYZER_ARN, tagKeys: ['team', 'a&b=c', 'ü'] }))
    expect(server.received.at(-1)).toEqual({ operation: 'UntagResource', input: { resourceArn: ANALYZER_ARN, tagKeys: ['team', 'a&b=c', 'ü'] } })
  })

  it('combines a label and a query member and encodes nested structures (GetFinding)', async () => {
    const output = await analyzer.send(new GetFindingCommand({ id: 'f-1', analyzerArn: ANALYZER_ARN }))
    expect(server.received.at(-1)!.input).toEqual({ id: 'f-1', analyzerArn: ANALYZER_ARN })
    expect(output.finding).toMatchObject({
      id: 'f-1',
      principal: { AWS: '444455556666' },
      action: ['s3:GetObject', 's3:ListBucket'],
      isPublic: false,
      createdAt: CREATED,
      sources: [{ type: 'POLICY', detail: { accessPointArn: 'arn:aws:s3:us-east-1:111122223333:accesspoint/ap' } }],
    })
  })

  it('surfaces a modelled error with its status, message, request id and body fields', async () => {
    const error = await analyzer.send(new GetAnalyzerCommand({ analyzerName: 'missing' })).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(ResourceNotFoundException)
    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Analyzer not found',
      resourceId: 'missing',
      resourceType: 'AWS::AccessAnalyzer::Analyzer',
      $metadata: { httpStatusCode: 404, requestId: expect.stringMatching(/^00000000-0000-4000-8000-/) },
    })
  })

  it('sends a header-bound error field as its header (ThrottlingException Retry-After)', async () => {
    const error = await analyzer.send(new GetAnalyzerCommand({ analyzerName: 'busy' })).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(ThrottlingException)
    expect(error).toMatchObject({ message: 'Rate exceeded', retryAfterSeconds: 30, $metadata: { httpStatusCode: 429 } })
  })

  it('answers a constraint violation with the modelled ValidationException, reason and field list', async () => {
    const error = await analyzer.send(new GetAnalyzerCommand({ analyzerName: '9-starts-with-a-digit' })).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(ValidationException)
    const message = "1 validation error detected: Value '9-starts-with-a-digit' at 'analyzerName' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z_][A-Za-z0-9_.-]*"
    expect(error).toMatchObject({
      name: 'ValidationException',
      message,
      reason: 'fieldValidationFailed',
      fieldList: [{ name: 'analyzerName', message: message.slice('1 validation error detected: '.length) }],
      $metadata: { httpStatusCode: 400 },
    })
  })

  it('answers a method and path naming no operation with UnknownOperationException', async () => {
    const raw = await fetch(`${server.endpoint}/no-such-resource/x`, { method: 'PATCH' })
    expect(raw.status).toBe(400)
    expect(raw.headers.get('x-amzn-errortype')).toBe('UnknownOperationException')
    expect(await raw.json()).toEqual({ message: 'Unknown operation' })
  })

  it('answers a malformed JSON body with a 400 SerializationException in X-Amzn-ErrorType', async () => {
    const raw = await fetch(`${server.endpoint}/analyzer`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"analyzerName":' })
    expect(raw.status).toBe(400)
    expect(raw.headers.get('x-amzn-errortype')).toBe('SerializationException')
    expect(raw.headers.get('x-amzn-requestid')).toMatch(/^00000000-0000-4000-8000-/)
    expect(await raw.json()).toEqual({})
  })

  it('answers a wrongly typed body member with a SerializationException the SDK surfaces', async () => {
    const client = new AccessAnalyzerClient(clientConfig(server.endpoint))
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body?: unknown; headers: Record<string, string> }
        request.body = '{"analyzerName":"a","type":7}'
        request.headers['content-length'] = String(Buffer.byteLength(request.body as string))
        return next(args)
      },
      { step: 'finalizeRequest', name: 'retypeBody' },
    )
    const error = await client.send(new CreateAnalyzerCommand({ analyzerName: 'a', type: 'ACCOUNT' })).catch((thrown: unknown) => thrown)
    client.destroy()
    expect(error).toMatchObject({ name: 'SerializationException', message: 'NUMBER_VALUE can not be converted to a String', $metadata: { httpStatusCode: 400 } })
  })
})

describe('rest-json codec with @aws-sdk/client-inspector2', () => {
  let server: CodecServer
  let inspector: Inspector2Client
  const FIRST_SEEN = new Date('2024-06-07T08:09:10.500Z')

  beforeAll(async () => {
    server = await startCodecServer(restJsonCodec, inspector2Model, {
      ListFindings: () => ({
        findings: [
          {
            awsAccountId: '111122223333',
            findingArn: 'arn:aws:inspector2:us-east-1:111122223333:finding/abc',
            description: 'CVE',
            firstObservedAt: FIRST_SEEN,
            lastObservedAt: FIRST_SEEN,
            inspectorScore: 7.5,
            remediation: { recommendation: { text: 'upgrade' } },
            resources: [{ id: 'i-1', type: 'AWS_EC2_INSTANCE', tags: { Name: 'web' } }],
            severity: 'HIGH',
            status: 'ACTIVE',
            type: 'PACKAGE_VULNERABILITY',
          },
        ],
      }),
      ListTagsForResource: (input) => ({ tags: { arn: String(input.resourceArn) } }),
    })
    inspector = new Inspector2Client(clientConfig(server.endpoint))
  })
  afterAll(async () => {
    inspector.destroy()
    await server.close()
  })

  it('decodes epoch-second date filters and doubles, and encodes doubles and epoch timestamps (ListFindings)', async () => {
    const output = await inspector.send(new ListFindingsCommand({
      maxResults: 10,
      filterCriteria: {
        firstObservedAt: [{ startInclusive: new Date('2024-01-01T00:00:00Z'), endInclusive: new Date('2024-02-01T00:00:00.125Z') }],
        inspectorScore: [{ lowerInclusive: 7.5, upperInclusive: 10 }],
        severity: [{ comparison: 'EQUALS', value: 'HIGH' }],
      },
      sortCriteria: { field: 'SEVERITY', sortOrder: 'DESC' },
    }))
    expect(server.received.at(-1)!.input).toEqual({
      maxResults: 10,
      filterCriteria: {
        firstObservedAt: [{ startInclusive: new Date('2024-01-01T00:00:00Z'), endInclusive: new Date('2024-02-01T00:00:00.125Z') }],
        inspectorScore: [{ lowerInclusive: 7.5, upperInclusive: 10 }],
        severity: [{ comparison: 'EQUALS', value: 'HIGH' }],
      },
      sortCriteria: { field: 'SEVERITY', sortOrder: 'DESC' },
    })
    expect(output.findings?.[0]).toMatchObject({ firstObservedAt: FIRST_SEEN, inspectorScore: 7.5, resources: [{ id: 'i-1', tags: { Name: 'web' } }] })
  })

  it('decodes a GET label holding an ARN (ListTagsForResource)', async () => {
    const arn = 'arn:aws:inspector2:us-east-1:111122223333:owner/111122223333/filter/f+1'
    const output = await inspector.send(new ListTagsForResourceCommand({ resourceArn: arn }))
    expect(output.tags).toEqual({ arn })
  })
})
