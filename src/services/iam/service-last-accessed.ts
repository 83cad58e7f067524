// GenerateServiceLastAccessedDetails, GetServiceLastAccessedDetails and GetServiceLastAccessedDetailsWithEntities:
// a job snapshots the report when it is generated (it completes before Generate returns), and the Get calls page it.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetServiceLastAccessedDetails.html
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { NoSuchEntityException } from '../../generated/iam/errors.js'
import type { EntityDetails, ServiceLastAccessed } from '../../generated/iam/types.js'
import type { IamDeps } from './iam-deps.js'
import type { IamModule } from './index.js'
import { paginate } from './pagination.js'
import { flushServiceAccesses } from './service-last-accessed-recorder.js'
import { buildAccessReport, type AccessReport, type ServiceReport } from './service-last-accessed-report.js'
import { findAccessReportJob, insertAccessReportJob, type AccessReportJob } from './service-last-accessed-store.js'

export function serviceLastAccessedOperations({ database, clock, ids }: IamDeps) {
  async function requireJob(accountId: string, jobId: string): Promise<AccessReportJob & { report: AccessReport; completedAt: Date }> {
    const job = await findAccessReportJob(database.db, accountId, jobId)
    if (!job?.reportJson || !job.completedAt) throw new NoSuchEntityException(`No job found with JobId ${jobId}.`)
    return { ...job, completedAt: job.completedAt, report: JSON.parse(job.reportJson) as AccessReport }
  }

  return {
    async GenerateServiceLastAccessedDetails(input, ctx) {
      const granularity = input.Granularity ?? 'SERVICE_LEVEL'
      const createdAt = clock.now()
      // Calls that finished before this one are in the report, whichever batch they wait in.
      await flushServiceAccesses(database)
      const report = await buildAccessReport(database.db, ctx.accountId, input.Arn, granularity === 'ACTION_LEVEL')
      const jobId = ids.uuid()
      await insertAccessReportJob(database.db, {
        jobId, accountId: ctx.accountId, entityArn: input.Arn, granularity, createdAt, completedAt: clock.now(), reportJson: JSON.stringify(report),
      })
      return { JobId: jobId }
    },

    async GetServiceLastAccessedDetails(input, ctx) {
      const job = await requireJob(ctx.accountId, input.JobId)
      const page = paginate(job.report.services, input, (service) => service.namespace)
      return {
        JobStatus: 'COMPLETED' as const,
        JobType: job.granularity,
        JobCreationDate: job.createdAt,
        JobCompletionDate: job.completedAt,
        ServicesLastAccessed: page.items.map(toServiceLastAccessed),
        IsTruncated: page.IsTruncated,
        ...(page.Marker !== undefined && { Marker: page.Marker }),
      }
    },

    async GetServiceLastAccessedDetailsWithEntities(input, ctx) {
      const job = await requireJob(ctx.accountId, input.JobId)
      const namespace = input.ServiceNamespace.toLowerCase()
      // The entities that used the service first, most recent first, then the others by ARN.
      const entities: EntityDetails[] = job.report.entities
        .map((entity) => {
          const last = entity.lastByService[namespace]
          return { EntityInfo: entity.info, ...(last !== undefined && { LastAuthenticated: new Date(last) }) }
        })
        .sort((a, b) => (b.LastAuthenticated?.getTime() ?? 0) - (a.LastAuthenticated?.getTime() ?? 0) || (a.EntityInfo.Arn < b.EntityInfo.Arn ? -1 : 1))
      const keyed = entities.map((entity, index) => ({ entity, key: String(index).padStart(8, '0') }))
      const page = paginate(keyed, input, (item) => item.key)
      return {
        JobStatus: 'COMPLETED' as const,
        JobCreationDate: job.createdAt,
        JobCompletionDate: job.completedAt,
        EntityDetailsList: page.items.map((item) => item.entity),
        IsTruncated: page.IsTruncated,
        ...(page.Marker !== undefined && { Marker: page.Marker }),
      }
    },
  } satisfies Partial<IamApi>
}

function toServiceLastAccessed(service: ServiceReport): ServiceLastAccessed {
  return {
    ServiceName: service.name,
    ServiceNamespace: service.namespace,
    ...(service.last && {
      LastAuthenticated: new Date(service.last.at),
      LastAuthenticatedEntity: service.last.entity,
      LastAuthenticatedRegion: service.last.region,
    }),
    TotalAuthenticatedEntities: service.totalEntities,
    ...(service.actions && {
      TrackedActionsLastAccessed: service.actions.map((action) => ({
        ActionName: action.action,
        LastAccessedEntity: action.entity,
        LastAccessedTime: new Date(action.at),
        LastAccessedRegion: action.region,
      })),
    }),
  }
}

export const serviceLastAccessedAuthorization = {
  // The service authorization reference lists user, group, role and policy as this action's resource types.
  GenerateServiceLastAccessedDetails: (input) => ({ action: 'iam:GenerateServiceLastAccessedDetails', resources: [input.Arn] }),
  GetServiceLastAccessedDetails: () => ({ action: 'iam:GetServiceLastAccessedDetails', resources: ['*'] }),
  GetServiceLastAccessedDetailsWithEntities: () => ({ action: 'iam:GetServiceLastAccessedDetailsWithEntities', resources: ['*'] }),
} satisfies Partial<AuthorizationTable<IamApi>>

export function serviceLastAccessedModule(deps: IamDeps): IamModule {
  return { handlers: serviceLastAccessedOperations(deps), authorization: serviceLastAccessedAuthorization }
}
