// Router: which service and operation a request names (credential scope, X-Amz-Target, Action/Version, S3 default).
import { AwsError } from '../core/aws-error.js'
import { MissingAuthenticationTokenError, UnknownOperationError } from '../core/common-errors.js'
import { parseQueryString, type HttpRequest } from '../core/http.js'
import type { OperationModel } from '../model/types.js'
import { bucketFromHost, toPathStyleRequest } from '../protocol/rest-xml/virtual-host.js'
import { credentialScope, type CredentialScopeNames } from './credential-scope.js'
import type { ServiceBinding } from './service-binding.js'

export interface Route {
  readonly binding: ServiceBinding
  readonly operation: OperationModel
  /** The request as the codec reads it: virtual-hosted S3 requests are rewritten path-style. */
  readonly request: HttpRequest
}

export interface Router {
  /** `scope` is the request's credential scope when the caller has already read it (the pipeline does, once). */
  resolve(request: HttpRequest, scope?: CredentialScopeNames): Route
  /** The service a request addresses, for answering in its protocol when `resolve` fails or is not reached. */
  serviceOf(request: HttpRequest, scope?: CredentialScopeNames): ServiceBinding | undefined
  /** The binding whose codec answers requests that could not be routed. */
  readonly fallback: ServiceBinding | undefined
}

export function createRouter(bindings: readonly ServiceBinding[]): Router {
  const bySigningName = new Map<string, ServiceBinding>()
  const byTargetPrefix = new Map<string, ServiceBinding>()
  const queryByVersion = new Map<string, ServiceBinding>()
  let s3: ServiceBinding | undefined
  let s3control: ServiceBinding | undefined
  for (const binding of bindings) {
    const { metadata } = binding.model
    // S3 Control signs as `s3` too: it is told apart by its path (below), never by the credential scope.
    if (binding.model.name === 's3control') {
      s3control = binding
      continue
    }
    bySigningName.set(metadata.signingName, binding)
    if (metadata.targetPrefix) {
      byTargetPrefix.set(metadata.targetPrefix, binding)
      // SDK v3 sends CloudTrail's dotted prefix by its last part alone (CloudTrail_20131101.LookupEvents).
      byTargetPrefix.set(metadata.targetPrefix.slice(metadata.targetPrefix.lastIndexOf('.') + 1), binding)
    }
    if (metadata.protocol === 'query' || metadata.protocol === 'ec2') queryByVersion.set(metadata.apiVersion, binding)
    if (binding.model.name === 's3') s3 = binding
  }
  const fallback = [...queryByVersion.values()][0] ?? bindings[0]

  return {
    fallback,
    resolve(original, scope = credentialScope(original)) {
      const binding = findService(original, scope)
      const bucket = binding === s3 ? bucketFromHost(original.headers['host']) : undefined
      const request = bucket === undefined ? original : toPathStyleRequest(original, bucket)
      const operation = binding.codec.matchOperation(request, binding.model)
      if (!operation) throw binding.codec.unknownOperation?.(request, binding.model) ?? unknownOperation(binding)
      return { binding, operation, request }
    },
    serviceOf(request, scope = credentialScope(request)) {
      try {
        return findService(request, scope)
      } catch {
        return fallback
      }
    },
  }

  function findService(request: HttpRequest, scope: CredentialScopeNames | undefined): ServiceBinding {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_PutPublicAccessBlock.html: every S3 Control path
    // starts with the API version and every request names its account (a bucket may be called v20180820).
    if (s3control && request.path.startsWith('/v20180820/') && request.headers['x-amz-account-id'] !== undefined && (scope === undefined || scope.service === 's3')) {
      return s3control
    }
    if (scope !== undefined) {
      const binding = bySigningName.get(scope.service)
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
    // A form POST is a query-protocol call even when its Version is missing or its body was not read (too large).
    if (fallback && isFormPost(request)) return fallback
    if (s3) return s3
    throw scope === undefined ? new MissingAuthenticationTokenError() : new UnknownOperationError(`unknown service \`${scope.service}\``)
  }
}

function formOrQueryParameter(request: HttpRequest, name: string): string | undefined {
  const fromQuery = request.query.includes(name) ? parseQueryString(request.query).get(name)?.[0] : undefined
  if (fromQuery !== undefined) return fromQuery
  if (!isFormPost(request)) return undefined
  return parseQueryString(request.body.toString('utf8')).get(name)?.[0]
}

function isFormPost(request: HttpRequest): boolean {
  return request.method === 'POST' && (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
}

// The default answer for codecs without their own: JSON protocols' UnknownOperationException, S3's 405.
function unknownOperation(binding: ServiceBinding): AwsError {
  if (binding.model.metadata.protocol === 'rest-xml') {
    return new AwsError('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.')
  }
  return new UnknownOperationError()
}
