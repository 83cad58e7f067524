// GenerateCredentialReport / GetCredentialReport: one report per account, regenerated at most every four hours.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { CredentialReportExpiredException, CredentialReportNotPresentException } from '../../generated/iam/errors.js'
import { buildCredentialReport } from './credential-report-csv.js'
import { findCredentialReport, saveCredentialReport } from './credential-report-store.js'
import type { IamDeps } from './iam-deps.js'
import type { IamModule } from './index.js'

/**
 * "You can generate a credential report as often as once every four hours": a newer report is returned as it is,
 * and an older one has expired.
 */
export const CREDENTIAL_REPORT_LIFETIME_MS = 4 * 60 * 60 * 1000

export function credentialReportOperations({ database, clock }: IamDeps) {
  return {
    async GenerateCredentialReport(_input, ctx) {
      const now = clock.now()
      const current = await findCredentialReport(database.db, ctx.accountId)
      if (current && now.getTime() - current.generatedAt.getTime() < CREDENTIAL_REPORT_LIFETIME_MS) return { State: 'COMPLETE' as const }
      // Generation takes one pass over the account, so the report is ready before this call returns; the first call
      // still answers STARTED, as AWS's does, and the next one COMPLETE.
      const content = await buildCredentialReport(database.db, ctx.accountId, ctx.partition)
      await saveCredentialReport(database.db, ctx.accountId, { generatedAt: now, content })
      return { State: 'STARTED' as const, Description: 'No report exists. Starting a new report generation task' }
    },

    async GetCredentialReport(_input, ctx) {
      const report = await findCredentialReport(database.db, ctx.accountId)
      if (!report) {
        throw new CredentialReportNotPresentException('Credential report does not exist. To generate a credential report, use GenerateCredentialReport.')
      }
      if (clock.now().getTime() - report.generatedAt.getTime() >= CREDENTIAL_REPORT_LIFETIME_MS) {
        throw new CredentialReportExpiredException('The most recent credential report has expired. To generate a new credential report, use GenerateCredentialReport.')
      }
      return { Content: new TextEncoder().encode(report.content), ReportFormat: 'text/csv' as const, GeneratedTime: report.generatedAt }
    },
  } satisfies Partial<IamApi>
}

export const credentialReportAuthorization = {
  GenerateCredentialReport: () => ({ action: 'iam:GenerateCredentialReport', resources: ['*'] }),
  GetCredentialReport: () => ({ action: 'iam:GetCredentialReport', resources: ['*'] }),
} satisfies Partial<AuthorizationTable<IamApi>>

export function credentialReportModule(deps: IamDeps): IamModule {
  return { handlers: credentialReportOperations(deps), authorization: credentialReportAuthorization }
}
