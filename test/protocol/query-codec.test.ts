// The query codec on raw requests: parameter forms, XML shapes and error bodies, checked on the wire text.
import { describe, expect, it } from 'vitest'
import { AwsError } from '../../src/core/aws-error.js'
import type { HttpRequest } from '../../src/core/http.js'
import { iamModel } from '../../src/generated/iam/model.js'
import { queryCodec } from '../../src/protocol/query/query-codec.js'
import { queryFixtureModel } from './query-fixture-model.js'

const call = { requestId: 'req-1' }
const sink = queryFixtureModel.operations.KitchenSink!

function post(body: string, headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }): HttpRequest {
  return { method: 'POST', path: '/', query: '', headers, body: Buffer.from(body), remoteAddress: '127.0.0.1', secure: false }
}

function get(query: string): HttpRequest {
  return { method: 'GET', path: '/', query, headers: {}, body: Buffer.alloc(0), remoteAddress: '127.0.0.1', secure: false }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
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

describe('queryCodec.matchOperation', () => {
  it('finds the operation named by Action in a form body or a query string', () => {
    expect(queryCodec.matchOperation(post('Action=ListUsers&Version=2010-05-08'), iamModel)?.name).toBe('ListUsers')
    expect(queryCodec.matchOperation(get('Action=ListUsers&Version=2010-05-08'), iamModel)?.name).toBe('ListUsers')
  })

  it('matches nothing for an unknown action, another API version or no Action', () => {
    expect(queryCodec.matchOperation(post('Action=ListUnicorns&Version=2010-05-08'), iamModel)).toBeUndefined()
    expect(queryCodec.matchOperation(post('Action=ListUsers&Version=2011-06-15'), iamModel)).toBeUndefined()
    expect(queryCodec.matchOperation(post('Action=toString'), iamModel)).toBeUndefined()
    expect(queryCodec.matchOperation(post('Version=2010-05-08'), iamModel)).toBeUndefined()
  })

  it('describes an unknown action as AWS does', () => {
    const error = queryCodec.unknownOperation(post('Action=ListUnicorns&Version=2010-05-08'), iamModel)
    expect(error).toMatchObject({ code: 'InvalidAction', status: 400, message: 'Could not find operation ListUnicorns for version 2010-05-08' })
    expect(queryCodec.unknownOperation(post('Version=2010-05-08'), iamModel)).toMatchObject({ code: 'MissingAction', status: 400 })
  })
})

describe('queryCodec.parseRequest', () => {
  it('decodes every kind of member', () => {
    const body = [
      'Action=KitchenSink',
      'Str=hello%20world',
      'Int=-42',
      'Bool=true',
      'Dbl=1.5e3',
      'Time=2024-05-06T07%3A08%3A09Z',
      'EpochTime=1714979289',
      `Blob=${encodeURIComponent(Buffer.from([0, 255, 10]).toString('base64'))}`,
      'List.member.2=b',
      'List.member.1=a',
      'Item.1=x',
      'Item.2=y',
      'Named.item.1=n',
      'Map.entry.1.key=k1',
      'Map.entry.1.value=v1',
      'Map.entry.2.key=k2',
      'Map.entry.2.value=v2',
      'FlatMap.1.key=fk',
      'FlatMap.1.value=fv',
      'Nested.Inner=in',
      'Nested.Deeper.X=7',
      'OtherName=renamed',
      'Unknown.Param=ignored',
    ].join('&')
    expect(queryCodec.parseRequest(post(body), sink, queryFixtureModel)).toEqual({
      Str: 'hello world',
      Int: -42,
      Bool: true,
      Dbl: 1500,
      Time: new Date('2024-05-06T07:08:09Z'),
      EpochTime: new Date('2024-05-06T07:08:09Z'),
      Blob: new Uint8Array([0, 255, 10]),
      List: ['a', 'b'],
      Flat: ['x', 'y'],
      Named: ['n'],
      Map: { k1: 'v1', k2: 'v2' },
      FlatMap: { fk: 'fv' },
      Nested: { Inner: 'in', Deeper: { X: 7 } },
      Renamed: 'renamed',
    })
  })

  it('reads `Name=` as an empty list', () => {
    expect(queryCodec.parseRequest(post('Action=KitchenSink&List='), sink, queryFixtureModel)).toEqual({ List: [] })
  })

  it('reads parameters from the query string of a GET', () => {
    expect(queryCodec.parseRequest(get('Action=KitchenSink&Str=q'), sink, queryFixtureModel)).toEqual({ Str: 'q' })
  })

  it.each([
    { name: 'a number that is not one', body: 'Int=abc', path: 'int', value: 'abc' },
    { name: 'a boolean that is not one', body: 'Bool=yes', path: 'bool', value: 'yes' },
    { name: 'a timestamp that is not one', body: 'Time=tomorrow', path: 'time', value: 'tomorrow' },
    { name: 'a blob that is not base64', body: 'Blob=%%%', path: 'blob', value: '%%%' },
    { name: 'a list given as a plain value', body: 'List=abc', path: 'list', value: 'abc' },
  ])('rejects $name with ValidationError', ({ body, path, value }) => {
    const error = parseError(() => queryCodec.parseRequest(post(`Action=KitchenSink&${body}`), sink, queryFixtureModel))
    expect(error).toMatchObject({ code: 'ValidationError', status: 400 })
    expect(error.message).toMatch(new RegExp(`^1 validation error detected: Value '${escapeRegExp(value)}' at '${path}' failed to satisfy constraint: `))
  })

  it('checks constraints of nested members with their full path', () => {
    const error = parseError(() => queryCodec.parseRequest(post('Action=KitchenSink&Nested.Deeper.Y=1&Limited=abcd'), sink, queryFixtureModel))
    expect(error.message).toBe(
      "2 validation errors detected: Value null at 'nested.deeper.x' failed to satisfy constraint: Member must not be null; " +
        "Value 'abcd' at 'limited' failed to satisfy constraint: Member must have length less than or equal to 3",
    )
  })

  it('rejects MaxItems=abc on IAM with ValidationError, not a crash', () => {
    const error = parseError(() => queryCodec.parseRequest(post('Action=ListUsers&Version=2010-05-08&MaxItems=abc'), iamModel.operations.ListUsers!, iamModel))
    expect(error).toMatchObject({ code: 'ValidationError', status: 400 })
    expect(error.message).toContain("Value 'abc' at 'maxItems'")
  })
})

describe('queryCodec.serializeOutput', () => {
  it('writes members inside the result wrapper, then the request id', () => {
    const response = queryCodec.serializeOutput(
      {
        Str: 'a<b>&"c"',
        Int: 3,
        Bool: false,
        Dbl: Number.NaN,
        Time: new Date('2024-05-06T07:08:09.250Z'),
        EpochTime: new Date('2024-05-06T07:08:09Z'),
        Blob: new Uint8Array([1, 2, 3]),
        List: ['a'],
        Flat: ['x', 'y'],
        Named: ['n'],
        Map: { k: 'v' },
        FlatMap: { fk: 'fv' },
        Nested: { Deeper: { X: 1 } },
        Renamed: 'r',
        Limited: undefined,
      },
      sink,
      queryFixtureModel,
      call,
    )
    expect(response.status).toBe(200)
    expect(response.headers).toMatchObject({ 'content-type': 'text/xml', 'x-amzn-requestid': 'req-1' })
    expect(response.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><KitchenSinkResponse xmlns="https://fixture.amazonaws.com/doc/2020-01-01/"><KitchenSinkResult>' +
        '<Str>a&lt;b&gt;&amp;"c"</Str><Int>3</Int><Bool>false</Bool><Dbl>NaN</Dbl><Time>2024-05-06T07:08:09.250Z</Time>' +
        '<EpochTime>1714979289</EpochTime><Blob>AQID</Blob><List><member>a</member></List><Item>x</Item><Item>y</Item>' +
        '<Named><item>n</item></Named><Map><entry><key>k</key><value>v</value></entry></Map>' +
        '<FlatMap><key>fk</key><value>fv</value></FlatMap><Nested><Deeper><X>1</X></Deeper></Nested><OtherName>r</OtherName>' +
        '</KitchenSinkResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></KitchenSinkResponse>',
    )
  })

  it('writes only the response metadata for an operation without output', () => {
    const response = queryCodec.serializeOutput(undefined, queryFixtureModel.operations.NoOutput!, queryFixtureModel, call)
    expect(response.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><NoOutputResponse xmlns="https://fixture.amazonaws.com/doc/2020-01-01/">' +
        '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></NoOutputResponse>',
    )
  })
})

describe('queryCodec.serializeError', () => {
  it('writes the ErrorResponse with Type, Code, Message, extra fields and RequestId', () => {
    const error = new AwsError('NoSuchEntity', 404, 'The user with name <x> cannot be found.', { fields: { Resource: 'x' }, headers: { 'x-extra': '1' } })
    const response = queryCodec.serializeError(error, iamModel, call)
    expect(response.status).toBe(404)
    expect(response.headers).toMatchObject({ 'content-type': 'text/xml', 'x-amzn-requestid': 'req-1', 'x-extra': '1' })
    expect(response.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>' +
        '<Code>NoSuchEntity</Code><Message>The user with name &lt;x&gt; cannot be found.</Message><Resource>x</Resource></Error>' +
        '<RequestId>req-1</RequestId></ErrorResponse>',
    )
  })

  it('writes server faults as Receiver and omits the namespace when no service was routed', () => {
    const response = queryCodec.serializeError(new AwsError('InternalFailure', 500, 'boom'), undefined, call)
    expect(response.status).toBe(500)
    expect(response.body).toContain('<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>')
  })
})
