// Unit tests of jsonCodec against a hand-written model: routing, decoding, encoding and the error shape.
import { describe, expect, it } from 'vitest'
import { AwsError } from '../../src/core/aws-error.js'
import type { HttpRequest } from '../../src/core/http.js'
import { jsonCodec } from '../../src/protocol/json/json-codec.js'
import { jsonFixtureModel as model } from './json-fixture-model.js'

const TARGET = 'com.example.fixture.v1.Fixture_20200101'
const putThing = model.operations.PutThing!
const call = { requestId: 'req-1' }

function request(body: string | Buffer, target = `${TARGET}.PutThing`, method = 'POST'): HttpRequest {
  return {
    method,
    path: '/',
    query: '',
    headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
    body: typeof body === 'string' ? Buffer.from(body) : body,
    remoteAddress: '127.0.0.1',
    secure: false,
  }
}

function parse(body: string): Record<string, unknown> {
  return jsonCodec.parseRequest(request(body), putThing, model)
}

function parseError(body: string): AwsError {
  try {
    parse(body)
  } catch (error) {
    if (error instanceof AwsError) return error
    throw error
  }
  throw new Error(`expected ${body} to be rejected`)
}

describe('jsonCodec.matchOperation', () => {
  it('routes X-Amz-Target <targetPrefix>.<Operation>, with a dotted prefix', () => {
    expect(jsonCodec.matchOperation(request('{}'), model)?.name).toBe('PutThing')
  })

  it('routes the last segment of a dotted prefix alone, as SDK v3 sends it', () => {
    expect(jsonCodec.matchOperation(request('{}', 'Fixture_20200101.PutThing'), model)?.name).toBe('PutThing')
  })

  it.each([
    { name: 'a partial segment of the prefix', target: 'ixture_20200101.PutThing' },
    { name: 'an unknown operation', target: `${TARGET}.DeleteThing` },
    { name: 'another service prefix', target: 'TrentService.PutThing' },
    { name: 'an inherited property name', target: `${TARGET}.constructor` },
    { name: 'a bare operation name', target: 'PutThing' },
  ])('names no operation for $name', ({ target }) => {
    expect(jsonCodec.matchOperation(request('{}', target), model)).toBeUndefined()
  })

  it('names no operation without X-Amz-Target or for a GET', () => {
    const { 'x-amz-target': _, ...headers } = request('{}').headers
    expect(jsonCodec.matchOperation({ ...request('{}'), headers }, model)).toBeUndefined()
    expect(jsonCodec.matchOperation(request('{}', `${TARGET}.PutThing`, 'GET'), model)).toBeUndefined()
  })
})

describe('jsonCodec.parseRequest', () => {
  it('decodes every shape type', () => {
    const input = parse(JSON.stringify({
      Name: 'n',
      Count: 3,
      Size: 9007199254740991,
      Ratio: 0.5,
      Enabled: false,
      CreatedAt: 1700000000.25,
      IsoAt: '2024-01-02T03:04:05Z',
      Data: Buffer.from([0, 1, 254, 255]).toString('base64'),
      Tags: [{ Key: 'k', Value: 'v' }],
      Attributes: { a: 1, b: 2 },
      Nested: { Label: 'outer', Inner: { Label: 'inner' } },
      Document: '{"x":[1,2]}',
      wireName: 'by location name',
      Choice: { Text: 't' },
    }))
    expect(input).toEqual({
      Name: 'n',
      Count: 3,
      Size: 9007199254740991,
      Ratio: 0.5,
      Enabled: false,
      CreatedAt: new Date(1700000000250),
      IsoAt: new Date('2024-01-02T03:04:05Z'),
      Data: new Uint8Array([0, 1, 254, 255]),
      Tags: [{ Key: 'k', Value: 'v' }],
      Attributes: { a: 1, b: 2 },
      Nested: { Label: 'outer', Inner: { Label: 'inner' } },
      Document: '{"x":[1,2]}',
      Renamed: 'by location name',
      Choice: { Text: 't' },
    })
  })

  it('reads an empty body as {}', () => {
    const listThings = model.operations.ListThings!
    expect(jsonCodec.parseRequest(request('', `${TARGET}.ListThings`), listThings, model)).toEqual({})
    expect(jsonCodec.parseRequest(request(' \n', `${TARGET}.ListThings`), listThings, model)).toEqual({})
  })

  it('ignores unknown members and treats null as absent', () => {
    expect(parse('{"Name":"n","Unknown":{"deep":[1]},"Count":null,"Tags":[null,{"Key":"k"}],"Attributes":{"a":null}}'))
      .toEqual({ Name: 'n', Tags: [{ Key: 'k' }], Attributes: {} })
  })

  it('keeps a __proto__ map key as an ordinary key', () => {
    const input = parse('{"Name":"n","Attributes":{"__proto__":1}}')
    const attributes = input.Attributes as Record<string, unknown>
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype)
    expect(Object.keys(attributes)).toEqual(['__proto__'])
  })

  it('truncates a fractional number sent for an integer, as AWS does', () => {
    expect(parse('{"Name":"n","Count":2.9}')).toEqual({ Name: 'n', Count: 2 })
  })

  it('accepts the non-finite float strings', () => {
    expect(parse('{"Name":"n","Ratio":"-Infinity"}')).toEqual({ Name: 'n', Ratio: Number.NEGATIVE_INFINITY })
  })

  it('ignores an operation input for an operation without one', () => {
    expect(jsonCodec.parseRequest(request('{"a":1}', `${TARGET}.Ping`), model.operations.Ping!, model)).toEqual({})
  })

  it.each([
    { name: 'a string for an integer', body: '{"Count":"1"}', message: 'STRING_VALUE can not be converted to an Integer' },
    { name: 'true for an integer', body: '{"Count":true}', message: 'TRUE_VALUE can not be converted to an Integer' },
    { name: 'a string for a long', body: '{"Size":"1"}', message: 'STRING_VALUE can not be converted to a Long' },
    { name: 'an integer out of range', body: '{"Count":2147483648}', message: 'NUMBER_VALUE can not be converted to an Integer' },
    { name: 'a long out of range', body: '{"Name":"n","Size":1e20}', message: 'NUMBER_VALUE can not be converted to a Long' },
    { name: 'an epoch timestamp out of range', body: '{"Name":"n","CreatedAt":1e300}', message: 'NUMBER_VALUE 1e+300 is out of range for a Date' },
    { name: 'a number for a string', body: '{"Name":1}', message: 'NUMBER_VALUE can not be converted to a String' },
    { name: 'false for a string', body: '{"Name":false}', message: 'FALSE_VALUE can not be converted to a String' },
    { name: 'a list for a string', body: '{"Name":["x"]}', message: 'Start of list found where not expected' },
    { name: 'an object for a string', body: '{"Name":{"a":1}}', message: 'Start of structure or map found where not expected.' },
    { name: 'a string for a list', body: '{"Tags":"x"}', message: 'Expected list or null' },
    { name: 'an object for a list', body: '{"Tags":{}}', message: 'Start of structure or map found where not expected.' },
    { name: 'a number in a list of structures', body: '{"Tags":[1]}', message: 'Expected null' },
    { name: 'a string for a structure', body: '{"Nested":"x"}', message: 'Expected null' },
    { name: 'a list for a structure', body: '{"Nested":[]}', message: 'Start of list found where not expected' },
    { name: 'a list for a map', body: '{"Attributes":[]}', message: 'Start of list found where not expected' },
    { name: 'a string for a boolean', body: '{"Enabled":"true"}', message: 'STRING_VALUE can not be converted to a Boolean' },
    { name: 'a string for an epoch timestamp', body: '{"CreatedAt":"2024-01-01"}', message: 'STRING_VALUE can not be converted to a Date' },
    { name: 'a number for a blob', body: '{"Data":1}', message: 'NUMBER_VALUE can not be converted to a ByteBuffer' },
    { name: 'a jsonvalue member that is not JSON text', body: '{"Name":"n","Document":"{x"}', message: 'Unable to parse the value as JSON' },
    { name: 'a blob outside the base64 alphabet', body: '{"Data":"a*b="}', message: 'Base64 encoded value is not valid' },
    { name: 'a top-level array', body: '[]', message: 'Start of list found where not expected' },
    { name: 'a nested wrong type', body: '{"Nested":{"Inner":{"Label":7}}}', message: 'NUMBER_VALUE can not be converted to a String' },
  ])('rejects $name with a SerializationException', ({ body, message }) => {
    const error = parseError(body)
    expect(error).toMatchObject({ code: 'SerializationException', status: 400, message })
  })

  it.each([
    { name: 'two members set', choice: '{"Text":"t","Number":1}' },
    { name: 'a known and an unknown member set', choice: '{"Text":"t","Other":1}' },
    { name: 'only an unknown member', choice: '{"Other":1}' },
    { name: 'no member set', choice: '{"Text":null}' },
    { name: 'an empty object', choice: '{}' },
  ])('rejects a union with $name with a SerializationException', ({ choice }) => {
    expect(parseError(`{"Name":"n","Choice":${choice}}`)).toMatchObject({ code: 'SerializationException', status: 400 })
  })

  it('accepts a union with one member and a __type key', () => {
    expect(parse('{"Name":"n","Choice":{"__type":"Choice","Number":3}}')).toEqual({ Name: 'n', Choice: { Number: 3 } })
  })

  it.each([
    { name: 'truncated JSON', body: '{"Name":' },
    { name: 'a trailing comma', body: '{"Name":"n",}' },
    { name: 'a bare string', body: '"x"' },
    { name: 'null', body: 'null' },
    { name: 'trailing garbage', body: '{} {}' },
  ])('rejects $name with a SerializationException without a message', ({ body }) => {
    expect(parseError(body)).toMatchObject({ code: 'SerializationException', status: 400, message: '' })
  })

  it.each([
    { name: 'a missing required member', target: 'PutThing', body: '{}', message: "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null" },
    { name: 'a missing required member of a list item', target: 'PutThing', body: '{"Name":"n","Tags":[{"Value":"v"}]}', message: "1 validation error detected: Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null" },
    { name: 'a number out of range', target: 'ListThings', body: '{"MaxResults":0}', message: "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1" },
    {
      name: 'several broken constraints',
      target: 'ListThings',
      body: '{"State":"GONE","Prefix":"ABCDEFGHIJ"}',
      message: "3 validation errors detected: Value 'GONE' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, RETIRED]; Value 'ABCDEFGHIJ' at 'prefix' failed to satisfy constraint: Member must have length less than or equal to 8; Value 'ABCDEFGHIJ' at 'prefix' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z]+$",
    },
  ])('rejects $name with a ValidationException in AWS words', ({ target, body, message }) => {
    const operation = model.operations[target]!
    let thrown: unknown
    try {
      jsonCodec.parseRequest(request(body, `${TARGET}.${target}`), operation, model)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(AwsError)
    expect(thrown).toMatchObject({ code: 'ValidationException', status: 400, message })
  })

  it('rejects nesting deeper than the limit instead of overflowing the stack', () => {
    const body = '{"Name":"n","Nested":' + '{"Inner":'.repeat(5000) + '{}' + '}'.repeat(5001)
    expect(parseError(body)).toMatchObject({ code: 'SerializationException' })
  })
})

describe('jsonCodec.serializeOutput', () => {
  it('encodes every shape type, omits undefined members and members the model lacks', () => {
    const response = jsonCodec.serializeOutput(
      {
        Name: 'n',
        Count: undefined,
        Ratio: Number.NaN,
        Enabled: true,
        CreatedAt: new Date(1700000000250),
        IsoAt: new Date('2024-01-02T03:04:05Z'),
        Data: new Uint8Array([0, 255]),
        Tags: [{ Key: 'k' }],
        Attributes: { a: 1 },
        Nested: { Inner: { Label: 'x' } },
        Document: { x: 1 },
        Renamed: 'r',
        Secret: 'not in the model',
      },
      putThing,
      model,
      call,
    )
    expect(response.status).toBe(200)
    expect(response.headers).toEqual({ 'content-type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'req-1' })
    expect(JSON.parse(String(response.body))).toEqual({
      Name: 'n',
      Ratio: 'NaN',
      Enabled: true,
      CreatedAt: 1700000000.25,
      IsoAt: '2024-01-02T03:04:05Z',
      Data: 'AP8=',
      Tags: [{ Key: 'k' }],
      Attributes: { a: 1 },
      Nested: { Inner: { Label: 'x' } },
      Document: '{"x":1}',
      wireName: 'r',
    })
  })

  it('writes {} for an operation without output', () => {
    expect(jsonCodec.serializeOutput(undefined, model.operations.Ping!, model, call).body).toBe('{}')
  })
})

describe('jsonCodec.serializeError', () => {
  it('writes __type, the message under the casing the error shape models, and its extra fields', () => {
    const error = new AwsError('ThingNotFoundException', 404, 'no such thing', { fields: { ThingName: 't' } })
    const response = jsonCodec.serializeError(error, model, call)
    expect(response.status).toBe(404)
    expect(response.headers['x-amzn-RequestId']).toBe('req-1')
    expect(JSON.parse(String(response.body))).toEqual({ __type: 'ThingNotFoundException', Message: 'no such thing', ThingName: 't' })
  })

  it('uses a lower-case message where the shape models one, and the JSON code', () => {
    const conflict = new AwsError('ConflictException', 409, 'busy')
    expect(JSON.parse(String(jsonCodec.serializeError(conflict, model, call).body))).toEqual({ __type: 'ConflictException', message: 'busy' })
    const denied = new AwsError('AccessDenied', 403, 'no', { jsonCode: 'AccessDeniedException', headers: { 'x-extra': '1' } })
    const response = jsonCodec.serializeError(denied, undefined, call)
    expect(JSON.parse(String(response.body))).toEqual({ __type: 'AccessDeniedException', message: 'no' })
    expect(response.headers).toMatchObject({ 'content-type': 'application/x-amz-json-1.1', 'x-extra': '1' })
  })

  it('answers with the content type of the service JSON version', () => {
    const json10 = { ...model, metadata: { ...model.metadata, jsonVersion: '1.0' } }
    expect(jsonCodec.serializeOutput({}, putThing, json10, call).headers['content-type']).toBe('application/x-amz-json-1.0')
    expect(jsonCodec.serializeError(new AwsError('ConflictException', 409, 'x'), json10, call).headers['content-type']).toBe('application/x-amz-json-1.0')
  })

  it('leaves out an empty message', () => {
    const error = new AwsError('SerializationException', 400, '')
    expect(JSON.parse(String(jsonCodec.serializeError(error, model, call).body))).toEqual({ __type: 'SerializationException' })
  })
})
