// PutEventSelectors' rules the model cannot express: 1–5 basic selectors and at most 250 data resources per trail,
// the data resource types and ARN forms basic selectors take, and advanced selectors' fields, with at most 500
// condition values in all (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html).
import { InvalidEventSelectorsException, InvalidParameterCombinationException } from '../../generated/cloudtrail/errors.js'
import type { AdvancedEventSelector, EventSelector } from '../../generated/cloudtrail/types.js'

const MAX_EVENT_SELECTORS = 5
const MAX_DATA_RESOURCES = 250
const MAX_ADVANCED_VALUES = 500
/** The types basic event selectors accept (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DataResource.html). */
const BASIC_DATA_TYPES = new Set(['AWS::S3::Object', 'AWS::Lambda::Function', 'AWS::DynamoDB::Table'])
const ADVANCED_FIELDS = new Set([
  'eventCategory', 'eventSource', 'eventName', 'eventType', 'readOnly', 'resources.type', 'resources.ARN',
  'sessionCredentialFromConsole', 'userIdentity.arn', 'errorCode', 'vpcEndpointId',
])
const MANAGEMENT_FIELDS = new Set(['eventCategory', 'readOnly', 'eventSource'])

export function checkSelectorChoice(eventSelectors: unknown, advancedEventSelectors: unknown): void {
  if (eventSelectors !== undefined && advancedEventSelectors !== undefined) {
    throw new InvalidParameterCombinationException('You cannot specify both EventSelectors and AdvancedEventSelectors in the same request.')
  }
  if (eventSelectors === undefined && advancedEventSelectors === undefined) {
    throw new InvalidParameterCombinationException('You must specify either EventSelectors or AdvancedEventSelectors.')
  }
}

export function checkEventSelectors(selectors: readonly EventSelector[]): void {
  if (selectors.length < 1 || selectors.length > MAX_EVENT_SELECTORS) {
    throw new InvalidEventSelectorsException(`A trail can have 1 to ${MAX_EVENT_SELECTORS} event selectors; ${selectors.length} were specified.`)
  }
  let dataResources = 0
  for (const selector of selectors) {
    for (const resource of selector.DataResources ?? []) {
      if (resource.Type === undefined || !BASIC_DATA_TYPES.has(resource.Type)) {
        throw new InvalidEventSelectorsException(`Value ${resource.Type ?? 'null'} for parameter DataResources.Type is invalid.`)
      }
      for (const value of resource.Values ?? []) {
        if (!dataResourceValueValid(resource.Type, value)) throw new InvalidEventSelectorsException(`Value ${value} for parameter DataResources.Values is invalid.`)
      }
      dataResources += (resource.Values ?? []).length
    }
  }
  if (dataResources > MAX_DATA_RESOURCES) {
    throw new InvalidEventSelectorsException(`A trail is limited to ${MAX_DATA_RESOURCES} data resources; ${dataResources} were specified.`)
  }
}

export function checkAdvancedEventSelectors(selectors: readonly AdvancedEventSelector[]): void {
  if (selectors.length === 0) throw new InvalidEventSelectorsException('Specify at least one advanced event selector.')
  let values = 0
  for (const selector of selectors) {
    const category = selector.FieldSelectors.find((field) => field.Field === 'eventCategory')
    if (!category || category.Equals?.length !== 1) {
      throw new InvalidEventSelectorsException('Each advanced event selector must have an eventCategory field selector with a single Equals value.')
    }
    const management = category.Equals[0] === 'Management'
    for (const field of selector.FieldSelectors) {
      if (!ADVANCED_FIELDS.has(field.Field)) throw new InvalidEventSelectorsException(`Field ${field.Field} is not a valid field for advanced event selectors.`)
      if (management && !MANAGEMENT_FIELDS.has(field.Field)) {
        throw new InvalidEventSelectorsException(`Field ${field.Field} is not supported for management event selectors.`)
      }
      const conditions = [field.Equals, field.StartsWith, field.EndsWith, field.NotEquals, field.NotStartsWith, field.NotEndsWith]
      if (conditions.every((list) => list === undefined || list.length === 0)) {
        throw new InvalidEventSelectorsException(`Field selector ${field.Field} must have at least one condition.`)
      }
      if (field.Field === 'readOnly' && [...(field.Equals ?? []), ...(field.NotEquals ?? [])].some((value) => value !== 'true' && value !== 'false')) {
        throw new InvalidEventSelectorsException('The readOnly field only accepts the values true and false.')
      }
      values += conditions.reduce((sum, list) => sum + (list?.length ?? 0), 0)
    }
    if (!management && !selector.FieldSelectors.some((field) => field.Field === 'resources.type' && field.Equals?.length === 1)) {
      throw new InvalidEventSelectorsException('Data event selectors must have a resources.type field selector with a single Equals value.')
    }
  }
  if (values > MAX_ADVANCED_VALUES) {
    throw new InvalidEventSelectorsException(`A trail is limited to ${MAX_ADVANCED_VALUES} values for all conditions in all advanced event selectors; ${values} were specified.`)
  }
}

function dataResourceValueValid(type: string, value: string): boolean {
  const service = { 'AWS::S3::Object': 's3', 'AWS::Lambda::Function': 'lambda', 'AWS::DynamoDB::Table': 'dynamodb' }[type]
  if (new RegExp(`^arn:[a-z-]+:${service}(:::)?$`).test(value)) return true // every resource of the type
  if (type === 'AWS::S3::Object') return /^arn:[a-z-]+:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*$/.test(value)
  return new RegExp(`^arn:[a-z-]+:${service}:[a-z0-9-]+:\\d{12}:.+$`).test(value)
}
