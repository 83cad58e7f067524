// The ec2 codec on raw requests: EC2's parameter names, its response envelope and its error body.
import { describe, expect, it } from 'vitest'
import { AwsError } from '../../src/core/aws-error.js'
import type { HttpRequest } from '../../src/core/http.js'
import { ec2Model } from '../../src/generated/ec2/model.js'
import { ec2Codec } from '../../src/protocol/ec2/ec2-codec.js'

const call = { requestId: 'req-1' }

function post(body: string): HttpRequest {
  return {
    method: 'POST',
    path: '/',
    query: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(body),
    remoteAddress: '127.0.0.1',
    secure: false,
  }
}

function parseError(fn: () => unknown): AwsError {
  try {
    fn()
  } catch (error) {
    if (error instanceof AwsError) return error
    throw error
  }
  throw new Error('expected an AwsError')
}

describe('ec2Codec.parseRequest', () => {
  it('reads capitalized locationNames and flattened lists without .member', () => {
    const request = post('Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1&InstanceId.2=i-2&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1&MaxResults=10&DryRun=true')
    const operation = ec2Codec.matchOperation(request, ec2Model)!
    expect(operation.name).toBe('DescribeInstances')
    expect(ec2Codec.parseRequest(request, operation, ec2Model)).toEqual({
      InstanceIds: ['i-1', 'i-2'],
      Filters: [{ Name: 'vpc-id', Values: ['vpc-1'] }],
      MaxResults: 10,
      DryRun: true,
    })
  })

  it('uses queryName where the model gives one', () => {
    const operation = ec2Model.operations.AssignIpv6Addresses!
    const input = ec2Codec.parseRequest(post('Action=AssignIpv6Addresses&NetworkInterfaceId=eni-1&Ipv6Addresses.1=2001:db8::1'), operation, ec2Model)
    expect(input).toEqual({ NetworkInterfaceId: 'eni-1', Ipv6Addresses: ['2001:db8::1'] })
  })

  it('ignores the API version, which EC2 accepts from older clients', () => {
    expect(ec2Codec.matchOperation(post('Action=DescribeVpcs&Version=2014-10-01'), ec2Model)?.name).toBe('DescribeVpcs')
  })

  it('reports a missing required parameter by its query name', () => {
    const error = parseError(() => ec2Codec.parseRequest(post('Action=RunInstances&ImageId=ami-1&MaxCount=1'), ec2Model.operations.RunInstances!, ec2Model))
    expect(error).toMatchObject({ code: 'MissingParameter', status: 400, message: 'The request must contain the parameter MinCount' })
  })

  it('reports a value of the wrong type as InvalidParameterValue', () => {
    const error = parseError(() => ec2Codec.parseRequest(post('Action=DescribeInstances&MaxResults=lots'), ec2Model.operations.DescribeInstances!, ec2Model))
    expect(error).toMatchObject({ code: 'InvalidParameterValue', status: 400 })
    expect(error.message).toMatch(/^Value \(lots\) for parameter MaxResults is invalid\./)
  })

  it('describes an unknown action as EC2 does', () => {
    expect(ec2Codec.unknownOperation(post('Action=LaunchRocket'), ec2Model)).toMatchObject({
      code: 'InvalidAction',
      message: 'The action LaunchRocket is not valid for this web service.',
    })
  })
})

describe('ec2Codec.serializeOutput', () => {
  it('writes requestId first, lowercase locationNames and item lists, in the namespace with its trailing slash', () => {
    const response = ec2Codec.serializeOutput(
      { Vpcs: [{ VpcId: 'vpc-1', IsDefault: true, Tags: [{ Key: 'Name', Value: 'a&b' }] }], NextToken: 'n' },
      ec2Model.operations.DescribeVpcs!,
      ec2Model,
      call,
    )
    expect(response.headers['content-type']).toBe('text/xml;charset=UTF-8')
    expect(response.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
        '<requestId>req-1</requestId><vpcSet><item><vpcId>vpc-1</vpcId><isDefault>true</isDefault>' +
        '<tagSet><item><key>Name</key><value>a&amp;b</value></item></tagSet></item></vpcSet><nextToken>n</nextToken></DescribeVpcsResponse>',
    )
  })
})

describe('ec2Codec.serializeError', () => {
  it('writes <Response><Errors><Error> with RequestID', () => {
    const response = ec2Codec.serializeError(new AwsError('InvalidVpcID.NotFound', 400, "The vpc ID 'vpc-x' does not exist"), ec2Model, call)
    expect(response.status).toBe(400)
    expect(response.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InvalidVpcID.NotFound</Code>' +
        "<Message>The vpc ID 'vpc-x' does not exist</Message></Error></Errors><RequestID>req-1</RequestID></Response>",
    )
  })
})
