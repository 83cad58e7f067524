// The rest-xml codec (S3): REST bindings plus XML bodies, S3's request errors and its <Error> response shape.
import { createHash } from 'node:crypto'
import type { AwsError } from '../../core/aws-error.js'
import type { HttpRequest, HttpResponse } from '../../core/http.js'
import type { OperationModel, ServiceModel, ShapeRef, StructureShape } from '../../model/types.js'
import type { CallInfo, Codec, OperationInput } from '../codec.js'
import { bodyLayoutOf, readHttpBindings, writeHttpBindings } from '../rest/http-bindings.js'
import { matchRestOperation } from '../rest/match-rest-operation.js'
import { resolveStructure } from '../rest/model-shapes.js'
import { matchUriPath, templateOf } from '../rest/uri-template.js'
import { checkConstraints } from '../shared/constraints.js'
import { parseXml, XmlSyntaxError, type XmlElement } from '../xml/xml-reader.js'
import { readStructure, readXmlValue, XmlValueError } from './read-xml-value.js'
import { renderXmlDocument } from './render-xml-node.js'
import { toS3ConstraintError } from './s3-constraint-errors.js'
import { checkS3BodyDigests } from './s3-body-digests.js'
import { toS3Error } from './s3-error-codes.js'
import { invalidS3Argument, InvalidBucketNameError, InvalidUriError, KeyTooLongError, MalformedXmlError } from './s3-request-errors.js'
import { S3_RESPONSE_ROOTS } from './s3-response-roots.js'
import { bucketFromHost, isPathStyleRewrite, toPathStyleRequest } from './virtual-host.js'
import { addNamespace, element, writeStructureInto, writeXmlValue, type XmlNode } from './write-xml-value.js'

export interface RestXmlCodecOptions {
  /**
   * The bucket a virtual-hosted-style Host header names, for S3 (default: bucketFromHost, which knows
   * `bucket.s3.<anything>` and `bucket.localhost`). The codec then reads the request as if it were path-style.
   */
  readonly bucketFromHost?: (host: string | undefined) => string | undefined
}

/** S3's namespace, written on every root element (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTAPI.html). */
export const S3_XML_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/'

/**
 * S3 operations a request path never selects: the deprecated lifecycle and notification calls share their paths
 * with the *Configuration calls that replaced them (and that the current SDKs send), and ListDirectoryBuckets is
 * served by the S3 Express endpoint, not at `GET /` of the general one, which is ListBuckets
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListDirectoryBuckets.html).
 */
const S3_UNROUTED_OPERATIONS: ReadonlySet<string> = new Set([
  'GetBucketLifecycle',
  'PutBucketLifecycle',
  'GetBucketNotification',
  'PutBucketNotification',
  'ListDirectoryBuckets',
])

/** S3's object keys are at most 1,024 bytes of UTF-8 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html). */
const MAX_KEY_BYTES = 1024

export function createRestXmlCodec(options: RestXmlCodecOptions = {}): Codec {
  const hostBucket = options.bucketFromHost ?? bucketFromHost

  /** Virtual-hosted-style S3 requests, rewritten to the path-style form the model's URIs describe. */
  function pathStyle(request: HttpRequest, service: ServiceModel): HttpRequest {
    if (service.name !== 's3' || isPathStyleRewrite(request)) return request
    const bucket = hostBucket(request.headers['host'])
    return bucket === undefined ? request : toPathStyleRequest(request, bucket)
  }

  return {
    protocol: 'rest-xml',

    matchOperation(request, service) {
      const never = service.name === 's3' ? S3_UNROUTED_OPERATIONS : undefined
      return matchRestOperation(pathStyle(request, service), service, { never })?.operation
    },

    parseRequest(request, operation, service) {
      return parseRestXmlRequest(pathStyle(request, service), operation, service)
    },

    serializeOutput(output, operation, service, call) {
      return serializeRestXmlOutput(output, operation, service, call)
    },

    serializeError(error, _service, call) {
      return serializeRestXmlError(toS3Error(error), call)
    },
  }
}

export const restXmlCodec: Codec = createRestXmlCodec()

function parseRestXmlRequest(request: HttpRequest, operation: OperationModel, service: ServiceModel): OperationInput {
  if (!operation.input) return {}
  const labels = matchUriPath(templateOf(operation), request.path)
  if (!labels) throw new InvalidUriError()
  const shape = resolveStructure(service, operation.input)
  const input = readHttpBindings(request, shape, service, labels, {
    invalidValue: (_message, _member, wireName, text) => invalidS3Argument(wireName, text),
  })
  if (service.name === 's3' && !request.bodyStream) checkS3BodyDigests(request, operation.httpChecksumRequired === true)
  const body = readBody(request, shape, service)
  if (service.name === 's3') checkS3Names(input)
  // A streamed payload is checked by whoever reads it (sizes, digests), not as a value.
  const streamed = shape.payload !== undefined && body[shape.payload] === request.bodyStream && request.bodyStream !== undefined
  const [violation] = checkConstraints(service, operation.input.shape, streamed ? input : Object.assign(input, body))
  if (violation) throw toS3ConstraintError(violation, shape)
  return streamed ? Object.assign(input, body) : input
}

/**
 * Limits S3 documents but its model does not carry. Bucket names are checked only for characters no bucket can
 * have, even a legacy one (the full naming rules apply at CreateBucket, in the service):
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html#legacy-bucket-naming
 */
function checkS3Names(input: OperationInput): void {
  if (typeof input.Bucket === 'string' && !/^[A-Za-z0-9._-]{1,255}$/.test(input.Bucket)) {
    throw new InvalidBucketNameError(input.Bucket)
  }
  if (typeof input.Key === 'string') {
    const size = Buffer.byteLength(input.Key)
    if (size > MAX_KEY_BYTES) throw new KeyTooLongError(size, MAX_KEY_BYTES)
  }
}

/**
 * The members carried in the body: a raw blob or string payload, an XML payload, or XML body members. A streaming
 * blob payload (PutObject's Body) whose body the server left unread is handed on as the stream itself.
 */
function readBody(request: HttpRequest, shape: StructureShape, service: ServiceModel): OperationInput {
  const { body } = request
  const layout = bodyLayoutOf(shape, service)
  if (layout.kind === 'none') return {}
  if (layout.kind === 'payload') {
    if (layout.shape.type === 'blob') {
      // Streaming as hasStreamingPayload says (the member or its blob shape), the rule the pipeline read the body by.
      const streaming = layout.ref.streaming === true || layout.shape.streaming === true
      return { [layout.name]: request.bodyStream && streaming ? request.bodyStream : body }
    }
    if (isBlank(body)) return {}
    if (layout.shape.type === 'string') return { [layout.name]: body.toString('utf8') }
    const root = parseBodyXml(body)
    const expected = layout.ref.locationName ?? (layout.shape.type === 'structure' ? layout.shape.locationName : undefined) ?? layout.name
    if (root.localName !== localPart(expected)) throw new MalformedXmlError()
    return { [layout.name]: decodeXml(() => readXmlValue(root, layout.ref, service)) }
  }
  if (isBlank(body)) return {}
  const root = parseBodyXml(body)
  return decodeXml(() => readStructure(root, shape, service))
}

function parseBodyXml(body: Buffer): XmlElement {
  try {
    return parseXml(body)
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw new MalformedXmlError()
    throw error
  }
}

function decodeXml<T>(decode: () => T): T {
  try {
    return decode()
  } catch (error) {
    if (error instanceof XmlValueError) throw new MalformedXmlError()
    throw error
  }
}

function serializeRestXmlOutput(output: unknown, operation: OperationModel, service: ServiceModel, call: CallInfo): HttpResponse {
  const values = (output ?? {}) as Record<string, unknown>
  const shape = operation.output ? resolveStructure(service, operation.output) : undefined
  const bound = shape ? writeHttpBindings(values, shape, service) : { status: undefined, headers: {} }
  const headers: Record<string, string> = { ...bound.headers, ...requestIdHeaders(call) }
  // A successful answer that carries part of a representation (GetObject/HeadObject with Range or partNumber) is
  // 206 Partial Content in HTTP (RFC 9110 §15.3.7).
  const status = bound.status ?? (headers['content-range'] !== undefined ? 206 : operation.http.responseCode ?? 200)
  if (call.method?.toUpperCase() === 'HEAD') return { status, headers, body: Buffer.alloc(0) }
  const hasBody = shape !== undefined && bodyLayoutOf(shape, service).kind !== 'none'
  // HeadObject's output has no body members but a Content-Length member: the size of the object, not of this
  // response. Every other response says how long its own body is.
  if (!hasBody) return { status, headers: { 'content-length': '0', ...headers }, body: Buffer.alloc(0) }
  const streamed = status === 204 ? undefined : streamingPayload(values, shape, service)
  if (streamed) {
    // GetObject: the handler set Content-Length (the object's or the range's size) among the bound headers.
    if (headers['content-type'] === undefined) headers['content-type'] = 'binary/octet-stream'
    return { status, headers, body: Buffer.alloc(0), bodyStream: streamed }
  }
  const encoded = status === 204 ? undefined : encodeBody(values, shape, operation, service)
  const body = encoded?.body ?? Buffer.alloc(0)
  if (encoded?.contentType !== undefined && headers['content-type'] === undefined) headers['content-type'] = encoded.contentType
  headers['content-length'] = String(body.length)
  return { status, headers, body }
}

/** The output's streaming blob payload when the handler gave it as a stream (not a buffer). */
function streamingPayload(values: Record<string, unknown>, shape: StructureShape, service: ServiceModel): AsyncIterable<Buffer> | undefined {
  const layout = bodyLayoutOf(shape, service)
  if (layout.kind !== 'payload' || layout.shape.type !== 'blob' || !layout.ref.streaming) return undefined
  const value = values[layout.name]
  if (value === undefined || value === null || value instanceof Uint8Array || typeof value === 'string') return undefined
  return typeof (value as AsyncIterable<Buffer>)[Symbol.asyncIterator] === 'function' ? (value as AsyncIterable<Buffer>) : undefined
}

function encodeBody(
  values: Record<string, unknown>,
  shape: StructureShape,
  operation: OperationModel,
  service: ServiceModel,
): { body: Buffer; contentType?: string } | undefined {
  const layout = bodyLayoutOf(shape, service)
  if (layout.kind === 'none') return undefined
  if (layout.kind === 'payload') {
    const value = values[layout.name]
    if (value === undefined || value === null) return undefined
    if (layout.shape.type === 'blob') return { body: toBuffer(value), contentType: 'binary/octet-stream' }
    if (layout.shape.type === 'string') return { body: Buffer.from(String(value)) }
    const name = layout.ref.locationName ?? (layout.shape.type === 'structure' ? layout.shape.locationName : undefined) ?? layout.name
    const [root] = writeXmlValue(value, layout.ref, name, service)
    if (!root) return undefined
    if (!('xmlns' in root.attributes)) addNamespace(root, { uri: namespaceOf(service) })
    return xmlBody(root)
  }
  const root = element(S3_RESPONSE_ROOTS[operation.name] ?? shape.locationName ?? operation.output!.shape, [])
  addNamespace(root, shape.xmlNamespace ?? { uri: namespaceOf(service) })
  const [only] = layout.members
  if (layout.members.length === 1 && only && isTextRoot(root, only, service)) {
    // GetBucketLocation: the one member is the root element's text, `<LocationConstraint>eu-west-1</…>`.
    const value = values[only[0]]
    if (value !== undefined && value !== null) root.text = String(value)
  } else {
    writeStructureInto(root, values, shape, service)
  }
  return xmlBody(root)
}

function serializeRestXmlError(error: AwsError, call: CallInfo): HttpResponse {
  const headers: Record<string, string> = { ...lowerCaseKeys(error.headers), ...requestIdHeaders(call) }
  // HEAD responses and 304 Not Modified (a failed If-None-Match/If-Modified-Since) carry no body in HTTP.
  if (call.method?.toUpperCase() === 'HEAD' || error.status === 304) {
    return { status: error.status, headers: { ...headers, 'content-length': '0' }, body: Buffer.alloc(0) }
  }
  // https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#RESTErrorResponses
  const root = element('Error', [textElement('Code', error.code), textElement('Message', error.message)])
  for (const [name, value] of Object.entries(error.fields)) {
    if (value !== undefined && value !== null) root.children.push(textElement(name, fieldText(value)))
  }
  root.children.push(textElement('RequestId', call.requestId), textElement('HostId', hostIdOf(call.requestId)))
  const { body, contentType } = xmlBody(root)
  return { status: error.status, headers: { ...headers, 'content-type': contentType, 'content-length': String(body.length) }, body }
}

/** S3 returns both on every response; x-amz-id-2 is the error body's HostId. */
function requestIdHeaders(call: CallInfo): Record<string, string> {
  return { 'x-amz-request-id': call.requestId, 'x-amz-id-2': hostIdOf(call.requestId) }
}

// Derived from the request id rather than random, so a response is reproducible from its request id.
function hostIdOf(requestId: string): string {
  return createHash('sha256').update(`palisade-host:${requestId}`).digest('base64')
}

function xmlBody(root: XmlNode): { body: Buffer; contentType: string } {
  return { body: Buffer.from(renderXmlDocument(root)), contentType: 'application/xml' }
}

function textElement(name: string, text: string): XmlNode {
  const node = element(name, [])
  node.text = text
  return node
}

/** Whether the root element is named after a lone scalar member, whose value is then the root's own text. */
function isTextRoot(root: XmlNode, [name, ref]: readonly [string, ShapeRef], service: ServiceModel): boolean {
  const type = service.shapes[ref.shape]?.type
  return (ref.locationName ?? name) === root.name && type !== undefined && type !== 'structure' && type !== 'list' && type !== 'map'
}

function namespaceOf(service: ServiceModel): string {
  if (service.metadata.xmlNamespace) return service.metadata.xmlNamespace
  if (service.name === 's3') return S3_XML_NAMESPACE
  return `https://${service.metadata.endpointPrefix}.amazonaws.com/doc/${service.metadata.apiVersion}/`
}

function fieldText(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value)
}

function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  return Buffer.from(String(value))
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))
}

function isBlank(body: Buffer): boolean {
  return body.length === 0 || body.toString('utf8').trim() === ''
}

function localPart(name: string): string {
  const colon = name.indexOf(':')
  return colon === -1 ? name : name.slice(colon + 1)
}
