// X.509 signing certificates of IAM users and of the root user: UploadSigningCertificate, ListSigningCertificates,
// UpdateSigningCertificate, DeleteSigningCertificate.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UploadSigningCertificate.html
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { OperationContext } from '../../core/operation.js'
import type { IamApi } from '../../generated/iam/api.js'
import { DuplicateCertificateException, LimitExceededException, NoSuchEntityException } from '../../generated/iam/errors.js'
import type { SigningCertificate } from '../../generated/iam/types.js'
import type { Db } from '../../storage/schema.js'
import { ACCOUNT_QUOTAS } from './account.js'
import type { IamDeps } from './iam-deps.js'
import type { IamModule } from './index.js'
import { paginate } from './pagination.js'
import { signingCertificateStore, type SigningCertificateRecord } from './signing-certificates-store.js'
import { parseCertificate } from './signing-certificates-x509.js'
import { requireUser } from './users-store.js'
import { userResourceArn, userTarget } from './users-target.js'

const CERTIFICATE_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const CERTIFICATE_ID_LENGTH = 32

/** Whose certificates a call handles: an IAM user's (by unique id), or the root user's (the account id). */
interface CertificateOwner {
  readonly ownerId: string
  /** The UserName the certificates report. */
  readonly userName: string
}

export function signingCertificateModule({ database, clock, ids }: IamDeps): IamModule {
  const handlers = {
    async UploadSigningCertificate(input, ctx) {
      const parsed = parseCertificate(input.CertificateBody, clock.now())
      const certificate = await database.transaction(async (tx) => {
        const owner = await requireOwner(tx, input.UserName, ctx)
        const store = signingCertificateStore(tx)
        // A certificate identifies one signer: it may belong to one user of the account only.
        if (await store.findByDigest(ctx.accountId, parsed.derSha256)) {
          throw new DuplicateCertificateException('The request was rejected because the same certificate is associated with an IAM user in the account.')
        }
        if ((await store.listFor(ctx.accountId, owner.ownerId)).length >= ACCOUNT_QUOTAS.SigningCertificatesPerUserQuota) {
          throw new LimitExceededException(`Cannot exceed quota for CertificatesPerUser: ${ACCOUNT_QUOTAS.SigningCertificatesPerUserQuota}`)
        }
        const record: SigningCertificateRecord = {
          accountId: ctx.accountId,
          certificateId: certificateId(ids.bytes(CERTIFICATE_ID_LENGTH)),
          ownerId: owner.ownerId,
          body: input.CertificateBody,
          derSha256: parsed.derSha256,
          status: 'Active',
          uploadedAt: clock.now(),
        }
        await store.insert(record)
        return toShape(record, owner)
      })
      return { Certificate: certificate }
    },

    async ListSigningCertificates(input, ctx) {
      const owner = await requireOwner(database.db, input.UserName, ctx)
      const certificates = await signingCertificateStore(database.db).listFor(ctx.accountId, owner.ownerId)
      const page = paginate(certificates, input, (certificate) => `${certificate.uploadedAt.toISOString()} ${certificate.certificateId}`)
      return {
        Certificates: page.items.map((certificate) => toShape(certificate, owner)),
        IsTruncated: page.IsTruncated,
        ...(page.Marker !== undefined && { Marker: page.Marker }),
      }
    },

    async UpdateSigningCertificate(input, ctx) {
      await database.transaction(async (tx) => {
        const certificate = await requireCertificate(tx, await requireOwner(tx, input.UserName, ctx), input.CertificateId, ctx)
        await signingCertificateStore(tx).setStatus(ctx.accountId, certificate.certificateId, input.Status)
      })
    },

    async DeleteSigningCertificate(input, ctx) {
      await database.transaction(async (tx) => {
        const certificate = await requireCertificate(tx, await requireOwner(tx, input.UserName, ctx), input.CertificateId, ctx)
        await signingCertificateStore(tx).delete(ctx.accountId, certificate.certificateId)
      })
    },
  } satisfies Partial<IamApi>

  // Every action's resource is the user (service authorization reference).
  const authorization = {
    UploadSigningCertificate: (input, call) => ({ action: 'iam:UploadSigningCertificate', resources: [userResourceArn(input.UserName, call)] }),
    ListSigningCertificates: (input, call) => ({ action: 'iam:ListSigningCertificates', resources: [userResourceArn(input.UserName, call)] }),
    UpdateSigningCertificate: (input, call) => ({ action: 'iam:UpdateSigningCertificate', resources: [userResourceArn(input.UserName, call)] }),
    DeleteSigningCertificate: (input, call) => ({ action: 'iam:DeleteSigningCertificate', resources: [userResourceArn(input.UserName, call)] }),
  } satisfies Partial<AuthorizationTable<IamApi>>

  return { handlers, authorization }
}

/**
 * The named user, else the caller: "If the UserName field is not specified, the user name is determined implicitly
 * based on the Amazon Web Services access key ID used to sign the request" — for the root user's keys, the root
 * user's own certificates, which the API reports under the account id.
 */
async function requireOwner(db: Db, userName: string | undefined, ctx: OperationContext): Promise<CertificateOwner> {
  const target = userTarget(userName, ctx.caller)
  if (target.root) return { ownerId: ctx.accountId, userName: ctx.accountId }
  const user = await requireUser(db, ctx.accountId, target.userName)
  return { ownerId: user.userId, userName: user.userName }
}

async function requireCertificate(db: Db, owner: CertificateOwner, certificateId: string, ctx: OperationContext): Promise<SigningCertificateRecord> {
  const certificate = await signingCertificateStore(db).get(ctx.accountId, certificateId)
  if (!certificate || certificate.ownerId !== owner.ownerId) throw new NoSuchEntityException(`The Certificate with id ${certificateId} cannot be found.`)
  return certificate
}

function toShape(certificate: SigningCertificateRecord, owner: CertificateOwner): SigningCertificate {
  return { UserName: owner.userName, CertificateId: certificate.certificateId, CertificateBody: certificate.body, Status: certificate.status, UploadDate: certificate.uploadedAt }
}

/** 32 characters of [A-Z2-7], like AWS's signing certificate ids. */
function certificateId(bytes: Buffer): string {
  return [...bytes].map((byte) => CERTIFICATE_ID_ALPHABET[byte % CERTIFICATE_ID_ALPHABET.length]).join('')
}
