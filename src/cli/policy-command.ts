// `palisade policy …`: validate a policy document (Access Analyzer-style findings) or simulate one request against policies.
import {
  type AuthorizationRequest,
  type ContextValue,
  type Decision,
  type PolicySourceSet,
  type RequestPrincipal,
  PolicySyntaxError,
  compilePolicySet,
  denialReason,
  evaluate,
} from '../policy/index.js'
import { type Finding, type ValidatedPolicyType, validatePolicy, validatedPolicyTypes } from '../policy/validate/index.js'

export interface PolicyCommandIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly readFile: (path: string) => Promise<string>
}

/**
 * Runs `palisade policy <args>` and returns the exit code: 0 on success (simulate: Allow), 1 when validation found an
 * ERROR or the simulated request is denied, 2 for a usage problem or a file that cannot be read or parsed.
 */
export async function policyCommand(args: string[], io: PolicyCommandIo): Promise<number> {
  const [subcommand, ...rest] = args
  if (subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
    io.stdout(policyHelp)
    return 0
  }
  try {
    if (subcommand === 'validate') return await validateCommand(parseFlags(rest, validateFlags), io)
    if (subcommand === 'simulate') return await simulateCommand(parseFlags(rest, simulateFlags), io)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr(`palisade policy ${subcommand}: ${error.message}\n\nRun \`palisade policy --help\` for usage.\n`)
    return 2
  }
  io.stderr(subcommand === undefined ? policyHelp : `palisade policy: unknown command \`${subcommand}\`\n\n${policyHelp}`)
  return 2
}

export const policyHelp = `Usage:
  palisade policy validate FILE [--type identity|resource|trust|boundary|scp|rcp] [--json]
      Checks a policy document the way IAM Access Analyzer's ValidatePolicy does and prints its findings
      (ERROR, SECURITY_WARNING, WARNING, SUGGESTION) with where they are. --type defaults to identity.
      Exit code 1 when there is any ERROR finding.

  palisade policy simulate --policy FILE [--policy FILE …] [--resource-policy FILE] [--boundary FILE]
                           --action ACTION --resource ARN [--principal ARN] [--context KEY=VALUE …] [--json]
      Evaluates one request against identity policies (--policy), a resource-based policy and a permissions
      boundary, and prints the decision and the statements that decided it. --principal is a user, role,
      assumed-role or root ARN (default arn:aws:iam::000000000000:user/simulated); repeat --context with the
      same key for a multivalued key. Exit code 0 for Allow, 1 for a deny.

  palisade policy --help
      Prints this help.
`

class UsageError extends Error {}

interface FlagSpec {
  readonly repeatable: ReadonlySet<string>
  readonly single: ReadonlySet<string>
  readonly switches: ReadonlySet<string>
  readonly positional: number
}

interface Flags {
  readonly positional: readonly string[]
  readonly values: ReadonlyMap<string, readonly string[]>
  readonly switches: ReadonlySet<string>
}

const validateFlags: FlagSpec = { repeatable: new Set(), single: new Set(['type']), switches: new Set(['json']), positional: 1 }
const simulateFlags: FlagSpec = {
  repeatable: new Set(['policy', 'context']),
  single: new Set(['resource-policy', 'boundary', 'action', 'resource', 'principal']),
  switches: new Set(['json']),
  positional: 0,
}

function parseFlags(args: readonly string[], spec: FlagSpec): Flags {
  const positional: string[] = []
  const values = new Map<string, string[]>()
  const switches = new Set<string>()
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string
    if (!arg.startsWith('--')) {
      positional.push(arg)
      continue
    }
    const [name, inline] = splitOnce(arg.slice(2), '=')
    if (spec.switches.has(name) && inline === undefined) {
      switches.add(name)
      continue
    }
    if (!spec.repeatable.has(name) && !spec.single.has(name)) throw new UsageError(`unknown option \`--${name}\``)
    const value = inline ?? args[++index]
    if (value === undefined) throw new UsageError(`\`--${name}\` needs a value`)
    const list = values.get(name) ?? []
    if (spec.single.has(name) && list.length > 0) throw new UsageError(`\`--${name}\` can be given only once`)
    values.set(name, [...list, value])
  }
  if (positional.length !== spec.positional) {
    throw new UsageError(spec.positional === 0 ? `unexpected argument \`${positional[0]}\`` : 'expects exactly one policy FILE')
  }
  return { positional, values, switches }
}

async function validateCommand(flags: Flags, io: PolicyCommandIo): Promise<number> {
  const file = flags.positional[0] as string
  const type = flags.values.get('type')?.[0] ?? 'identity'
  if (!validatedPolicyTypes.includes(type as ValidatedPolicyType)) {
    throw new UsageError(`unknown policy type \`${type}\`; use one of ${validatedPolicyTypes.join(', ')}`)
  }
  const text = await readPolicyFile(file, io)
  const findings = validatePolicy(text, { policyType: type as ValidatedPolicyType })
  if (flags.switches.has('json')) io.stdout(`${JSON.stringify({ findings }, null, 2)}\n`)
  else io.stdout(findings.length === 0 ? `${file}: no findings\n` : findings.map((item) => `${file}:${formatFinding(item)}\n`).join(''))
  return findings.some((item) => item.findingType === 'ERROR') ? 1 : 0
}

function formatFinding(finding: Finding): string {
  const location = finding.locations[0]
  const where = location ? `${location.span.start.line}:${location.span.start.column + 1}` : '1:1'
  const path = location?.path ? ` ${location.path}` : ''
  return `${where} ${finding.findingType} ${finding.issueCode}${path}: ${finding.findingDetails}`
}

async function simulateCommand(flags: Flags, io: PolicyCommandIo): Promise<number> {
  const action = flags.values.get('action')?.[0]
  const resource = flags.values.get('resource')?.[0]
  if (!action) throw new UsageError('`--action` is required')
  if (!resource) throw new UsageError('`--resource` is required')
  const identityFiles = flags.values.get('policy') ?? []
  if (identityFiles.length === 0 && !flags.values.has('resource-policy')) throw new UsageError('give at least one `--policy` or a `--resource-policy`')
  const principal = principalFromArn(flags.values.get('principal')?.[0] ?? 'arn:aws:iam::000000000000:user/simulated')
  const context = parseContext(flags.values.get('context') ?? [])
  const resourceFile = flags.values.get('resource-policy')?.[0]
  const boundaryFile = flags.values.get('boundary')?.[0]

  const sources: PolicySourceSet = {
    identity: await Promise.all(identityFiles.map(async (file) => ({ id: file, document: await readPolicyFile(file, io) }))),
    ...(resourceFile !== undefined && { resource: [{ id: resourceFile, document: await readPolicyFile(resourceFile, io) }] }),
    ...(boundaryFile !== undefined && { boundary: { id: boundaryFile, document: await readPolicyFile(boundaryFile, io) } }),
  }
  let policies
  try {
    policies = compilePolicySet(sources)
  } catch (error) {
    if (!(error instanceof PolicySyntaxError)) throw error
    throw new UsageError(`MalformedPolicyDocument: ${error.message}${error.path ? ` (at ${error.path})` : ''}`)
  }
  const request: AuthorizationRequest = { principal, action, resource, ...(Object.keys(context).length > 0 && { context }) }
  const decision = evaluate(request, policies)
  io.stdout(flags.switches.has('json') ? `${JSON.stringify(decisionReport(decision, action), null, 2)}\n` : formatDecision(decision, action))
  return decision.effect === 'Allow' ? 0 : 1
}

function decisionReport(decision: Decision, action: string) {
  const reason = denialReason(decision, action)
  return {
    decision: decision.effect,
    ...(decision.denial && { denial: decision.denial }),
    ...(reason !== undefined && { reason }),
    matchedStatements: decision.matched,
    missingContextKeys: decision.missingContextKeys,
    errors: decision.errors,
  }
}

function formatDecision(decision: Decision, action: string): string {
  const reason = denialReason(decision, action)
  const lines = [`Decision: ${decision.effect}${reason ? ` (${reason})` : ''}`]
  if (decision.matched.length > 0) {
    lines.push('Deciding statements:')
    for (const ref of decision.matched) {
      lines.push(`  ${ref.effect} ${ref.policyType} policy ${ref.policyId} Statement[${ref.statementIndex}]${ref.sid ? ` (Sid ${ref.sid})` : ''}`)
    }
  }
  if (decision.missingContextKeys.length > 0) lines.push(`Missing context keys: ${decision.missingContextKeys.join(', ')}`)
  for (const error of decision.errors) lines.push(`Error in ${error.statement.policyId} Statement[${error.statement.statementIndex}]: ${error.message}`)
  return `${lines.join('\n')}\n`
}

/** The principal an ARN names: a user, a root user, a role (simulated as a session of it) or an assumed-role session. */
export function principalFromArn(arn: string): RequestPrincipal {
  const parts = arn.split(':')
  const accountId = parts[4] ?? ''
  const resource = parts.slice(5).join(':')
  if (parts.length < 6 || parts[0] !== 'arn' || !/^\d{12}$/.test(accountId)) {
    throw new UsageError(`\`--principal\` must be an IAM user, role, assumed-role or root ARN, got \`${arn}\``)
  }
  if (parts[2] === 'iam' && resource === 'root') return { type: 'Root', arn, accountId, userId: accountId }
  if (parts[2] === 'iam' && resource.startsWith('user/')) {
    return { type: 'IAMUser', arn, accountId, userId: `AIDA${resource.split('/').pop()?.toUpperCase()}` }
  }
  if (parts[2] === 'iam' && resource.startsWith('role/')) {
    const roleName = resource.split('/').pop() as string
    return assumedRole(`arn:${parts[1]}:sts::${accountId}:assumed-role/${roleName}/simulated`, accountId, arn, roleName, 'simulated')
  }
  if (parts[2] === 'sts' && resource.startsWith('assumed-role/')) {
    const [, roleName = '', sessionName = ''] = resource.split('/')
    return assumedRole(arn, accountId, `arn:${parts[1]}:iam::${accountId}:role/${roleName}`, roleName, sessionName)
  }
  throw new UsageError(`\`--principal\` must be an IAM user, role, assumed-role or root ARN, got \`${arn}\``)
}

function assumedRole(arn: string, accountId: string, issuerArn: string, roleName: string, sessionName: string): RequestPrincipal {
  // The role's path is not part of an assumed-role ARN; a role ARN given with a path keeps it in issuerArn.
  return { type: 'AssumedRole', arn, accountId, issuerArn, userId: `AROA${roleName.toUpperCase()}:${sessionName}` }
}

/** `key=value` pairs; a key given more than once becomes a multivalued key (e.g. aws:TagKeys). */
function parseContext(pairs: readonly string[]): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {}
  for (const pair of pairs) {
    const [key, value] = splitOnce(pair, '=')
    if (!key || value === undefined) throw new UsageError(`\`--context\` expects KEY=VALUE, got \`${pair}\``)
    const existing = context[key]
    context[key] = existing === undefined ? value : [...(typeof existing === 'string' ? [existing] : existing), value]
  }
  return context
}

async function readPolicyFile(path: string, io: PolicyCommandIo): Promise<string> {
  try {
    return await io.readFile(path)
  } catch (error) {
    throw new UsageError(`cannot read \`${path}\`: ${error instanceof Error ? error.message : String(error)}`)
  }
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator)
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)]
}
