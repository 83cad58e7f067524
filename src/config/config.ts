// Palisade's typed configuration: flags over PALISADE_* environment variables over defaults, read once at startup.
import { resolve } from 'node:path'

export type AuthMode = 'strict' | 'permissive'
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export interface PalisadeConfig {
  readonly host: string
  readonly port: number
  /** Where the SQLite file, the root key, object bodies and the first-start credentials live. */
  readonly dataDir: string
  /** `sqlite:<file>` (the default, in dataDir) or a `postgres://` URL. */
  readonly database: string
  readonly accountId: string
  readonly region: string
  readonly auth: AuthMode
  readonly logLevel: LogLevel
  /** Exposes POST /_palisade/reset; always on in permissive mode. */
  readonly allowReset: boolean
  /** Fixed root credentials for CI; both or neither. */
  readonly rootAccessKeyId?: string
  readonly rootSecretAccessKey?: string
  /** The key that encrypts secrets at rest: base64 or hex of 32 bytes, else read from rootKeyFile. */
  readonly rootKey?: string
  readonly rootKeyFile: string
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number
  /**
   * Web identity offline: per OIDC issuer URL, the absolute path of a local JWKS file or an http(s) URL of one,
   * used instead of the issuer's discovery document.
   */
  readonly oidcJwks: Readonly<Record<string, string>>
  /**
   * Serve HTTPS: with the operator's certificate and key files (absolute paths), or, when both are absent, with a
   * self-signed certificate generated at first start in the data directory. Undefined: plain HTTP.
   */
  readonly tls?: { readonly certFile?: string; readonly keyFile?: string }
}

export class ConfigError extends Error {}

/** One entry per option: the flag, its environment variable, what it means, and its default. */
export const OPTIONS = [
  { flag: 'host', env: 'PALISADE_HOST', value: 'ADDRESS', help: 'address to listen on', default: '127.0.0.1' },
  { flag: 'port', env: 'PALISADE_PORT', value: 'PORT', help: 'port to listen on (0 picks a free one)', default: '4566' },
  { flag: 'data-dir', env: 'PALISADE_DATA_DIR', value: 'DIR', help: 'data directory (SQLite file, root key, objects, first-start credentials)', default: './.palisade' },
  { flag: 'database', env: 'PALISADE_DATABASE', value: 'URL', help: 'postgres://user:pass@host:port/db for PostgreSQL; default: SQLite in the data directory', default: '' },
  { flag: 'account-id', env: 'PALISADE_ACCOUNT_ID', value: 'ID', help: 'the 12-digit ID of the default account', default: '000000000000' },
  { flag: 'region', env: 'PALISADE_REGION', value: 'REGION', help: 'the region Palisade reports and signs for', default: 'us-east-1' },
  { flag: 'auth', env: 'PALISADE_AUTH', value: 'MODE', help: 'strict: verify signatures and enforce policies; permissive: any well-formed signature is the root user, no enforcement', default: 'strict' },
  { flag: 'log-level', env: 'PALISADE_LOG_LEVEL', value: 'LEVEL', help: 'debug, info, warn, error or silent', default: 'info' },
  { flag: 'allow-reset', env: 'PALISADE_ALLOW_RESET', value: '', help: 'enable POST /_palisade/reset in strict mode (always on in permissive mode)', default: 'false' },
  { flag: 'root-access-key-id', env: 'PALISADE_ROOT_ACCESS_KEY_ID', value: 'AKID', help: 'fix the root access key ID (with the secret below) instead of generating one', default: '' },
  { flag: 'root-secret-access-key', env: 'PALISADE_ROOT_SECRET_ACCESS_KEY', value: 'SECRET', help: 'fix the root secret access key', default: '' },
  { flag: 'root-key', env: 'PALISADE_ROOT_KEY', value: 'KEY', help: 'the 32-byte key (base64 or hex) that encrypts secrets at rest', default: '' },
  { flag: 'root-key-file', env: 'PALISADE_ROOT_KEY_FILE', value: 'FILE', help: 'file holding the root key; created with mode 0600 on first start', default: '<data-dir>/root.key' },
  { flag: 'max-body-bytes', env: 'PALISADE_MAX_BODY_BYTES', value: 'BYTES', help: 'largest request body read into memory; S3 object uploads (PUT bodies) stream to disk and are limited by S3\'s 5 GiB instead', default: String(512 * 1024 * 1024) },
  { flag: 'tls', env: 'PALISADE_TLS', value: '', help: 'serve HTTPS with a self-signed certificate generated at first start in the data directory (tls-cert.pem, tls-key.pem with mode 0600)', default: 'false' },
  { flag: 'tls-cert', env: 'PALISADE_TLS_CERT', value: 'FILE', help: 'serve HTTPS with this PEM certificate (chain); needs --tls-key', default: '' },
  { flag: 'tls-key', env: 'PALISADE_TLS_KEY', value: 'FILE', help: 'the PEM private key of --tls-cert', default: '' },
  { flag: 'oidc-jwks', env: 'PALISADE_OIDC_JWKS', value: 'ISSUER=JWKS', help: 'verify AssumeRoleWithWebIdentity tokens from the issuer URL ISSUER with a local JWKS file or URL instead of its discovery document; repeatable, the variable takes entries separated by commas or spaces', default: '' },
] as const

export type OptionName = (typeof OPTIONS)[number]['flag']

/**
 * Reads flags (`--name value`, `--name=value`, bare `--allow-reset`) and the environment into a checked config.
 * A repeated flag keeps its last value, except `--oidc-jwks`, which keeps every one.
 */
export function readConfig(args: readonly string[], env: Readonly<Record<string, string | undefined>>): PalisadeConfig {
  const flags = parseFlags(args)
  const get = (name: OptionName): string => {
    const option = OPTIONS.find((o) => o.flag === name)!
    return flags.get(name)?.at(-1) ?? env[option.env] ?? option.default
  }
  const getAll = (name: OptionName): readonly string[] => {
    const option = OPTIONS.find((o) => o.flag === name)!
    return flags.get(name) ?? (env[option.env] ?? option.default).split(/[\s,]+/).filter((entry) => entry !== '')
  }
  const dataDir = resolve(get('data-dir'))
  const config: PalisadeConfig = {
    host: get('host'),
    port: readInteger('port', get('port'), 0, 65535),
    dataDir,
    database: get('database') || `sqlite:${resolve(dataDir, 'palisade.db')}`,
    accountId: readAccountId(get('account-id')),
    region: readRegion(get('region')),
    auth: readChoice('auth', get('auth'), ['strict', 'permissive']),
    logLevel: readChoice('log-level', get('log-level'), ['debug', 'info', 'warn', 'error', 'silent']),
    allowReset: readBoolean('allow-reset', get('allow-reset')),
    rootAccessKeyId: get('root-access-key-id') || undefined,
    rootSecretAccessKey: get('root-secret-access-key') || undefined,
    rootKey: get('root-key') || undefined,
    rootKeyFile: resolve(dataDir, get('root-key-file') === '<data-dir>/root.key' ? 'root.key' : get('root-key-file')),
    maxBodyBytes: readInteger('max-body-bytes', get('max-body-bytes'), 1024, Number.MAX_SAFE_INTEGER),
    oidcJwks: readOidcJwks(getAll('oidc-jwks')),
    ...readTls(readBoolean('tls', get('tls')), get('tls-cert'), get('tls-key')),
  }
  checkRootCredentials(config)
  return config
}

function parseFlags(args: readonly string[]): Map<string, string[]> {
  const known = new Set<string>(OPTIONS.map((o) => o.flag))
  const flags = new Map<string, string[]>()
  const set = (name: string, value: string) => flags.set(name, [...(flags.get(name) ?? []), value])
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument \`${arg}\``)
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq === -1 ? undefined : eq)
    if (!known.has(name)) throw new ConfigError(`unknown flag \`--${name}\``)
    if (eq !== -1) set(name, arg.slice(eq + 1))
    else if (name === 'allow-reset' || name === 'tls') set(name, 'true')
    else if (i + 1 < args.length) set(name, args[++i]!)
    else throw new ConfigError(`flag \`--${name}\` needs a value`)
  }
  return flags
}

/** `--tls-cert` and `--tls-key` go together and imply HTTPS; `--tls` alone asks for a generated certificate. */
function readTls(enabled: boolean, certFile: string, keyFile: string): Pick<PalisadeConfig, 'tls'> {
  if ((certFile === '') !== (keyFile === '')) throw new ConfigError('set both `tls-cert` and `tls-key`, or neither')
  if (certFile !== '') return { tls: { certFile: resolve(certFile), keyFile: resolve(keyFile) } }
  return enabled ? { tls: {} } : {}
}

function readInteger(name: string, text: string, min: number, max: number): number {
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ConfigError(`\`${name}\` must be a whole number from ${min} to ${max}, got \`${text}\``)
  }
  return value
}

function readAccountId(text: string): string {
  if (!/^\d{12}$/.test(text)) throw new ConfigError(`\`account-id\` must be 12 digits, got \`${text}\``)
  return text
}

function readRegion(text: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(text)) throw new ConfigError(`\`region\` must look like us-east-1, got \`${text}\``)
  return text
}

function readChoice<T extends string>(name: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) {
    throw new ConfigError(`\`${name}\` must be one of ${choices.join(', ')}, got \`${text}\``)
  }
  return text as T
}

function readBoolean(name: string, text: string): boolean {
  if (text === 'true' || text === '1') return true
  if (text === 'false' || text === '0' || text === '') return false
  throw new ConfigError(`\`${name}\` must be true or false, got \`${text}\``)
}

/**
 * `ISSUER=JWKS` entries. The issuer is the token's `iss`, an https URL without query or fragment
 * (https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata), as IAM's OIDC provider URLs are; it
 * has no `=`, so the first one ends it. JWKS is an http(s) URL, or a file path resolved against the working directory.
 * A trailing slash does not make another issuer: token lookups ignore it.
 */
function readOidcJwks(entries: readonly string[]): Record<string, string> {
  const sources: Record<string, string> = {}
  const seen = new Set<string>()
  for (const entry of entries) {
    const eq = entry.indexOf('=')
    const issuer = entry.slice(0, eq)
    const source = entry.slice(eq + 1)
    if (eq === -1 || issuer === '' || source === '') throw new ConfigError(`\`oidc-jwks\` entries look like ISSUER=JWKS, got \`${entry}\``)
    if (!isHttpsIssuer(issuer)) throw new ConfigError(`\`oidc-jwks\` issuer must be an https:// URL without query or fragment, got \`${issuer}\``)
    const isUrl = /^https?:\/\//.test(source)
    if (isUrl ? !URL.canParse(source) : /^[a-z][\w+.-]*:\/\//i.test(source)) {
      throw new ConfigError(`\`oidc-jwks\` JWKS must be a file or an http(s) URL, got \`${source}\``)
    }
    const key = issuer.replace(/\/$/, '')
    if (seen.has(key)) throw new ConfigError(`\`oidc-jwks\` names issuer \`${issuer}\` more than once`)
    seen.add(key)
    sources[issuer] = isUrl ? source : resolve(source)
  }
  return sources
}

function isHttpsIssuer(text: string): boolean {
  if (!URL.canParse(text)) return false
  return new URL(text).protocol === 'https:' && !text.includes('?') && !text.includes('#')
}

// AWS's formats: AKIA + 16 of [A-Z2-7] and a 40-character secret; we accept any 16–128 character key id
// (AWS's documented AccessKeyId length) so CI can keep the keys it already has.
function checkRootCredentials(config: PalisadeConfig): void {
  const { rootAccessKeyId: id, rootSecretAccessKey: secret } = config
  if (Boolean(id) !== Boolean(secret)) {
    throw new ConfigError('set both `root-access-key-id` and `root-secret-access-key`, or neither')
  }
  if (id && !/^[A-Z0-9]{16,128}$/.test(id)) throw new ConfigError('`root-access-key-id` must be 16 to 128 characters of A-Z and 0-9')
  if (secret && secret.length < 16) throw new ConfigError('`root-secret-access-key` must be at least 16 characters')
}
