// AwsError: the one error type that reaches the wire; codecs serialize it in their protocol's shape.

export type Fault = 'client' | 'server'

export interface AwsErrorOptions {
  /** Query/XML `<Type>Sender|Receiver</Type>`; defaults to 'client' for 4xx and 'server' for 5xx. */
  readonly fault?: Fault
  /** The code JSON protocols use where it differs from the query/XML one (AccessDenied → AccessDeniedException). */
  readonly jsonCode?: string
  /** The status the awsJson protocols answer with where it differs (AccessDeniedException is 400 there). */
  readonly jsonStatus?: number
  /** Extra modelled members of the error shape, serialized beside Code and Message (e.g. S3's BucketName). */
  readonly fields?: Readonly<Record<string, unknown>>
  /** Extra response headers (e.g. S3's x-amz-bucket-region). */
  readonly headers?: Readonly<Record<string, string>>
}

export class AwsError extends Error {
  readonly fault: Fault
  readonly jsonCode: string
  readonly jsonStatus: number
  readonly fields: Readonly<Record<string, unknown>>
  readonly headers: Readonly<Record<string, string>>

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    options: AwsErrorOptions = {},
  ) {
    super(message)
    this.name = code
    this.fault = options.fault ?? (status >= 500 ? 'server' : 'client')
    this.jsonCode = options.jsonCode ?? code
    this.jsonStatus = options.jsonStatus ?? status
    this.fields = options.fields ?? {}
    this.headers = options.headers ?? {}
  }
}

export function isAwsError(value: unknown): value is AwsError {
  return value instanceof AwsError
}
