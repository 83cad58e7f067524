// Random and mutated query bodies through the query and ec2 codecs: parseRequest only ever throws AwsError.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AwsError } from '../../src/core/aws-error.js'
import type { HttpRequest } from '../../src/core/http.js'
import { ec2Model } from '../../src/generated/ec2/model.js'
import { iamModel } from '../../src/generated/iam/model.js'
import { stsModel } from '../../src/generated/sts/model.js'
import type { ServiceModel } from '../../src/model/types.js'
import type { Codec } from '../../src/protocol/codec.js'
import { ec2Codec } from '../../src/protocol/ec2/ec2-codec.js'
import { queryCodec } from '../../src/protocol/query/query-codec.js'
import { queryFixtureModel } from './query-fixture-model.js'

const targets: { name: string; codec: Codec; service: ServiceModel; operation: string; valid: string }[] = [
  {
    name: 'IAM CreateUser',
    codec: queryCodec,
    service: iamModel,
    operation: 'CreateUser',
    valid: 'Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2F&Tags.member.1.Key=k&Tags.member.1.Value=v',
  },
  {
    name: 'STS AssumeRole',
    codec: queryCodec,
    service: stsModel,
    operation: 'AssumeRole',
    valid: 'Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fr&RoleSessionName=session&DurationSeconds=900&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnly&TransitiveTagKeys.member.1=k',
  },
  {
    name: 'fixture KitchenSink',
    codec: queryCodec,
    service: queryFixtureModel,
    operation: 'KitchenSink',
    valid: 'Action=KitchenSink&Int=1&Bool=true&Dbl=1.5&Time=2024-01-01T00%3A00%3A00Z&Blob=AAEC&List.member.1=a&Map.entry.1.key=k&Map.entry.1.value=v&Nested.Deeper.X=1&Item.1=x',
  },
  {
    name: 'EC2 RunInstances',
    codec: ec2Codec,
    service: ec2Model,
    operation: 'RunInstances',
    valid: 'Action=RunInstances&ImageId=ami-1&MinCount=1&MaxCount=1&SecurityGroupId.1=sg-1&BlockDeviceMapping.1.DeviceName=%2Fdev%2Fsda1&BlockDeviceMapping.1.Ebs.VolumeSize=8&TagSpecification.1.Tag.1.Key=k',
  },
]

const segment = fc.oneof(
  fc.constantFrom('member', 'entry', 'key', 'value', '1', '2', '0', '-1', '999999999999', 'Tags', 'Key', 'Value', 'UserName', 'List', 'Map', 'Nested', 'Deeper', 'X', 'Int', 'Filter', 'Ebs', 'MinCount'),
  fc.string({ maxLength: 6 }),
)
const paramName = fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.'))
const paramValue = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('', 'true', 'NaN', '1e309', '-0', '2024-13-45T99:99:99Z', '%', '=', '&'))
const randomBody = fc.array(fc.tuple(paramName, paramValue), { maxLength: 30 }).map((pairs) => new URLSearchParams(pairs).toString())

function request(body: string | Buffer): HttpRequest {
  return {
    method: 'POST',
    path: '/',
    query: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: typeof body === 'string' ? Buffer.from(body) : body,
    remoteAddress: '127.0.0.1',
    secure: false,
  }
}

function onlyAwsErrors(codec: Codec, service: ServiceModel, operation: string, body: string | Buffer): void {
  try {
    codec.parseRequest(request(body), service.operations[operation]!, service)
  } catch (error) {
    if (!(error instanceof AwsError)) throw error
  }
}

describe.each(targets)('$name parseRequest', ({ codec, service, operation, valid }) => {
  it('accepts the valid seed body', () => {
    expect(() => codec.parseRequest(request(valid), service.operations[operation]!, service)).not.toThrow()
  })

  it('throws nothing but AwsError for random parameters', () => {
    fc.assert(fc.property(randomBody, (body) => onlyAwsErrors(codec, service, operation, `${valid}&${body}`)), { numRuns: 300 })
  })

  it('throws nothing but AwsError for mutated bytes of a valid body', () => {
    const bytes = Buffer.from(valid)
    const mutation = fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })
    fc.assert(
      fc.property(mutation, (changes) => {
        const copy = Buffer.from(bytes)
        for (const [at, byte] of changes) copy[at] = byte
        onlyAwsErrors(codec, service, operation, copy)
      }),
      { numRuns: 300 },
    )
  })
})
