// Round trips of the ec2 codec with the real SDK v3 EC2 client and test-double handlers.
import { CreateTagsCommand, DescribeInstancesCommand, DescribeVpcsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AwsError } from '../../src/core/aws-error.js'
import { ec2Model } from '../../src/generated/ec2/model.js'
import { ec2Codec } from '../../src/protocol/ec2/ec2-codec.js'
import { startCodecServer, testCredentials, type CodecServer, type TestHandler } from '../support/codec-server.js'

const launched = new Date('2024-05-06T07:08:09Z')

describe('ec2 codec with @aws-sdk/client-ec2', () => {
  let server: CodecServer
  let ec2: EC2Client
  const handlers: Record<string, TestHandler> = {
    DescribeInstances: (input) => {
      const ids = (input.InstanceIds as string[] | undefined) ?? ['i-0000000000000001']
      if (ids.includes('i-missing')) {
        throw new AwsError('InvalidInstanceID.NotFound', 400, "The instance ID 'i-missing' does not exist")
      }
      return {
        Reservations: [
          {
            ReservationId: 'r-0123',
            OwnerId: '111122223333',
            Instances: ids.map((id, i) => ({
              InstanceId: id,
              InstanceType: 't3.micro',
              LaunchTime: launched,
              AmiLaunchIndex: i,
              EbsOptimized: i % 2 === 0,
              State: { Code: 16, Name: 'running' },
              Tags: [{ Key: 'Name', Value: `web <${i}>` }],
              SecurityGroups: [],
            })),
          },
        ],
        NextToken: input.MaxResults === 5 ? 'page-2' : undefined,
      }
    },
    DescribeVpcs: () => ({ Vpcs: [] }),
    RunInstances: (input) => ({ ReservationId: 'r-1', OwnerId: '111122223333', Instances: [{ InstanceId: 'i-1', ImageId: input.ImageId }] }),
    CreateTags: () => undefined,
  }

  beforeAll(async () => {
    server = await startCodecServer(ec2Codec, ec2Model, handlers)
    ec2 = new EC2Client({ endpoint: server.endpoint, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 })
  })
  afterAll(async () => {
    ec2.destroy()
    await server.close()
  })

  it('decodes flattened lists and nested filters, and writes item lists back (DescribeInstances)', async () => {
    const output = await ec2.send(
      new DescribeInstancesCommand({
        InstanceIds: ['i-0000000000000001', 'i-0000000000000002'],
        Filters: [
          { Name: 'instance-state-name', Values: ['running', 'pending'] },
          { Name: 'tag:Name', Values: ['web'] },
        ],
        MaxResults: 5,
        DryRun: false,
      }),
    )
    expect(server.received.at(-1)!.input).toEqual({
      InstanceIds: ['i-0000000000000001', 'i-0000000000000002'],
      Filters: [
        { Name: 'instance-state-name', Values: ['running', 'pending'] },
        { Name: 'tag:Name', Values: ['web'] },
      ],
      MaxResults: 5,
      DryRun: false,
    })
    expect(output.NextToken).toBe('page-2')
    const instances = output.Reservations![0]!.Instances!
    expect(instances.map((i) => i.InstanceId)).toEqual(['i-0000000000000001', 'i-0000000000000002'])
    expect(instances[1]).toMatchObject({
      InstanceType: 't3.micro',
      LaunchTime: launched,
      AmiLaunchIndex: 1,
      EbsOptimized: false,
      State: { Code: 16, Name: 'running' },
      Tags: [{ Key: 'Name', Value: 'web <1>' }],
    })
    expect(output.$metadata.requestId).toMatch(/^00000000-0000-4000-8000-/)
  })

  it('writes an empty list as an empty set element (DescribeVpcs)', async () => {
    const output = await ec2.send(new DescribeVpcsCommand({}))
    expect(output.Vpcs ?? []).toEqual([])
  })

  it('answers an operation without output (CreateTags)', async () => {
    const output = await ec2.send(new CreateTagsCommand({ Resources: ['i-1'], Tags: [{ Key: 'a', Value: 'b' }] }))
    expect(server.received.at(-1)!.input).toEqual({ Resources: ['i-1'], Tags: [{ Key: 'a', Value: 'b' }] })
    expect(output.$metadata.httpStatusCode).toBe(200)
  })

  it('serializes errors in the EC2 <Response><Errors> form', async () => {
    const error = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-missing'] })).catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'InvalidInstanceID.NotFound',
      message: "The instance ID 'i-missing' does not exist",
      $metadata: { httpStatusCode: 400, requestId: expect.stringMatching(/^00000000-0000-4000-8000-/) },
    })
  })

  it('rejects a missing required parameter with MissingParameter', async () => {
    const error = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-1', MinCount: 1 } as never)).catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'MissingParameter',
      message: 'The request must contain the parameter MaxCount',
      $metadata: { httpStatusCode: 400 },
    })
  })
})
