// `palisade billing`: consolidated billing from the data directory's database — each organization's accounts with
// their metered usage, as the management account sees it. Usage, not money.
import { existsSync } from 'node:fs'
import { ConfigError, readConfig } from '../config/config.js'
import { billingReport, formatBillingReport, NotAManagementAccountError, type BillingPeriod } from '../services/organizations/billing-report.js'
import { isPostgresUrl, openDatabase, type Database } from '../storage/database.js'

type Env = Readonly<Record<string, string | undefined>>

export interface BillingIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** Today, for the default period (the current month so far). */
  readonly now: () => Date
}

export const billingHelp = `Usage: palisade billing [--data-dir DIR] [--database URL] [--account MANAGEMENT_ACCOUNT_ID]
                        [--month YYYY-MM | --from YYYY-MM-DD --to YYYY-MM-DD] [--json]

Consolidated billing, as an organization's management account sees it: every account of the organization with its
metered usage in one place — API requests per service in the period, and the customer managed KMS keys and S3 bytes
each account keeps now. Accounts outside any organization are listed after the organizations.

The figures are usage, not money: Palisade has no prices and charges nothing.

It reads the database directly (a running server may keep using it; calls of the last second may not be written yet).

  --data-dir DIR     PALISADE_DATA_DIR    data directory (default: ./.palisade)
  --database URL     PALISADE_DATABASE    postgres:// URL; default: SQLite in the data directory
  --account ID                            only the organization this management account manages
  --month YYYY-MM                         the period: one calendar month (UTC)
  --from YYYY-MM-DD  --to YYYY-MM-DD      the period: these days (UTC), both included
  --json                                  the report as JSON

Default period: the current month so far. Exit codes: 0 shown, 1 failed, 2 usage error.
`

interface BillingOptions {
  readonly database: string
  readonly period: BillingPeriod
  readonly account?: string
  readonly json: boolean
}

/** Runs `palisade billing <args>`; returns the exit code. */
export async function billingCommand(args: readonly string[], env: Env, io: BillingIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(billingHelp)
    return 0
  }
  let options: BillingOptions
  try {
    options = readOptions(args, env, io.now())
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    io.stderr(`palisade billing: ${error.message}\n\nRun \`palisade billing --help\` for usage.\n`)
    return 2
  }
  if (!isPostgresUrl(options.database) && !existsSync(options.database)) {
    io.stderr(`palisade billing: no database at ${options.database}; check --data-dir or --database\n`)
    return 1
  }
  let database: Database
  try {
    database = await openDatabase({ url: options.database })
  } catch (error) {
    // An unreachable PostgreSQL or an unreadable file: say so, without a stack trace.
    io.stderr(`palisade billing: cannot open the database: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
  try {
    const report = await billingReport(database.db, options.period, options.account)
    io.stdout(options.json ? JSON.stringify(report, null, 2) + '\n' : formatBillingReport(report))
    return 0
  } catch (error) {
    if (!(error instanceof NotAManagementAccountError)) throw error
    io.stderr(`palisade billing: ${error.message}\n`)
    return 1
  } finally {
    await database.close()
  }
}

const CONFIG_FLAGS = new Set(['data-dir', 'database'])
const OWN_FLAGS = new Set(['account', 'month', 'from', 'to'])

function readOptions(args: readonly string[], env: Env, now: Date): BillingOptions {
  const configArgs: string[] = []
  const own = new Map<string, string>()
  let json = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--json') {
      json = true
      continue
    }
    const eq = arg.indexOf('=')
    const name = arg.startsWith('--') ? arg.slice(2, eq === -1 ? undefined : eq) : undefined
    if (name === undefined) throw new ConfigError(`unexpected argument \`${arg}\``)
    if (!CONFIG_FLAGS.has(name) && !OWN_FLAGS.has(name)) throw new ConfigError(`unknown flag \`--${name}\``)
    const value = eq !== -1 ? arg.slice(eq + 1) : i + 1 < args.length ? args[++i]! : ''
    if (value === '') throw new ConfigError(`flag \`--${name}\` needs a value`)
    if (OWN_FLAGS.has(name)) own.set(name, value)
    else configArgs.push(`--${name}`, value)
  }
  const account = own.get('account')
  if (account !== undefined && !/^\d{12}$/.test(account)) throw new ConfigError('`--account` must be a 12-digit account ID')
  const config = readConfig(configArgs, env)
  return { database: config.database.replace(/^sqlite:/, ''), period: readPeriod(own, now), json, ...(account !== undefined && { account }) }
}

function readPeriod(flags: ReadonlyMap<string, string>, now: Date): BillingPeriod {
  const month = flags.get('month')
  const from = flags.get('from')
  const to = flags.get('to')
  if (month !== undefined) {
    if (from !== undefined || to !== undefined) throw new ConfigError('give `--month` or `--from`/`--to`, not both')
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new ConfigError('`--month` must be YYYY-MM')
    return monthOf(month)
  }
  if (from === undefined && to === undefined) return monthOf(now.toISOString().slice(0, 7))
  if (from === undefined || to === undefined) throw new ConfigError('give both `--from` and `--to`')
  for (const [flag, day] of [['--from', from], ['--to', to]] as const) {
    if (!isDay(day)) throw new ConfigError(`\`${flag}\` must be a date YYYY-MM-DD`)
  }
  if (from > to) throw new ConfigError('`--from` is after `--to`')
  return { from, to }
}

function monthOf(month: string): BillingPeriod {
  const [year, number] = month.split('-').map(Number) as [number, number]
  const last = new Date(Date.UTC(year, number, 0)).getUTCDate() // day 0 of the next month: this month's last day
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` }
}

function isDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text
}
