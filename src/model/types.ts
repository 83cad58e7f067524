// The compact service model: what the runtime needs of AWS's own API models (botocore/aws-sdk JSON shape
// format, documentation stripped). Written by `npm run codegen` into src/generated/<service>/model.ts.

export type Protocol = 'query' | 'ec2' | 'json' | 'rest-json' | 'rest-xml'

export interface ServiceModel {
  /** Our name for the service: the model file's prefix (`iam`, `sts`, `s3`, `cognito-idp`, …). */
  readonly name: string
  readonly metadata: ServiceMetadata
  readonly operations: Readonly<Record<string, OperationModel>>
  readonly shapes: Readonly<Record<string, Shape>>
}

export interface ServiceMetadata {
  readonly protocol: Protocol
  readonly apiVersion: string
  readonly endpointPrefix: string
  /** SigV4 service name in the credential scope (defaults to endpointPrefix in AWS's models). */
  readonly signingName: string
  readonly serviceId: string
  /** JSON protocols: '1.0' or '1.1'. */
  readonly jsonVersion?: string
  /** JSON protocols: X-Amz-Target is `${targetPrefix}.${operation}`. */
  readonly targetPrefix?: string
  readonly xmlNamespace?: string
  readonly globalEndpoint?: string
}

export interface OperationModel {
  readonly name: string
  readonly http: { readonly method: string; readonly requestUri: string; readonly responseCode?: number }
  readonly input?: ShapeRef
  readonly output?: ShapeRef & { readonly resultWrapper?: string }
  /** Names of the error shapes the operation declares. */
  readonly errors?: readonly string[]
  /** 'none' for operations AWS accepts unsigned (e.g. sts:AssumeRoleWithWebIdentity). */
  readonly authtype?: string
  readonly httpChecksumRequired?: boolean
}

/** A reference to a named shape, with the traits that belong to the reference (botocore's member form). */
export interface ShapeRef {
  readonly shape: string
  readonly location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode'
  readonly locationName?: string
  /** EC2 protocol: the query name to use instead of the capitalized locationName. */
  readonly queryName?: string
  readonly xmlNamespace?: { readonly prefix?: string; readonly uri: string }
  readonly xmlAttribute?: boolean
  readonly flattened?: boolean
  readonly timestampFormat?: TimestampFormat
  readonly idempotencyToken?: boolean
  readonly jsonvalue?: boolean
  readonly hostLabel?: boolean
  readonly streaming?: boolean
  readonly deprecated?: boolean
}

export type TimestampFormat = 'iso8601' | 'rfc822' | 'unixTimestamp'

export type Shape =
  | StructureShape
  | ListShape
  | MapShape
  | StringShape
  | NumberShape
  | BooleanShape
  | TimestampShape
  | BlobShape

interface ShapeBase {
  readonly sensitive?: boolean
  readonly documentation?: never
}

export interface StructureShape extends ShapeBase {
  readonly type: 'structure'
  readonly members: Readonly<Record<string, ShapeRef>>
  readonly required?: readonly string[]
  /** REST protocols: the member that is the whole body. */
  readonly payload?: string
  /** XML protocols: the element name of the top-level shape. */
  readonly locationName?: string
  readonly xmlNamespace?: { readonly prefix?: string; readonly uri: string }
  /** Present on error shapes. */
  readonly exception?: boolean
  readonly error?: { readonly code?: string; readonly httpStatusCode?: number; readonly senderFault?: boolean }
  readonly fault?: boolean
  readonly union?: boolean
  readonly event?: boolean
  readonly eventstream?: boolean
}

export interface ListShape extends ShapeBase {
  readonly type: 'list'
  readonly member: ShapeRef
  readonly flattened?: boolean
  readonly min?: number
  readonly max?: number
}

export interface MapShape extends ShapeBase {
  readonly type: 'map'
  readonly key: ShapeRef
  readonly value: ShapeRef
  readonly flattened?: boolean
  readonly min?: number
  readonly max?: number
}

export interface StringShape extends ShapeBase {
  readonly type: 'string'
  readonly min?: number
  readonly max?: number
  readonly pattern?: string
  readonly enum?: readonly string[]
}

export interface NumberShape extends ShapeBase {
  readonly type: 'integer' | 'long' | 'float' | 'double' | 'bigdecimal'
  readonly min?: number
  readonly max?: number
  readonly box?: boolean
}

export interface BooleanShape extends ShapeBase {
  readonly type: 'boolean'
}

export interface TimestampShape extends ShapeBase {
  readonly type: 'timestamp'
  readonly timestampFormat?: TimestampFormat
}

export interface BlobShape extends ShapeBase {
  readonly type: 'blob'
  readonly min?: number
  readonly max?: number
  readonly streaming?: boolean
  readonly requiresLength?: boolean
}
