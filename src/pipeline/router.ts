// Router: which service and operation a request names (credential scope, X-Amz-Target, Action/Version, S3 default).
import { AwsError } from '../core/aws-error.js'
import { InvalidActionError, MissingAuthenticationTokenError, UnknownOperationError } from '../core/common-errors.js'
import { parseQueryString, type HttpRequest } from '../core/http.js'
import type { OperationModel } from '../model/types.js'
import type { ServiceBinding } from './service-binding.js'

export interface Route {
  readonly binding: ServiceBinding
  readonly operation: OperationModel
}

export interface Router {
  resolve(request: HttpRequest): Route
  /** The binding whose codec answers requests that could not be routed. */
  readonly fallback: ServiceBinding | undefined
}

const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/[^/,\s]+\/([^/,\s]+)\/aws4_request/
const QUERY_CREDENTIAL_SCOPE = /(?:^|&)X-Amz-Credential=[^&]*?(?:%2F|\/)\d{8}(?:%2F|\/)[^&%/]+(?:%2F|\/)([^&%/]+)(?:%2F|\/)aws4_request/i

export function createRouter(bindings: readonly ServiceBinding[]): Router {
  const bySigningName = new Map<string, ServiceBinding>()
  const byTargetPrefix = new Map<string, ServiceBinding>()
  const queryByVersion = new Map<string, ServiceBinding>()
  let s3: ServiceBinding | undefined
  for (const binding of bindings) {
    const { metadata } = binding.model
    bySigningName.set(metadata.signingName, binding)
    if (metadata.targetPrefix) byTargetPrefix.set(metadata.targetPrefix, binding)
    if (metadata.protocol === 'query' || metadata.protocol === 'ec2') queryByVersion.set(metadata.apiVersion, binding)
    if (binding.model.name === 's3') s3 = binding
  }
  const fallback = [...queryByVersion.values()][0] ?? bindings[0]

  return {
    fallback,
    resolve(request) {
      const binding = findService(request)
      const operation = binding.codec.matchOperation(request, binding.model)
      if (!operation) throw unknownOperation(binding, request)
      return { binding, operation }
    },
  }

  function findService(request: HttpRequest): ServiceBinding {
    const scope = signingName(request)
    if (scope !== undefined) {
      const binding = bySigningName.get(scope)
      if (binding) return binding
    }
    const target = request.headers['x-amz-target']
    if (target !== undefined) {
      const binding = byTargetPrefix.get(target.slice(0, target.lastIndexOf('.')))
      if (binding) return binding
    }
    const version = formOrQueryParameter(request, 'Version')
    if (version !== undefined) {
      const binding = queryByVersion.get(version)
      if (binding) return binding
    }
    if (s3) return s3
    throw scope === undefined ? new MissingAuthenticationTokenError() : new UnknownOperationError(`unknown service \`${scope}\``)
  }
}

function signingName(request: HttpRequest): string | undefined {
  const authorization = request.headers['authorization']
  if (authorization !== undefined) return CREDENTIAL_SCOPE.exec(authorization)?.[1]
  if (request.query.includes('X-Amz-Credential')) return QUERY_CREDENTIAL_SCOPE.exec(request.query)?.[1]
  return undefined
}

function formOrQueryParameter(request: HttpRequest, name: string): string | undefined {
  const fromQuery = request.query.includes(name) ? parseQueryString(request.query).get(name)?.[0] : undefined
  if (fromQuery !== undefined) return fromQuery
  const type = request.headers['content-type'] ?? ''
  if (request.method !== 'POST' || !type.startsWith('application/x-www-form-urlencoded')) return undefined
  return parseQueryString(request.body.toString('utf8')).get(name)?.[0]
}

// Each protocol's own answer for an operation the service does not have.
function unknownOperation(binding: ServiceBinding, request: HttpRequest): AwsError {
  const { protocol, apiVersion } = binding.model.metadata
  if (protocol === 'query' || protocol === 'ec2') {
    const action = formOrQueryParameter(request, 'Action')
    return new InvalidActionError(`Could not find operation ${action ?? ''} for version ${apiVersion}`)
  }
  if (protocol === 'rest-xml') {
    return new AwsError('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.')
  }
  return new UnknownOperationError()
}
