// The CloudTrail record of a call, in AWS's format, eventVersion 1.09
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
import type { CallRecord, StartedCall } from '../../audit/audit-sink.js'
import type { ServiceModel } from '../../model/types.js'
import { eventResource, eventSource, isDataEvent, isReadOnlyEvent, outputResources, recordsResponse, type EventResource } from './event-kinds.js'
import { recordMembers, recordTime } from './record-members.js'
import { otherAccountIdentity, userIdentity, type FederatedCaller, type UserIdentity } from './user-identity.js'

export type CloudTrailRecord = {
  readonly eventVersion: '1.09'
  readonly userIdentity: UserIdentity
  readonly eventTime: string
  readonly eventSource: string
  readonly eventName: string
  readonly awsRegion: string
  readonly sourceIPAddress: string
  readonly userAgent: string
  readonly errorCode?: string
  readonly errorMessage?: string
  readonly requestParameters: Readonly<Record<string, unknown>> | null
  readonly responseElements: Readonly<Record<string, unknown>> | null
  readonly additionalEventData?: Readonly<Record<string, unknown>>
  /** Absent for console sign-ins, as in AWS's records. */
  readonly requestID?: string
  readonly eventID: string
  readonly readOnly: boolean
  readonly resources?: readonly EventResource[]
  readonly eventType: 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsServiceEvent'
  readonly managementEvent: boolean
  readonly recipientAccountId: string
  readonly sharedEventID?: string
  readonly eventCategory: 'Management' | 'Data'
  /** What an AWS service event (eventType AwsServiceEvent) did, in the service's own terms. */
  readonly serviceEventDetails?: Readonly<Record<string, unknown>>
  readonly tlsDetails?: { readonly tlsVersion?: string; readonly cipherSuite?: string; readonly clientProvidedHostHeader?: string }
}

export interface RecordContext {
  /** The service models, by our service name, for requestParameters and responseElements. */
  readonly models: Readonly<Record<string, ServiceModel>>
  /** The region's default account: where an unsigned call that names no account is recorded. */
  readonly defaultAccountId: string
  /**
   * The eventID of a record bound for `recipientAccountId`'s events in `region` (management or data): where records
   * are stored decides their ids, since a stored batch's ids share a prefix (event-store.ts).
   */
  readonly eventId: (recipientAccountId: string, region: string, management: boolean) => string
  /** A fresh UUID (sharedEventID). */
  readonly uuid: () => string
}

/**
 * The records of one call: one in the account that made it and, for a call into another account's resource
 * (a cross-account AssumeRole, a key shared by its key policy), a copy in that account; both carry one
 * sharedEventID, and the copy shows the caller as its account only.
 */
export function eventRecords(call: StartedCall & Partial<CallRecord>, context: RecordContext): CloudTrailRecord[] {
  const main = eventRecord(call, context)
  const other = otherAccount(call, main.recipientAccountId)
  if (other === undefined || !call.caller) return [main]
  const sharedEventID = context.uuid()
  return [
    { ...main, sharedEventID },
    {
      ...main,
      userIdentity: otherAccountIdentity(call.caller),
      eventID: context.eventId(other, main.awsRegion, main.managementEvent),
      recipientAccountId: other,
      sharedEventID,
    },
  ]
}

/**
 * The record of a call as the caller's account sees it. INVARIANT: sameRecordBesidesIds compares every call member
 * read here (and in eventRecords): a member added here must be added there.
 */
export function eventRecord(call: StartedCall & Partial<CallRecord>, context: RecordContext): CloudTrailRecord {
  const model = call.service === undefined ? undefined : context.models[call.service]
  const operation = call.operation === undefined || model === undefined ? undefined : model.operations[call.operation]
  const readOnly = isReadOnlyEvent(call.service, call.operation, call.readOnly)
  const data = isDataEvent(call.service, call.operation)
  const made = outputResources(call.service, call.operation, call.output)
  const resources = eventResources(made.length === 0 ? call.resources : [...(call.resources ?? []), ...made], call.resourceAccountId)
  const failed = call.errorCode !== undefined
  const federated = federatedCaller(call)
  const recipientAccountId = recipientAccount(call, resources, context.defaultAccountId)
  // Built field by field in AWS's order (no spreads): this runs for every call.
  const record: Record<string, unknown> = {
    eventVersion: '1.09',
    userIdentity: userIdentity(call.caller, federated),
    eventTime: recordTime(call.time),
    eventSource: eventSource(call.service, model),
    eventName: call.operation ?? 'Unknown',
    awsRegion: call.region,
    sourceIPAddress: call.sourceIp,
    userAgent: call.userAgent ?? '',
  }
  if (failed) {
    record.errorCode = call.errorCode
    record.errorMessage = call.errorMessage ?? ''
  }
  record.requestParameters = model === undefined ? null : recordMembers(model, operation?.input?.shape, call.input)
  record.responseElements = model === undefined || failed || !recordsResponse(call.service, call.operation, readOnly)
    ? null
    : recordMembers(model, operation?.output?.shape, call.output)
  record.requestID = call.requestId
  record.eventID = context.eventId(recipientAccountId, call.region, !data)
  record.readOnly = readOnly
  if (resources.length > 0) record.resources = resources
  record.eventType = 'AwsApiCall'
  record.managementEvent = !data
  record.recipientAccountId = recipientAccountId
  record.eventCategory = data ? 'Data' : 'Management'
  if (call.tls) record.tlsDetails = { tlsVersion: call.tls.version, cipherSuite: call.tls.cipherSuite, clientProvidedHostHeader: call.tls.hostHeader }
  return record as CloudTrailRecord
}

/**
 * Whether a call's record can be repeated by later calls' ids alone (sameRecordBesidesIds): not when it holds anything
 * from the call's output (its response, or a federation call's identity, named by its output).
 */
export function mayRepeat(call: CallRecord): boolean {
  if (call.errorCode === undefined && recordsResponse(call.service, call.operation, isReadOnlyEvent(call.service, call.operation, call.readOnly))) return false
  return !(call.service === 'sts' && (call.operation === 'AssumeRoleWithWebIdentity' || call.operation === 'AssumeRoleWithSAML'))
}

/**
 * Whether `call`'s record would be `previous`'s but for its request and event ids (same caller, call, address, outcome,
 * parameters and second), `previous` being one that mayRepeat: a caller repeating a call, where the recorder writes
 * the new ids beside the previous record instead of building the same record again. Everything mayRepeat reads is
 * compared here, so `call` may repeat too.
 */
export function sameRecordBesidesIds(previous: CallRecord, call: CallRecord): boolean {
  if (previous.caller !== call.caller || previous.service !== call.service || previous.operation !== call.operation
    || previous.region !== call.region || previous.sourceIp !== call.sourceIp || previous.userAgent !== call.userAgent
    || previous.readOnly !== call.readOnly || previous.errorCode !== call.errorCode || previous.errorMessage !== call.errorMessage
    || previous.resourceAccountId !== call.resourceAccountId || !sameTls(previous.tls, call.tls)
    || Math.floor(previous.time.getTime() / 1000) !== Math.floor(call.time.getTime() / 1000)) return false
  return sameStrings(previous.resources, call.resources) && samePrimitiveMembers(previous.input, call.input)
}

function sameTls(a: StartedCall['tls'], b: StartedCall['tls']): boolean {
  return a === b || (a !== undefined && b !== undefined && a.version === b.version && a.cipherSuite === b.cipherSuite && a.hostHeader === b.hostHeader)
}

function sameStrings(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true
  if (a === undefined || b === undefined || a.length !== b.length) return false
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false
  return true
}

/**
 * Inputs with the same members, all strings, numbers, booleans or null (no nested structure). Their order does not
 * matter: requestParameters list members in the model's order.
 */
function samePrimitiveMembers(a: Readonly<Record<string, unknown>> | undefined, b: Readonly<Record<string, unknown>> | undefined): boolean {
  if (a === b) return true
  if (a === undefined || b === undefined) return false
  let members = 0
  for (const key in a) {
    const value = a[key]
    if (value !== b[key] || (typeof value === 'object' && value !== null)) return false
    members++
  }
  for (const _ in b) members--
  return members === 0
}

/**
 * The resources of the ARNs a call named (`*` and wildcards name none); an S3 object brings its bucket, with the
 * bucket owner's account, as AWS's data events list them.
 */
function eventResources(arns: readonly string[] | undefined, ownerAccountId: string | undefined): EventResource[] {
  const out: EventResource[] = []
  for (const arn of arns ?? []) {
    const resource = eventResource(arn)
    if (!resource) continue
    out.push(resource)
    if (resource.type === 'AWS::S3::Object') {
      const bucketArn = arn.slice(0, arn.indexOf('/'))
      if (!(arns ?? []).includes(bucketArn)) {
        out.push({ ...(ownerAccountId !== undefined && { accountId: ownerAccountId }), type: 'AWS::S3::Bucket', ARN: bucketArn })
      }
    }
  }
  return out
}

/** The caller's account; for an unsigned call, the account of the resource it names (the role a web identity assumes). */
function recipientAccount(call: StartedCall, resources: readonly EventResource[], defaultAccountId: string): string {
  if (call.caller && call.caller.type !== 'Anonymous') return call.caller.accountId
  return call.resourceAccountId ?? resources.find((resource) => resource.accountId !== undefined)?.accountId ?? call.caller?.accountId ?? defaultAccountId
}

/** The resource owner's account when it is not the caller's (and the caller is signed): the cross-account copy's. */
function otherAccount(call: StartedCall, recipientAccountId: string): string | undefined {
  if (!call.caller || call.caller.type === 'Anonymous') return undefined
  let owner = call.resourceAccountId
  if (owner === undefined) {
    for (const arn of call.resources ?? []) {
      const account = eventResource(arn)?.accountId
      if (account !== undefined && account !== recipientAccountId) {
        owner = account
        break
      }
    }
  }
  return owner !== undefined && owner !== recipientAccountId && /^\d{12}$/.test(owner) ? owner : undefined
}

/**
 * Unsigned federation calls name their caller in what they return (AWS's WebIdentityUser and SAMLUser identities,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html#STS-API-SAML-WIF).
 */
function federatedCaller(call: StartedCall & Partial<CallRecord>): FederatedCaller | undefined {
  if (call.service !== 'sts') return undefined
  const output = (call.output ?? {}) as Record<string, unknown>
  if (call.operation === 'AssumeRoleWithWebIdentity') {
    const provider = String(output.Provider ?? tokenClaim(call.input?.WebIdentityToken, 'iss') ?? call.input?.ProviderId ?? '')
    const subject = String(output.SubjectFromWebIdentityToken ?? tokenClaim(call.input?.WebIdentityToken, 'sub') ?? '')
    const audience = String(output.Audience ?? tokenClaim(call.input?.WebIdentityToken, 'aud') ?? '')
    return { type: 'WebIdentityUser', principalId: `${provider}:${audience}:${subject}`, userName: subject, identityProvider: provider }
  }
  if (call.operation === 'AssumeRoleWithSAML') {
    const qualifier = String(output.NameQualifier ?? '')
    const subject = String(output.Subject ?? '')
    return { type: 'SAMLUser', principalId: `${qualifier}:${subject}`, userName: subject, identityProvider: qualifier }
  }
  return undefined
}

/** A claim of a JWT's payload, read without verifying it: only to name who tried a call that failed. */
function tokenClaim(token: unknown, claim: string): string | undefined {
  if (typeof token !== 'string') return undefined
  const payload = token.split('.')[1]
  if (payload === undefined) return undefined
  try {
    const value = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>)[claim]
    return typeof value === 'string' ? value.slice(0, 256) : Array.isArray(value) && typeof value[0] === 'string' ? value[0].slice(0, 256) : undefined
  } catch {
    return undefined
  }
}
