// SAML providers: Create/Get/List/Update/Delete and tags; the metadata must describe a SAML 2.0 identity provider.
import type { AuthorizationTable, CallFacts } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { EntityAlreadyExistsException, InvalidInputException, LimitExceededException, NoSuchEntityException } from '../../generated/iam/errors.js'
// The brief for this module points at the protocol layer's strict reader (no DTDs, bounded depth) for metadata.
import { parseXml, type XmlElement } from '../../protocol/xml/xml-reader.js'
import { DuplicateKeyError } from '../../storage/duplicate-key-error.js'
import type { Db } from '../../storage/schema.js'
import type { IamDeps } from './iam-deps.js'
import { nameKey } from './iam-names.js'
import { dropTags, listTags, putTags, tagHandlers, type TaggedResource } from './iam-tags.js'
import type { IamModule } from './index.js'
import { MAX_PROVIDERS_PER_ACCOUNT } from './oidc-providers.js'
import { samlProviderStore, type SamlProviderRecord } from './saml-providers-store.js'

const METADATA_NAMESPACE = 'urn:oasis:names:tc:SAML:2.0:metadata'
// Without a validUntil in the metadata, IAM reports a ValidUntil 100 years after the upload.
const DEFAULT_VALIDITY_YEARS = 100

export function samlProviderOperations({ database, clock }: IamDeps) {
  const providerTags = tagHandlers(database, {
    find: (db, input: { readonly SAMLProviderArn: string }, ctx) => requireSamlProvider(db, ctx, input.SAMLProviderArn),
    resource: (provider, ctx) => providerResource(ctx.accountId, provider.name),
  })
  return {
    async CreateSAMLProvider(input, ctx) {
      const createdAt = clock.now()
      const metadata = readIdpMetadata(input.SAMLMetadataDocument)
      const provider: SamlProviderRecord = {
        accountId: ctx.accountId,
        name: input.Name,
        arn: samlProviderArn(ctx, input.Name),
        metadataDocument: input.SAMLMetadataDocument,
        createdAt,
        validUntil: metadata.validUntil ?? addYears(createdAt, DEFAULT_VALIDITY_YEARS),
      }
      const tags = await database.transaction(async (tx) => {
        if ((await samlProviderStore(tx).count(ctx.accountId)) >= MAX_PROVIDERS_PER_ACCOUNT) {
          throw new LimitExceededException(`Cannot exceed quota for SAMLProvidersPerAccount: ${MAX_PROVIDERS_PER_ACCOUNT}`)
        }
        try {
          await samlProviderStore(tx).insert(provider)
        } catch (error) {
          if (error instanceof DuplicateKeyError) throw new EntityAlreadyExistsException(`SAMLProvider ${input.Name} already exists.`)
          throw error
        }
        await putTags(tx, providerResource(ctx.accountId, input.Name), input.Tags ?? [])
        return listTags(tx, providerResource(ctx.accountId, input.Name))
      })
      return { SAMLProviderArn: provider.arn, ...(tags.length > 0 && { Tags: tags }) }
    },

    async GetSAMLProvider(input, ctx) {
      const provider = await requireSamlProvider(database.db, ctx, input.SAMLProviderArn)
      const tags = await listTags(database.db, providerResource(ctx.accountId, provider.name))
      return {
        SAMLMetadataDocument: provider.metadataDocument,
        CreateDate: provider.createdAt,
        ...(provider.validUntil !== undefined && { ValidUntil: provider.validUntil }),
        ...(tags.length > 0 && { Tags: tags }),
      }
    },

    async ListSAMLProviders(_input, ctx) {
      const providers = await samlProviderStore(database.db).list(ctx.accountId)
      return {
        SAMLProviderList: providers.map((provider) => ({
          Arn: provider.arn,
          CreateDate: provider.createdAt,
          ...(provider.validUntil !== undefined && { ValidUntil: provider.validUntil }),
        })),
      }
    },

    async UpdateSAMLProvider(input, ctx) {
      await database.transaction(async (tx) => {
        const provider = await requireSamlProvider(tx, ctx, input.SAMLProviderArn)
        if (input.SAMLMetadataDocument === undefined) return
        const metadata = readIdpMetadata(input.SAMLMetadataDocument)
        const validUntil = metadata.validUntil ?? addYears(clock.now(), DEFAULT_VALIDITY_YEARS)
        await samlProviderStore(tx).updateMetadata(ctx.accountId, provider.name, input.SAMLMetadataDocument, validUntil)
      })
      return { SAMLProviderArn: input.SAMLProviderArn }
    },

    async DeleteSAMLProvider(input, ctx) {
      await database.transaction(async (tx) => {
        const provider = await requireSamlProvider(tx, ctx, input.SAMLProviderArn)
        await samlProviderStore(tx).delete(ctx.accountId, provider.name)
        await dropTags(tx, providerResource(ctx.accountId, provider.name))
      })
    },

    TagSAMLProvider: providerTags.tag,
    UntagSAMLProvider: providerTags.untag,
    ListSAMLProviderTags: providerTags.list,
  } satisfies Partial<IamApi>
}

// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
export const samlProviderAuthorization = {
  CreateSAMLProvider: (input, call) => ({
    action: 'iam:CreateSAMLProvider',
    resources: [samlProviderArn(call, input.Name)],
    ...(input.Tags && input.Tags.length > 0 && { context: { 'aws:TagKeys': input.Tags.map((tag) => tag.Key) } }),
  }),
  GetSAMLProvider: (input) => ({ action: 'iam:GetSAMLProvider', resources: [input.SAMLProviderArn] }),
  ListSAMLProviders: () => ({ action: 'iam:ListSAMLProviders', resources: ['*'] }),
  UpdateSAMLProvider: (input) => ({ action: 'iam:UpdateSAMLProvider', resources: [input.SAMLProviderArn] }),
  DeleteSAMLProvider: (input) => ({ action: 'iam:DeleteSAMLProvider', resources: [input.SAMLProviderArn] }),
  TagSAMLProvider: (input) => ({
    action: 'iam:TagSAMLProvider',
    resources: [input.SAMLProviderArn],
    context: { 'aws:TagKeys': input.Tags.map((tag) => tag.Key) },
  }),
  UntagSAMLProvider: (input) => ({ action: 'iam:UntagSAMLProvider', resources: [input.SAMLProviderArn], context: { 'aws:TagKeys': input.TagKeys } }),
  ListSAMLProviderTags: (input) => ({ action: 'iam:ListSAMLProviderTags', resources: [input.SAMLProviderArn] }),
} satisfies Partial<AuthorizationTable<IamApi>>

export function samlProviderModule(deps: IamDeps): IamModule {
  return { handlers: samlProviderOperations(deps), authorization: samlProviderAuthorization }
}

/** The provider an ARN names in the caller's account (for AssumeRoleWithSAML); undefined when there is none. */
export async function findSamlProvider(db: Db, call: CallFacts, arn: string): Promise<SamlProviderRecord | undefined> {
  const prefix = samlProviderArn(call, '')
  if (!arn.startsWith(prefix) || arn.length === prefix.length) return undefined
  return samlProviderStore(db).get(call.accountId, arn.slice(prefix.length))
}

export interface IdpMetadata {
  /** The EntityDescriptor's entityID: the Issuer of the IdP's assertions. */
  readonly entityId: string
  readonly validUntil?: Date
}

/**
 * Checks that `document` is SAML 2.0 metadata (an md:EntityDescriptor, possibly inside md:EntitiesDescriptor) with an
 * IDPSSODescriptor, and reads what IAM keeps of it. Anything else is AWS's "Could not parse metadata".
 */
export function readIdpMetadata(document: string): IdpMetadata {
  let root: XmlElement
  try {
    root = parseXml(document)
  } catch {
    throw unparsable()
  }
  const entity = root.localName === 'EntitiesDescriptor' ? root.children.find((child) => child.localName === 'EntityDescriptor') : root
  if (!entity || entity.localName !== 'EntityDescriptor' || namespaceOf(entity, root) !== METADATA_NAMESPACE) throw unparsable()
  const entityId = entity.attributes['entityID']
  if (!entityId || !entity.children.some((child) => child.localName === 'IDPSSODescriptor')) throw unparsable()
  const validUntilText = entity.attributes['validUntil'] ?? root.attributes['validUntil']
  const validUntil = validUntilText === undefined ? undefined : new Date(validUntilText)
  if (validUntil && Number.isNaN(validUntil.getTime())) throw unparsable()
  return { entityId, ...(validUntil && { validUntil }) }
}

async function requireSamlProvider(db: Db, call: CallFacts, arn: string): Promise<SamlProviderRecord> {
  const provider = await findSamlProvider(db, call, arn)
  if (!provider) throw new NoSuchEntityException(`Manifest not found for arn ${arn}`)
  return provider
}

// The namespace an element's prefix is bound to, looking at the element and the document root (where IdPs declare it).
function namespaceOf(element: XmlElement, root: XmlElement): string | undefined {
  const colon = element.name.indexOf(':')
  const attribute = colon === -1 ? 'xmlns' : `xmlns:${element.name.slice(0, colon)}`
  return element.attributes[attribute] ?? root.attributes[attribute]
}

function unparsable(): InvalidInputException {
  return new InvalidInputException('Could not parse metadata')
}

function samlProviderArn(call: CallFacts, name: string): string {
  return `arn:${call.partition}:iam::${call.accountId}:saml-provider/${name}`
}

function providerResource(accountId: string, name: string): TaggedResource {
  return { accountId, kind: 'saml-provider', key: nameKey(name) }
}

function addYears(date: Date, years: number): Date {
  const result = new Date(date.getTime())
  result.setUTCFullYear(result.getUTCFullYear() + years)
  return result
}
