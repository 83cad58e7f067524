// matchRestOperation: which operation a REST request names, from its method, raw path and query string.
import { parseQueryString, type HttpRequest } from '../../core/http.js'
import type { OperationModel, ServiceModel } from '../../model/types.js'
import { resolveStructure } from './model-shapes.js'
import { matchesTemplateQuery, matchUriPath, templateOf, type RawLabels, type UriTemplate } from './uri-template.js'

export interface RestMatch {
  readonly operation: OperationModel
  /** Label text as matched in the raw path, still percent-encoded (decode once, with the input). */
  readonly labels: RawLabels
}

/**
 * Picks the most specific operation whose method, path and literal query parts fit the request. S3 puts many
 * operations on one path and tells them apart by query keys (`/{Bucket}?tagging`) or by required query and
 * header members (UploadPart needs `partNumber` and `uploadId`, CopyObject needs `x-amz-copy-source`), so:
 * 1. an operation whose required query/header members are all present beats one missing some;
 * 2. then more literal query parts plus required query/header members present wins;
 * 3. then more literal path characters (`/things/special` beats `/things/{id}`);
 * 4. then a non-deprecated operation beats a deprecated one, when the model marks them;
 * 5. then the one declared first.
 * `options.never` names operations a path can never select (S3's legacy GetBucketLifecycle shares
 * `GET /{Bucket}?lifecycle` with GetBucketLifecycleConfiguration, and the codec decides which one answers).
 */
export function matchRestOperation(
  request: HttpRequest,
  service: ServiceModel,
  options: { readonly never?: ReadonlySet<string> } = {},
): RestMatch | undefined {
  const query = parseQueryString(request.query)
  const method = request.method.toUpperCase()
  let best: { match: RestMatch; rank: readonly number[] } | undefined
  for (const route of compiledRoutes(service)) {
    if (route.method !== method || options.never?.has(route.operation.name)) continue
    const labels = matchUriPath(route.template, request.path)
    if (!labels || !matchesTemplateQuery(route.template, query)) continue
    const presentQuery = route.requiredQuery.filter((name) => query.has(name)).length
    const presentHeaders = route.requiredHeaders.filter((name) => request.headers[name] !== undefined).length
    const complete = presentQuery === route.requiredQuery.length && presentHeaders === route.requiredHeaders.length
    const rank = [
      complete ? 1 : 0,
      route.template.query.length + presentQuery + presentHeaders,
      route.template.literalLength,
      route.deprecated ? 0 : 1,
      -route.order,
    ]
    if (!best || isGreater(rank, best.rank)) best = { match: { operation: route.operation, labels }, rank }
  }
  return best?.match
}

interface CompiledRoute {
  readonly operation: OperationModel
  readonly method: string
  readonly template: UriTemplate
  readonly requiredQuery: readonly string[]
  /** Lower-case, as HttpRequest holds header names. */
  readonly requiredHeaders: readonly string[]
  readonly deprecated: boolean
  readonly order: number
}

const compiled = new WeakMap<ServiceModel, readonly CompiledRoute[]>()

function compiledRoutes(service: ServiceModel): readonly CompiledRoute[] {
  let routes = compiled.get(service)
  if (!routes) {
    routes = Object.values(service.operations).map((operation, order) => compileRoute(service, operation, order))
    compiled.set(service, routes)
  }
  return routes
}

function compileRoute(service: ServiceModel, operation: OperationModel, order: number): CompiledRoute {
  const requiredQuery: string[] = []
  const requiredHeaders: string[] = []
  if (operation.input) {
    const input = resolveStructure(service, operation.input)
    for (const name of input.required ?? []) {
      const member = input.members[name]
      if (member?.location === 'querystring') requiredQuery.push(member.locationName ?? name)
      if (member?.location === 'header') requiredHeaders.push((member.locationName ?? name).toLowerCase())
    }
  }
  return {
    operation,
    method: operation.http.method.toUpperCase(),
    template: templateOf(operation),
    requiredQuery,
    requiredHeaders,
    // The compact model type has no `deprecated` on operations; honour it when the generated model keeps it.
    deprecated: (operation as { readonly deprecated?: boolean }).deprecated === true,
    order,
  }
}

function isGreater(left: readonly number[], right: readonly number[]): boolean {
  for (let i = 0; i < left.length; i++) {
    if (left[i]! !== right[i]!) return left[i]! > right[i]!
  }
  return false
}
