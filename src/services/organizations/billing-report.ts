// billingReport: consolidated billing as the management account sees it — every account of each organization with its
// metered usage (API requests per service in a period, KMS keys and S3 bytes kept now), and the accounts outside any
// organization. Usage, not money: Palisade has no prices.
import type { Db } from '../../storage/schema.js'
import { kmsKeysPerAccount, requestsBetween, s3BytesPerAccount } from './usage-store.js'

export interface BillingPeriod {
  /** First UTC day, `2026-11-01`. */
  readonly from: string
  /** Last UTC day, included. */
  readonly to: string
}

export interface AccountUsage {
  readonly accountId: string
  readonly name: string
  /** ACTIVE, PENDING_CLOSURE or SUSPENDED. */
  readonly status: string
  /** API requests per service in the period, services in name order. */
  readonly requests: Readonly<Record<string, number>>
  readonly totalRequests: number
  /** Customer managed KMS keys kept now (pending deletion left out). */
  readonly kmsKeys: number
  /** S3 bytes stored now: every object version and unfinished multipart upload parts, in the account's buckets. */
  readonly s3StoredBytes: number
}

export interface OrganizationUsage {
  readonly organizationId: string
  readonly managementAccountId: string
  /** The management account first, then the members by account id. */
  readonly accounts: readonly AccountUsage[]
  /** Sums over the accounts. */
  readonly total: Omit<AccountUsage, 'accountId' | 'name' | 'status'>
}

export interface BillingReport {
  readonly period: BillingPeriod
  readonly organizations: readonly OrganizationUsage[]
  /** Accounts in no organization; left out when the report is for one management account. */
  readonly standaloneAccounts: readonly AccountUsage[]
}

/** Thrown when the report is asked for an account that manages no organization. */
export class NotAManagementAccountError extends Error {}

/** The report for every organization, or only the one `managementAccountId` manages. */
export async function billingReport(db: Db, period: BillingPeriod, managementAccountId?: string): Promise<BillingReport> {
  const organizations = await db.selectFrom('org_organizations').select(['account_id', 'organization_id'])
    .$if(managementAccountId !== undefined, (q) => q.where('account_id', '=', managementAccountId!))
    .orderBy('organization_id').execute()
  if (managementAccountId !== undefined && organizations.length === 0) {
    throw new NotAManagementAccountError(`account ${managementAccountId} is not the management account of an organization`)
  }
  const members = await db.selectFrom('org_members').select(['account_id', 'member_account_id'])
    .$if(managementAccountId !== undefined, (q) => q.where('account_id', '=', managementAccountId!))
    .orderBy('member_account_id').execute()
  const accounts = await db.selectFrom('accounts').select(['account_id', 'name', 'status']).orderBy('account_id').execute()
  const scope = managementAccountId === undefined ? undefined : members.map((member) => member.member_account_id)
  const [requests, kmsKeys, s3Bytes] = await Promise.all([requestsBetween(db, period.from, period.to, scope), kmsKeysPerAccount(db), s3BytesPerAccount(db)])

  const usageOf = (account: { account_id: string; name: string; status: string }): AccountUsage => {
    const services = [...(requests.get(account.account_id) ?? new Map<string, number>())].sort(([a], [b]) => (a < b ? -1 : 1))
    return {
      accountId: account.account_id,
      name: account.name,
      status: account.status,
      requests: Object.fromEntries(services),
      totalRequests: services.reduce((sum, [, count]) => sum + count, 0),
      kmsKeys: kmsKeys.get(account.account_id) ?? 0,
      s3StoredBytes: s3Bytes.get(account.account_id) ?? 0,
    }
  }
  const accountById = new Map(accounts.map((account) => [account.account_id, account]))
  const inOrganization = new Set(members.map((member) => member.member_account_id))
  return {
    period,
    organizations: organizations.map((organization) => {
      const ids = members.filter((member) => member.account_id === organization.account_id).map((member) => member.member_account_id)
      const ordered = [organization.account_id, ...ids.filter((id) => id !== organization.account_id)]
      const usage = ordered.map((id) => usageOf(accountById.get(id) ?? { account_id: id, name: '', status: 'ACTIVE' }))
      return { organizationId: organization.organization_id, managementAccountId: organization.account_id, accounts: usage, total: sumOf(usage) }
    }),
    standaloneAccounts: managementAccountId === undefined ? accounts.filter((account) => !inOrganization.has(account.account_id)).map(usageOf) : [],
  }
}

function sumOf(accounts: readonly AccountUsage[]): OrganizationUsage['total'] {
  const requests: Record<string, number> = {}
  for (const account of accounts) for (const service in account.requests) requests[service] = (requests[service] ?? 0) + account.requests[service]!
  const sorted = Object.fromEntries(Object.entries(requests).sort(([a], [b]) => (a < b ? -1 : 1)))
  return {
    requests: sorted,
    totalRequests: accounts.reduce((sum, account) => sum + account.totalRequests, 0),
    kmsKeys: accounts.reduce((sum, account) => sum + account.kmsKeys, 0),
    s3StoredBytes: accounts.reduce((sum, account) => sum + account.s3StoredBytes, 0),
  }
}

/** The report as text: one table per organization, then the accounts outside any organization. */
export function formatBillingReport(report: BillingReport): string {
  const lines = [
    `Palisade usage from ${report.period.from} to ${report.period.to} (UTC). These figures are metered usage, not money:`,
    `Palisade has no prices and charges nothing. KMS keys and S3 bytes are what each account keeps now.`,
    '',
  ]
  for (const organization of report.organizations) {
    lines.push(`Organization ${organization.organizationId} (management account ${organization.managementAccountId})`)
    lines.push(...table(organization.accounts, organization.managementAccountId, organization.total), '')
  }
  if (report.standaloneAccounts.length > 0) {
    lines.push('Accounts outside any organization')
    lines.push(...table(report.standaloneAccounts, undefined, undefined), '')
  }
  if (report.organizations.length === 0 && report.standaloneAccounts.length === 0) lines.push('No accounts.', '')
  return lines.join('\n')
}

function table(accounts: readonly AccountUsage[], managementAccountId: string | undefined, total: OrganizationUsage['total'] | undefined): string[] {
  const header = ['account', 'name', 'status', 'API requests', 'by service', 'KMS keys', 'S3 bytes stored']
  const row = (account: AccountUsage): string[] => [
    account.accountId + (account.accountId === managementAccountId ? ' (management)' : ''),
    account.name,
    account.status,
    String(account.totalRequests),
    Object.entries(account.requests).map(([service, count]) => `${service} ${count}`).join(', ') || '-',
    String(account.kmsKeys),
    String(account.s3StoredBytes),
  ]
  const rows = accounts.map(row)
  if (total) rows.push(['total', '', '', String(total.totalRequests), Object.entries(total.requests).map(([s, n]) => `${s} ${n}`).join(', ') || '-', String(total.kmsKeys), String(total.s3StoredBytes)])
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((cells) => cells[column]!.length)))
  const render = (cells: readonly string[]) => '  ' + cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()
  return [render(header), ...rows.map(render)]
}
