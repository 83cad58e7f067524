// Fuzzing both JSON codecs over every generated json/rest-json model: random and mutated requests only ever raise AwsError.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AwsError } from '../../src/core/aws-error.js'
import type { HttpRequest } from '../../src/core/http.js'
import { serviceModels } from '../../src/generated/services.js'
import type { OperationModel, ServiceModel, ShapeRef } from '../../src/model/types.js'
import type { Codec } from '../../src/protocol/codec.js'
import { jsonCodec } from '../../src/protocol/json/json-codec.js'
import { restJsonCodec } from '../../src/protocol/rest-json/rest-json-codec.js'

const RUNS = 400
// FUZZ_REPORT=1 prints how many runs decoded and which errors the others raised.

const services = Object.values(serviceModels)
const jsonServices = services.filter((service) => service.metadata.protocol === 'json')
const restJsonServices = services.filter((service) => service.metadata.protocol === 'rest-json')

/**
 * Runs the codec the way the pipeline does and rethrows anything that is not an AwsError; returns the outcome
 * ('decoded' or the error code) so a test can show the fuzzer reached both the success and the rejection paths.
 */
function decodeOrAwsError(codec: Codec, request: HttpRequest, service: ServiceModel, operation: OperationModel): string {
  try {
    codec.matchOperation(request, service)
    codec.parseRequest(request, operation, service)
    return 'decoded'
  } catch (error) {
    if (!(error instanceof AwsError)) throw error
    return error.code
  }
}

function tally(outcomes: Map<string, number>, outcome: string): void {
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
}

// A value of the shape `ref` names, where any part may be swapped for arbitrary JSON: a mutated, mostly valid body.
function shapeValue(service: ServiceModel, ref: ShapeRef, depth: number): fc.Arbitrary<unknown> {
  const wrong = fc.jsonValue({ maxDepth: 2 })
  const shape = service.shapes[ref.shape]
  if (!shape || depth > 4) return wrong
  let right: fc.Arbitrary<unknown>
  switch (shape.type) {
    case 'structure': {
      const members = Object.entries(shape.members).filter(([, member]) => member.location === undefined).slice(0, 12)
      right = fc.record(
        Object.fromEntries(members.map(([name, member]) => [member.locationName ?? name, shapeValue(service, member, depth + 1)])),
        { requiredKeys: [] },
      )
      break
    }
    case 'list':
      right = fc.array(shapeValue(service, shape.member, depth + 1), { maxLength: 3 })
      break
    case 'map':
      right = fc.dictionary(fc.string({ maxLength: 8 }), shapeValue(service, shape.value, depth + 1), { maxKeys: 3 })
      break
    case 'string':
      right = shape.enum && shape.enum.length > 0 ? fc.constantFrom(...shape.enum) : fc.string({ maxLength: 40 })
      break
    case 'boolean':
      right = fc.boolean()
      break
    case 'integer':
    case 'long':
      right = fc.integer()
      break
    case 'timestamp':
      right = fc.oneof(fc.integer({ min: -1e10, max: 1e10 }), fc.constantFrom('2024-01-02T03:04:05Z', 'not a date'))
      break
    case 'blob':
      right = fc.oneof(fc.base64String({ maxLength: 24 }), fc.string({ maxLength: 8 }))
      break
    default:
      right = fc.double()
  }
  return fc.oneof({ weight: 5, arbitrary: right }, { weight: 1, arbitrary: wrong })
}

function operationOf(services: readonly ServiceModel[]): fc.Arbitrary<{ service: ServiceModel; operation: OperationModel }> {
  return fc.constantFrom(...services).chain((service) =>
    fc.constantFrom(...Object.values(service.operations)).map((operation) => ({ service, operation })),
  )
}

function bodyFor(service: ServiceModel, operation: OperationModel): fc.Arbitrary<Buffer> {
  const mutated = operation.input ? shapeValue(service, operation.input, 0).map((value) => JSON.stringify(value) ?? '') : fc.constant('{}')
  return fc
    .oneof(
      { weight: 4, arbitrary: mutated },
      { weight: 1, arbitrary: mutated.chain((text) => truncatedOrSpliced(text)) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
    )
    .map((text) => Buffer.from(text))
}

// Cuts the JSON text or splices random characters into it: most results are no longer JSON.
function truncatedOrSpliced(text: string): fc.Arbitrary<string> {
  return fc.tuple(fc.nat({ max: text.length }), fc.string({ maxLength: 4 }), fc.boolean()).map(([at, insert, cut]) =>
    cut ? text.slice(0, at) : text.slice(0, at) + insert + text.slice(at),
  )
}

function httpRequest(method: string, path: string, query: string, headers: Record<string, string>, body: Buffer): HttpRequest {
  return { method, path, query, headers, body, remoteAddress: '127.0.0.1', secure: false }
}

// Text for URI labels, query values and headers, with percent-escapes (valid and broken) and multi-byte characters.
const wireText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('%', '%zz', '%E2%82', '%25', 'a%2Fb', '-1', '1.5', 'true', 'NaN', '2024-01-02T03:04:05Z', '', 'ü/é'),
)

describe('jsonCodec.parseRequest under fuzzing', () => {
  it('throws nothing but AwsError for random and mutated bodies of every json operation', () => {
    const outcomes = new Map<string, number>()
    fc.assert(
      fc.property(operationOf(jsonServices).chain(({ service, operation }) => bodyFor(service, operation).map((body) => ({ service, operation, body }))), ({ service, operation, body }) => {
        const target = `${service.metadata.targetPrefix}.${operation.name}`
        tally(outcomes, decodeOrAwsError(jsonCodec, httpRequest('POST', '/', '', { 'x-amz-target': target }, body), service, operation))
      }),
      { numRuns: RUNS },
    )
    if (process.env.FUZZ_REPORT) console.log(JSON.stringify([...outcomes]))
    // The generator must reach the decoder's success path and both kinds of rejection, or the property proves little.
    expect(outcomes.get('decoded')).toBeGreaterThan(RUNS / 20)
    expect(outcomes.get('SerializationException')).toBeGreaterThan(RUNS / 20)
    expect([...outcomes.keys()].some((code) => code !== 'decoded' && code !== 'SerializationException')).toBe(true)
  })
})

describe('restJsonCodec under fuzzing', () => {
  it('throws nothing but AwsError for random labels, query strings, headers and bodies of every rest-json operation', () => {
    const request = operationOf(restJsonServices).chain(({ service, operation }) =>
      fc
        .record({
          labels: fc.array(wireText, { minLength: 4, maxLength: 4 }),
          query: fc.array(fc.tuple(fc.constantFrom('maxResults', 'nextToken', 'type', 'tagKeys', 'analyzerArn', 'x'), wireText), { maxLength: 4 }),
          headers: fc.dictionary(fc.constantFrom('retry-after', 'content-type', 'x-amz-meta-a', 'x-amzn-client-token'), wireText, { maxKeys: 3 }),
          body: bodyFor(service, operation),
        })
        .map(({ labels, query, headers, body }) => {
          let index = 0
          const template = operation.http.requestUri.split('?')[0]!
          const path = template.replace(/\{[^}]+\}/g, () => encodeURI(labels[index++ % labels.length]!).replace(/%25/g, '%'))
          const queryText = query.map(([name, value]) => `${name}=${value}`).join('&')
          return { service, operation, http: httpRequest(operation.http.method, path === '' ? '/' : path, queryText, headers, body) }
        }),
    )
    const outcomes = new Map<string, number>()
    fc.assert(
      fc.property(request, ({ service, operation, http }) => {
        tally(outcomes, decodeOrAwsError(restJsonCodec, http, service, operation))
      }),
      { numRuns: RUNS },
    )
    if (process.env.FUZZ_REPORT) console.log(JSON.stringify([...outcomes]))
    expect(outcomes.get('decoded')).toBeGreaterThan(RUNS / 20)
    expect(outcomes.get('SerializationException')).toBeGreaterThan(RUNS / 20)
  })
})
