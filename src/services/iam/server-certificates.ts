// The account's server certificates (for load balancers and CloudFront): UploadServerCertificate, GetServerCertificate,
// ListServerCertificates, UpdateServerCertificate, DeleteServerCertificate, and their tags. The private key is
// checked against the certificate, sealed at rest, and never returned.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UploadServerCertificate.html
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto'
import type { AuthorizationTable, CallFacts } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import {
  EntityAlreadyExistsException,
  KeyPairMismatchException,
  LimitExceededException,
  MalformedCertificateException,
  NoSuchEntityException,
} from '../../generated/iam/errors.js'
import type { ServerCertificateMetadata, Tag } from '../../generated/iam/types.js'
import { DuplicateKeyError } from '../../storage/duplicate-key-error.js'
import type { Db } from '../../storage/schema.js'
import { ACCOUNT_QUOTAS } from './account.js'
import type { IamDeps } from './iam-deps.js'
import { iamArn, ROOT_PATH } from './iam-names.js'
import { dropTags, listTags, putTags, tagHandlers, type TaggedResource } from './iam-tags.js'
import type { IamModule } from './index.js'
import { paginate } from './pagination.js'
import { serverCertificateStore, type ServerCertificateRecord } from './server-certificates-store.js'
import { parseCertificate } from './signing-certificates-x509.js'

export function serverCertificateModule({ database, clock, ids, box }: IamDeps): IamModule {
  const certificateTags = tagHandlers(database, {
    find: (db, input: { readonly ServerCertificateName: string }, ctx) => requireCertificate(db, ctx.accountId, input.ServerCertificateName),
    resource: certificateResource,
  })
  const handlers = {
    async UploadServerCertificate(input, ctx) {
      const { certificate, expiresAt } = parseCertificate(input.CertificateBody, clock.now())
      const privateKey = parsePrivateKey(input.PrivateKey)
      if (!certificate.checkPrivateKey(privateKey)) {
        throw new KeyPairMismatchException('The request was rejected because the public key certificate and the private key do not match.')
      }
      if (input.CertificateChain !== undefined) checkChain(input.CertificateChain)
      const certificateId = ids.uniqueId('ASCA')
      const record: ServerCertificateRecord = {
        accountId: ctx.accountId,
        certificateId,
        name: input.ServerCertificateName,
        path: input.Path ?? ROOT_PATH,
        body: input.CertificateBody,
        ...(input.CertificateChain !== undefined && { chain: input.CertificateChain }),
        privateKeySealed: box.seal(input.PrivateKey, certificateId),
        expiresAt,
        uploadedAt: clock.now(),
      }
      const tags = await database.transaction(async (tx) => {
        const store = serverCertificateStore(tx)
        if (await store.getByName(ctx.accountId, record.name)) throw alreadyExists(record.name)
        if ((await store.count(ctx.accountId)) >= ACCOUNT_QUOTAS.ServerCertificatesQuota) {
          throw new LimitExceededException(`Cannot exceed quota for ServerCertificatesPerAccount: ${ACCOUNT_QUOTAS.ServerCertificatesQuota}`)
        }
        await store.insert(record).catch((error: unknown) => {
          throw error instanceof DuplicateKeyError ? alreadyExists(record.name) : error
        })
        await putTags(tx, certificateResource(record), input.Tags ?? [])
        return listTags(tx, certificateResource(record))
      })
      return { ServerCertificateMetadata: toMetadata(record, ctx.partition), ...(tags.length > 0 && { Tags: tags }) }
    },

    async GetServerCertificate(input, ctx) {
      const record = await requireCertificate(database.db, ctx.accountId, input.ServerCertificateName)
      const tags = await listTags(database.db, certificateResource(record))
      return {
        ServerCertificate: {
          ServerCertificateMetadata: toMetadata(record, ctx.partition),
          CertificateBody: record.body,
          ...(record.chain !== undefined && { CertificateChain: record.chain }),
          ...(tags.length > 0 && { Tags: tags }),
        },
      }
    },

    async ListServerCertificates(input, ctx) {
      const prefix = input.PathPrefix ?? ROOT_PATH
      const all = (await serverCertificateStore(database.db).list(ctx.accountId)).filter((record) => record.path.startsWith(prefix))
      const page = paginate(all, input, (record) => record.name.toLowerCase())
      return {
        ServerCertificateMetadataList: page.items.map((record) => toMetadata(record, ctx.partition)),
        IsTruncated: page.IsTruncated,
        ...(page.Marker !== undefined && { Marker: page.Marker }),
      }
    },

    async UpdateServerCertificate(input, ctx) {
      await database.transaction(async (tx) => {
        const store = serverCertificateStore(tx)
        const record = await requireCertificate(tx, ctx.accountId, input.ServerCertificateName)
        const name = input.NewServerCertificateName ?? record.name
        if (name.toLowerCase() !== record.name.toLowerCase() && (await store.getByName(ctx.accountId, name))) throw alreadyExists(name)
        await store.rename(ctx.accountId, record.certificateId, { name, path: input.NewPath ?? record.path }).catch((error: unknown) => {
          throw error instanceof DuplicateKeyError ? alreadyExists(name) : error
        })
      })
    },

    async DeleteServerCertificate(input, ctx) {
      await database.transaction(async (tx) => {
        const record = await requireCertificate(tx, ctx.accountId, input.ServerCertificateName)
        await serverCertificateStore(tx).delete(ctx.accountId, record.certificateId)
        await dropTags(tx, certificateResource(record))
      })
    },

    TagServerCertificate: certificateTags.tag,
    UntagServerCertificate: certificateTags.untag,
    ListServerCertificateTags: certificateTags.list,
  } satisfies Partial<IamApi>

  // The certificate's path is known only after a lookup, which the authorization stage does not make: a named
  // certificate is taken to be at the root path, as for users.
  const arnOf = (call: CallFacts, name: string, path = ROOT_PATH) => iamArn(call.partition, call.accountId, 'server-certificate', path, name)
  const authorization = {
    UploadServerCertificate: (input, call) => ({
      action: 'iam:UploadServerCertificate',
      resources: [arnOf(call, input.ServerCertificateName, input.Path)],
      ...(input.Tags && input.Tags.length > 0 && { context: requestTagContext(input.Tags) }),
    }),
    GetServerCertificate: (input, call) => ({ action: 'iam:GetServerCertificate', resources: [arnOf(call, input.ServerCertificateName)] }),
    // No resource type (service authorization reference).
    ListServerCertificates: () => ({ action: 'iam:ListServerCertificates', resources: ['*'] }),
    UpdateServerCertificate: (input, call) => ({ action: 'iam:UpdateServerCertificate', resources: [arnOf(call, input.ServerCertificateName)] }),
    DeleteServerCertificate: (input, call) => ({ action: 'iam:DeleteServerCertificate', resources: [arnOf(call, input.ServerCertificateName)] }),
    TagServerCertificate: (input, call) => ({ action: 'iam:TagServerCertificate', resources: [arnOf(call, input.ServerCertificateName)], context: requestTagContext(input.Tags) }),
    UntagServerCertificate: (input, call) => ({ action: 'iam:UntagServerCertificate', resources: [arnOf(call, input.ServerCertificateName)], context: { 'aws:TagKeys': input.TagKeys } }),
    ListServerCertificateTags: (input, call) => ({ action: 'iam:ListServerCertificateTags', resources: [arnOf(call, input.ServerCertificateName)] }),
  } satisfies Partial<AuthorizationTable<IamApi>>

  return { handlers, authorization }
}

async function requireCertificate(db: Db, accountId: string, name: string): Promise<ServerCertificateRecord> {
  const record = await serverCertificateStore(db).getByName(accountId, name)
  if (!record) throw new NoSuchEntityException(`The Server Certificate with name ${name} cannot be found.`)
  return record
}

function toMetadata(record: ServerCertificateRecord, partition: string): ServerCertificateMetadata {
  return {
    Path: record.path,
    ServerCertificateName: record.name,
    ServerCertificateId: record.certificateId,
    Arn: iamArn(partition, record.accountId, 'server-certificate', record.path, record.name),
    UploadDate: record.uploadedAt,
    Expiration: record.expiresAt,
  }
}

/** Tags are keyed by the certificate id, which a rename keeps. */
function certificateResource(record: ServerCertificateRecord): TaggedResource {
  return { accountId: record.accountId, kind: 'server-certificate', key: record.certificateId }
}

function parsePrivateKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem)
  } catch {
    throw new MalformedCertificateException('The request was rejected because the private key was malformed.')
  }
}

/** The chain: one or more PEM certificates, each parseable. */
function checkChain(chain: string): void {
  const blocks = chain.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []
  if (blocks.length === 0) throw new MalformedCertificateException('The request was rejected because the certificate chain was malformed.')
  for (const block of blocks) {
    try {
      new X509Certificate(block)
    } catch {
      throw new MalformedCertificateException('The request was rejected because the certificate chain was malformed.')
    }
  }
}

function requestTagContext(tags: readonly Tag[]): Record<string, string | string[]> {
  return { ...Object.fromEntries(tags.map((tag) => [`aws:RequestTag/${tag.Key}`, tag.Value])), 'aws:TagKeys': tags.map((tag) => tag.Key) }
}

function alreadyExists(name: string): EntityAlreadyExistsException {
  return new EntityAlreadyExistsException(`The Server Certificate with name ${name} already exists.`)
}
