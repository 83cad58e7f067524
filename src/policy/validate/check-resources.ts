// Resource checks: each ARN is well formed and fits one of its service's resource types.
import { type CheckContext, type LocatedString, at } from './policy-document.js'
import type { CatalogResourceType } from './iam-catalog.js'
import { wildcardCovers } from './wildcard.js'

const partitions = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'])

export function checkResources(context: CheckContext): void {
  for (const statement of context.statements) {
    const resources = statement.resources
    if (!resources) continue
    for (const resource of resources.values) checkResource(context, resource)
    resources.values.forEach((resource, index) => {
      const coveredBy = resources.values.find((other, otherIndex) => otherIndex !== index && wildcardCovers(other.value, resource.value, false) && (!wildcardCovers(resource.value, other.value, false) || otherIndex < index))
      if (coveredBy) {
        context.report('SUGGESTION', 'REDUNDANT_RESOURCE', `The resource ARN ${resource.value} is redundant because ${coveredBy.value} in the same statement covers it. Remove it.`, [at(resource.path, resource.span)])
      }
    })
  }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
function checkResource(context: CheckContext, resource: LocatedString): void {
  const where = [at(resource.path, resource.span)]
  const text = resource.value
  if (text === '*') return
  if (!text.startsWith('arn:')) {
    context.report('ERROR', 'INVALID_ARN_PREFIX', 'Add the required prefix (arn) to the resource ARN.', where)
    return
  }
  const fields = text.split(':')
  if (fields.length < 6) {
    context.report('ERROR', 'MISSING_ARN_FIELD', 'The resource ARN is not valid: it must have six fields, arn:partition:service:region:account:resource.', where)
    return
  }
  const [, partition = '', service = '', region = '', account = ''] = fields
  const resourcePart = fields.slice(5).join(':')
  if (!isOpen(partition) && !partitions.has(partition)) {
    context.report('ERROR', 'INVALID_PARTITION', `The resource ARN for the service ${service} does not support the partition ${partition}. Update the partition.`, where)
  }
  if (isOpen(service)) return
  if (service !== service.toLowerCase()) {
    context.report('ERROR', 'INVALID_ARN_SERVICE_CASE', `Update the service name ${service} in the resource ARN to use all lowercase letters.`, where)
    return
  }
  const catalogService = context.catalog.service(service)
  if (!catalogService) {
    context.report('ERROR', 'INVALID_SERVICE', `The service ${service} does not exist.`, where)
    return
  }
  if (!isOpen(region) && region !== '' && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    context.report('ERROR', 'INVALID_ARN_REGION', `The Region ${region} in the resource ARN is not valid.`, where)
  }
  if (!isOpen(account) && account !== '' && !/^(\d{12}|aws)$/.test(account)) {
    context.report('ERROR', 'INVALID_ARN_ACCOUNT', `The account ID ${account} in the resource ARN is not valid: use a 12-digit account ID.`, where)
  }
  const types = [...catalogService.resourceTypes.values()]
  if (types.length === 0) return
  // A pattern with wildcards or policy variables can stand for many resource types, so only literal ARNs pick their type.
  const literal = !/[*?]|\$\{/.test(resourcePart)
  const candidates = types.map(arnLayout).filter((layout) => !literal || layout.resource.test(resourcePart))
  if (candidates.length === 0) {
    context.report('ERROR', 'INVALID_ARN_RESOURCE', `The resource ARN does not match the format of any ${service} resource type: ${types.map((type) => type.key).join(', ')}.`, where)
    return
  }
  if (region !== '' && !isOpen(region) && candidates.every((layout) => layout.region === '')) {
    context.report('ERROR', 'ARN_REGION_NOT_ALLOWED', `The service ${service} does not support specifying a Region in the resource ARN.`, where)
  } else if (region === '' && candidates.every((layout) => layout.region !== '')) {
    context.report('ERROR', 'MISSING_ARN_REGION', `Add a Region to the ${service} resource ARN.`, where)
  }
  if (account !== '' && !isOpen(account) && candidates.every((layout) => layout.account === '')) {
    context.report('ERROR', 'ARN_ACCOUNT_NOT_ALLOWED', `The service ${service} does not support specifying an account ID in the resource ARN.`, where)
  }
}

function isOpen(field: string): boolean {
  return field.includes('*') || field.includes('?') || field.includes('${')
}

interface ArnLayout {
  readonly region: string
  readonly account: string
  readonly resource: RegExp
}

const layouts = new WeakMap<CatalogResourceType, ArnLayout>()

/** The region and account fields of a resource type's ARN format and a matcher for its resource part (cached per type). */
function arnLayout(type: CatalogResourceType): ArnLayout {
  let layout = layouts.get(type)
  if (!layout) {
    layout = buildArnLayout(type)
    layouts.set(type, layout)
  }
  return layout
}

function buildArnLayout(type: CatalogResourceType): ArnLayout {
  const fields = type.arn.split(':')
  const resource = fields.slice(5).join(':')
  const body = resource.split(/(\$\{[^}]+\})/).map((part) => (part.startsWith('${') ? '.+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')
  return { region: fields[3] ?? '', account: fields[4] ?? '', resource: new RegExp(`^${body}$`, 's') }
}
