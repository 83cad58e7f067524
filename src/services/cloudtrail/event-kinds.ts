// What kind of event a call is: its eventSource, whether it is read-only, a data or a management event, and the
// resources it names — AWS's classifications, kept in one place.
import type { ServiceModel } from '../../model/types.js'

/** Event sources whose host differs from the model's name (`access-analyzer.amazonaws.com`). */
const EVENT_SOURCES: Readonly<Record<string, string>> = {
  accessanalyzer: 'access-analyzer.amazonaws.com',
}

export function eventSource(service: string | undefined, model: ServiceModel | undefined): string {
  if (service === undefined) return 'unknown.amazonaws.com'
  return EVENT_SOURCES[service] ?? `${model?.metadata.endpointPrefix ?? service}.amazonaws.com`
}

/**
 * KMS's cryptographic operations change nothing and AWS records them `readOnly: true`, though their names do not
 * say so; STS hands out credentials without changing anything either.
 */
const READ_ONLY: Readonly<Record<string, ReadonlySet<string>>> = {
  kms: new Set([
    'Encrypt', 'Decrypt', 'ReEncrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair',
    'GenerateDataKeyPairWithoutPlaintext', 'GenerateRandom', 'GenerateMac', 'VerifyMac', 'Sign', 'Verify', 'DeriveSharedSecret',
  ]),
  sts: new Set([
    'AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetSessionToken', 'GetFederationToken', 'GetCallerIdentity',
    'GetAccessKeyInfo', 'DecodeAuthorizationMessage', 'AssumeRoot',
  ]),
}

export function isReadOnlyEvent(service: string | undefined, operation: string | undefined, pipelineSays: boolean): boolean {
  if (service !== undefined && operation !== undefined && READ_ONLY[service]?.has(operation)) return true
  return pipelineSays
}

/**
 * S3's object-level operations are data events (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html);
 * everything else, KMS's cryptographic operations included, is a management event.
 */
const DATA_EVENTS: Readonly<Record<string, ReadonlySet<string>>> = {
  s3: new Set([
    'GetObject', 'PutObject', 'DeleteObject', 'DeleteObjects', 'HeadObject', 'CopyObject', 'GetObjectAcl', 'PutObjectAcl',
    'GetObjectTagging', 'PutObjectTagging', 'DeleteObjectTagging', 'GetObjectAttributes', 'GetObjectRetention',
    'PutObjectRetention', 'GetObjectLegalHold', 'PutObjectLegalHold', 'GetObjectTorrent', 'RestoreObject',
    'SelectObjectContent', 'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload',
    'AbortMultipartUpload', 'ListParts', 'ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListMultipartUploads',
  ]),
}

export function isDataEvent(service: string | undefined, operation: string | undefined): boolean {
  return service !== undefined && operation !== undefined && (DATA_EVENTS[service]?.has(operation) ?? false)
}

/**
 * Calls whose responses AWS does not record: anything read-only ("If an action does not change state … this element
 * is omitted", https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html),
 * and KMS's cryptographic calls, whose outputs are plaintexts and ciphertexts.
 */
export function recordsResponse(service: string | undefined, operation: string | undefined, readOnly: boolean): boolean {
  return !readOnly && !(service === 'kms' && operation !== undefined && READ_ONLY.kms!.has(operation))
}

/**
 * Resources a call's output names that its authorization could not (the key CreateKey made): AWS lists them in the
 * record's resources too.
 */
export function outputResources(service: string | undefined, operation: string | undefined, output: unknown): string[] {
  if (service === 'kms' && operation === 'CreateKey') {
    const arn = (output as { KeyMetadata?: { Arn?: unknown } } | undefined)?.KeyMetadata?.Arn
    return typeof arn === 'string' ? [arn] : []
  }
  return []
}

export interface EventResource {
  readonly ARN: string
  readonly accountId?: string
  readonly type: string
}

/** IAM resource types by the ARN's resource prefix. */
const IAM_TYPES: Readonly<Record<string, string>> = {
  user: 'AWS::IAM::User', role: 'AWS::IAM::Role', group: 'AWS::IAM::Group', policy: 'AWS::IAM::Policy',
  'instance-profile': 'AWS::IAM::InstanceProfile', mfa: 'AWS::IAM::MFADevice', 'oidc-provider': 'AWS::IAM::OIDCProvider',
  'saml-provider': 'AWS::IAM::SAMLProvider', 'server-certificate': 'AWS::IAM::ServerCertificate',
}

const resources = new Map<string, EventResource | undefined>()
/** Resources remembered: the same few ARNs come back call after call; bounded so odd inputs cannot grow it. */
const REMEMBERED_RESOURCES = 10_000

/** The resource an ARN names, in the record's `resources` form; undefined for `*` and wildcards. */
export function eventResource(arn: string): EventResource | undefined {
  if (resources.has(arn)) return resources.get(arn)
  const resource = parseResource(arn)
  if (resources.size >= REMEMBERED_RESOURCES) resources.clear()
  resources.set(arn, resource)
  return resource
}

function parseResource(arn: string): EventResource | undefined {
  if (!arn.startsWith('arn:') || arn.includes('*')) return undefined
  const parts = arn.split(':')
  if (parts.length < 6) return undefined
  const [, , service, , account] = parts
  const resource = parts.slice(5).join(':')
  const kind = resource.split(/[/:]/)[0]!
  const accountId = /^\d{12}$/.test(account!) ? account : undefined
  let type: string | undefined
  if (service === 'iam') type = IAM_TYPES[kind]
  else if (service === 'kms') type = kind === 'key' ? 'AWS::KMS::Key' : kind === 'alias' ? 'AWS::KMS::Alias' : undefined
  else if (service === 's3') type = resource.includes('/') ? 'AWS::S3::Object' : 'AWS::S3::Bucket'
  else if (service === 'cloudtrail') type = kind === 'trail' ? 'AWS::CloudTrail::Trail' : undefined
  else if (service === 'sts') type = undefined
  type ??= `AWS::${capitalize(service!)}::${kind.split('-').map(capitalize).join('')}`
  return { ARN: arn, ...(accountId !== undefined && { accountId }), type }
}

/**
 * LookupEvents' ResourceName for a resource: IAM entities and S3 buckets by name, everything else (KMS keys) by ARN,
 * as the event history shows them.
 */
export function lookupResourceName(resource: EventResource): string {
  if (resource.type.startsWith('AWS::IAM::') || resource.type === 'AWS::S3::Bucket') {
    const name = resource.ARN.slice(resource.ARN.lastIndexOf(resource.type === 'AWS::S3::Bucket' ? ':' : '/') + 1)
    return name
  }
  return resource.ARN
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
