// Encoded authorization messages: the details of a denied call (EC2's UnauthorizedOperation) as AWS's DecodedMessage
// JSON, sealed under a key derived from the root key so that no client can read or forge one; only
// sts:DecodeAuthorizationMessage on this server opens it (https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html).
import { hkdfSync } from 'node:crypto'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { secretBox } from '../../crypto/secret-box.js'
import { InvalidAuthorizationMessageException } from '../../generated/sts/errors.js'
import type { ContextValue, Decision } from '../../policy/index.js'

/**
 * What the authorization stage knows of a denial. The stage (src/authz) declares the same shape for the sealer it is
 * given; services do not import authz, so the two meet structurally in the composition root.
 */
export interface AuthorizationDetails {
  /** The account the call was made in: a message opens only for a caller of that account. */
  readonly accountId: string
  readonly principal: { readonly id: string; readonly arn: string }
  readonly action: string
  readonly resource: string
  readonly decision: Decision
  readonly context: Readonly<Record<string, ContextValue>>
}

export interface AuthorizationMessages {
  /** The services whose denials carry an encoded message, by the action prefix: EC2 (`ec2`). */
  readonly services: ReadonlySet<string>
  encode(details: AuthorizationDetails): string
  /** The DecodedMessage JSON; InvalidAuthorizationMessageException for a blob this server did not make for the account. */
  decode(accountId: string, encoded: string): string
}

// Only EC2 answers denials with an encoded message among the services Palisade speaks
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html, UnauthorizedOperation).
const ENCODING_SERVICES: ReadonlySet<string> = new Set(['ec2'])

// Key separation: session secrets at rest and messages handed to clients never share a key.
const KEY_INFO = 'palisade sts encoded authorization message v1'

// DecodeAuthorizationMessage's EncodedMessage is at most 10240 characters (STS API reference).
const MAX_ENCODED_LENGTH = 10240

// The real service does not document its wording; this is what it answers for a message it cannot open.
const INVALID_MESSAGE = 'Message is not valid'

export function encodedAuthorizationMessages(rootKey: Buffer): AuthorizationMessages {
  const box = secretBox(Buffer.from(hkdfSync('sha256', rootKey, Buffer.alloc(0), KEY_INFO, 32)))
  return {
    services: ENCODING_SERVICES,
    encode(details) {
      const full = JSON.stringify(decodedMessage(details))
      const sealed = seal(full)
      // A context too large to hand back keeps the decision and drops the condition keys rather than fail the denial.
      return sealed.length <= MAX_ENCODED_LENGTH ? sealed : seal(JSON.stringify(decodedMessage({ ...details, context: {} })))

      function seal(json: string): string {
        return box.seal(deflateRawSync(json), messageContext(details.accountId))
      }
    },
    decode(accountId, encoded) {
      try {
        return inflateRawSync(box.open(encoded.trim(), messageContext(accountId))).toString('utf8')
      } catch {
        throw new InvalidAuthorizationMessageException(INVALID_MESSAGE)
      }
    },
  }
}

/** Binds a message to its account: a blob from another account fails authentication like a forged one. */
function messageContext(accountId: string): string {
  return `sts:DecodeAuthorizationMessage:${accountId}`
}

/**
 * AWS's DecodedMessage: `allowed`, `explicitDeny`, `matchedStatements`, `failures` and the request `context` (principal,
 * action, resource, condition keys), lists as `{ items: [...] }` (the example in
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/sts_example_sts_DecodeAuthorizationMessage_section.html).
 * Each matched statement also names its policy and position, which Palisade knows and AWS's principals/actions
 * lists would only repeat.
 */
function decodedMessage({ principal, action, resource, decision, context }: AuthorizationDetails) {
  return {
    allowed: decision.effect === 'Allow',
    explicitDeny: decision.effect === 'ExplicitDeny',
    matchedStatements: {
      items: decision.matched.map((statement) => ({
        statementId: statement.sid ?? '',
        effect: statement.effect.toUpperCase(),
        policyId: statement.policyId,
        policyType: statement.policyType,
        statementIndex: statement.statementIndex,
      })),
    },
    failures: {
      items: decision.errors.map((error) => ({
        policyId: error.statement.policyId,
        statementIndex: error.statement.statementIndex,
        message: error.message,
      })),
    },
    context: {
      principal: { id: principal.id, arn: principal.arn },
      action,
      resource,
      conditions: {
        items: Object.entries(context).map(([key, value]) => ({
          key,
          values: { items: (typeof value === 'string' ? [value] : value).map((one) => ({ value: one })) },
        })),
      },
    },
  }
}
