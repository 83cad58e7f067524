// OpenID Connect providers: Create/Get/List/Delete, client ids, thumbprints and tags (used by AssumeRoleWithWebIdentity).
import type { AuthorizationTable, CallFacts } from '../../core/authorization-target.js'
import type { OperationContext } from '../../core/operation.js'
import type { IamApi } from '../../generated/iam/api.js'
import { EntityAlreadyExistsException, InvalidInputException, LimitExceededException, NoSuchEntityException } from '../../generated/iam/errors.js'
import { DuplicateKeyError } from '../../storage/duplicate-key-error.js'
import type { Db } from '../../storage/schema.js'
import type { IamDeps } from './iam-deps.js'
import { dropTags, listTags, putTags, tagHandlers, type TaggedResource } from './iam-tags.js'
import type { IamModule } from './index.js'
import { oidcProviderStore, type OidcProviderRecord } from './oidc-providers-store.js'

// "Thumbprints per OIDC provider: 5", "Client IDs per OIDC provider: 100" (IAM quotas).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities
export const MAX_THUMBPRINTS = 5
export const MAX_CLIENT_IDS = 100
// "OpenID Connect providers per account: 100" and "SAML providers per account: 100" (IAM quotas).
export const MAX_PROVIDERS_PER_ACCOUNT = 100

/** Notified inside each transaction that creates or deletes a provider (`ACCOUNT:URLKEY`): STS's issuer index. */
export const OIDC_PROVIDERS_CHANGED = 'iam.oidc-providers'

export function oidcProviderOperations({ database, clock }: IamDeps) {
  const providerTags = tagHandlers(database, {
    find: (db, input: { readonly OpenIDConnectProviderArn: string }, ctx) => requireOidcProvider(db, ctx, input.OpenIDConnectProviderArn),
    resource: (provider, ctx) => providerResource(ctx.accountId, provider.urlKey),
  })
  return {
    async CreateOpenIDConnectProvider(input, ctx) {
      const urlKey = oidcUrlKey(input.Url)
      const provider: OidcProviderRecord = {
        accountId: ctx.accountId,
        urlKey,
        url: input.Url,
        arn: oidcProviderArn(ctx, urlKey),
        clientIds: checkClientIds(unique(input.ClientIDList ?? [])),
        thumbprints: checkThumbprints(unique(input.ThumbprintList ?? [])),
        createdAt: clock.now(),
      }
      const tags = await database.transaction(async (tx) => {
        if ((await oidcProviderStore(tx).count(ctx.accountId)) >= MAX_PROVIDERS_PER_ACCOUNT) {
          throw new LimitExceededException(`Cannot exceed quota for OpenIdConnectProvidersPerAccount: ${MAX_PROVIDERS_PER_ACCOUNT}`)
        }
        try {
          await oidcProviderStore(tx).insert(provider)
        } catch (error) {
          if (error instanceof DuplicateKeyError) throw new EntityAlreadyExistsException(`Provider with url ${input.Url} already exists.`)
          throw error
        }
        await putTags(tx, providerResource(ctx.accountId, urlKey), input.Tags ?? [])
        await database.notify(OIDC_PROVIDERS_CHANGED, `${ctx.accountId}:${urlKey}`)
        return listTags(tx, providerResource(ctx.accountId, urlKey))
      })
      return { OpenIDConnectProviderArn: provider.arn, ...(tags.length > 0 && { Tags: tags }) }
    },

    async GetOpenIDConnectProvider(input, ctx) {
      const provider = await requireOidcProvider(database.db, ctx, input.OpenIDConnectProviderArn)
      const tags = await listTags(database.db, providerResource(ctx.accountId, provider.urlKey))
      return {
        // IAM answers with the URL it was given, less the scheme.
        Url: provider.url.replace(/^https:\/\//i, ''),
        ClientIDList: [...provider.clientIds],
        ThumbprintList: [...provider.thumbprints],
        CreateDate: provider.createdAt,
        ...(tags.length > 0 && { Tags: tags }),
      }
    },

    async ListOpenIDConnectProviders(_input, ctx) {
      const providers = await oidcProviderStore(database.db).list(ctx.accountId)
      return { OpenIDConnectProviderList: providers.map((provider) => ({ Arn: provider.arn })) }
    },

    // Idempotent: deleting a provider that does not exist succeeds (IAM API reference, DeleteOpenIDConnectProvider).
    async DeleteOpenIDConnectProvider(input, ctx) {
      const urlKey = urlKeyOfArn(ctx, input.OpenIDConnectProviderArn)
      if (urlKey === undefined) return
      await database.transaction(async (tx) => {
        await oidcProviderStore(tx).delete(ctx.accountId, urlKey)
        await dropTags(tx, providerResource(ctx.accountId, urlKey))
        await database.notify(OIDC_PROVIDERS_CHANGED, `${ctx.accountId}:${urlKey}`)
      })
    },

    async AddClientIDToOpenIDConnectProvider(input, ctx) {
      await database.transaction(async (tx) => {
        const provider = await requireOidcProvider(tx, ctx, input.OpenIDConnectProviderArn)
        if (provider.clientIds.includes(input.ClientID)) return
        const clientIds = checkClientIds([...provider.clientIds, input.ClientID])
        await oidcProviderStore(tx).update(ctx.accountId, provider.urlKey, { clientIds })
      })
    },

    // Idempotent: removing a client id the provider does not have succeeds.
    async RemoveClientIDFromOpenIDConnectProvider(input, ctx) {
      await database.transaction(async (tx) => {
        const provider = await requireOidcProvider(tx, ctx, input.OpenIDConnectProviderArn)
        const clientIds = provider.clientIds.filter((id) => id !== input.ClientID)
        await oidcProviderStore(tx).update(ctx.accountId, provider.urlKey, { clientIds })
      })
    },

    async UpdateOpenIDConnectProviderThumbprint(input, ctx) {
      const thumbprints = checkThumbprints(unique(input.ThumbprintList))
      await database.transaction(async (tx) => {
        const provider = await requireOidcProvider(tx, ctx, input.OpenIDConnectProviderArn)
        await oidcProviderStore(tx).update(ctx.accountId, provider.urlKey, { thumbprints })
      })
    },

    TagOpenIDConnectProvider: providerTags.tag,
    UntagOpenIDConnectProvider: providerTags.untag,
    ListOpenIDConnectProviderTags: providerTags.list,
  } satisfies Partial<IamApi>
}

// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
export const oidcProviderAuthorization = {
  CreateOpenIDConnectProvider: (input, call) => ({
    action: 'iam:CreateOpenIDConnectProvider',
    resources: [oidcProviderArn(call, safeUrlKey(input.Url))],
    ...(input.Tags && input.Tags.length > 0 && { context: { 'aws:TagKeys': input.Tags.map((tag) => tag.Key) } }),
  }),
  GetOpenIDConnectProvider: (input) => ({ action: 'iam:GetOpenIDConnectProvider', resources: [input.OpenIDConnectProviderArn] }),
  ListOpenIDConnectProviders: () => ({ action: 'iam:ListOpenIDConnectProviders', resources: ['*'] }),
  DeleteOpenIDConnectProvider: (input) => ({ action: 'iam:DeleteOpenIDConnectProvider', resources: [input.OpenIDConnectProviderArn] }),
  AddClientIDToOpenIDConnectProvider: (input) => ({ action: 'iam:AddClientIDToOpenIDConnectProvider', resources: [input.OpenIDConnectProviderArn] }),
  RemoveClientIDFromOpenIDConnectProvider: (input) => ({ action: 'iam:RemoveClientIDFromOpenIDConnectProvider', resources: [input.OpenIDConnectProviderArn] }),
  UpdateOpenIDConnectProviderThumbprint: (input) => ({ action: 'iam:UpdateOpenIDConnectProviderThumbprint', resources: [input.OpenIDConnectProviderArn] }),
  TagOpenIDConnectProvider: (input) => ({
    action: 'iam:TagOpenIDConnectProvider',
    resources: [input.OpenIDConnectProviderArn],
    context: { 'aws:TagKeys': input.Tags.map((tag) => tag.Key) },
  }),
  UntagOpenIDConnectProvider: (input) => ({
    action: 'iam:UntagOpenIDConnectProvider',
    resources: [input.OpenIDConnectProviderArn],
    context: { 'aws:TagKeys': input.TagKeys },
  }),
  ListOpenIDConnectProviderTags: (input) => ({ action: 'iam:ListOpenIDConnectProviderTags', resources: [input.OpenIDConnectProviderArn] }),
} satisfies Partial<AuthorizationTable<IamApi>>

export function oidcProviderModule(deps: IamDeps): IamModule {
  return { handlers: oidcProviderOperations(deps), authorization: oidcProviderAuthorization }
}

/** The provider an ARN names in the caller's account (for AssumeRoleWithWebIdentity); undefined when there is none. */
export async function findOidcProvider(db: Db, call: CallFacts, arn: string): Promise<OidcProviderRecord | undefined> {
  const urlKey = urlKeyOfArn(call, arn)
  return urlKey === undefined ? undefined : oidcProviderStore(db).get(call.accountId, urlKey)
}

/**
 * `https://Server.Example.com/id/1/` → `server.example.com/id/1`. Only https issuers are accepted: web identity
 * tokens are verified against the issuer's TLS endpoints.
 */
export function oidcUrlKey(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new InvalidInputException('Invalid Open ID Connect Provider URL')
  }
  if (parsed.protocol !== 'https:' || parsed.hostname === '' || parsed.search !== '' || parsed.hash !== '' || parsed.username !== '') {
    throw new InvalidInputException('Invalid Open ID Connect Provider URL')
  }
  const path = parsed.pathname.replace(/\/+$/, '')
  return `${parsed.host.toLowerCase()}${path}`
}

async function requireOidcProvider(db: Db, ctx: OperationContext, arn: string): Promise<OidcProviderRecord> {
  const provider = await findOidcProvider(db, ctx, arn)
  if (!provider) throw new NoSuchEntityException(`OpenIDConnect Provider not found for arn ${arn}`)
  return provider
}

function oidcProviderArn(call: CallFacts, urlKey: string): string {
  return `arn:${call.partition}:iam::${call.accountId}:oidc-provider/${urlKey}`
}

function urlKeyOfArn(call: CallFacts, arn: string): string | undefined {
  const prefix = oidcProviderArn(call, '')
  return arn.startsWith(prefix) && arn.length > prefix.length ? arn.slice(prefix.length) : undefined
}

// Authorization runs before the handler validates the URL, so it must not throw on a bad one.
function safeUrlKey(url: string): string {
  try {
    return oidcUrlKey(url)
  } catch {
    return url
  }
}

function checkThumbprints(thumbprints: string[]): string[] {
  if (thumbprints.length > MAX_THUMBPRINTS) throw new InvalidInputException(`Thumbprint list must contain fewer than ${MAX_THUMBPRINTS} entries.`)
  // A thumbprint is the hex SHA-1 of the issuer's top intermediate CA certificate: 40 hex digits.
  for (const thumbprint of thumbprints) {
    if (!/^[0-9a-fA-F]{40}$/.test(thumbprint)) throw new InvalidInputException(`Thumbprint ${thumbprint} is not a 40-character hexadecimal SHA-1 fingerprint.`)
  }
  return thumbprints
}

function checkClientIds(clientIds: string[]): string[] {
  if (clientIds.length > MAX_CLIENT_IDS) throw new LimitExceededException(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${MAX_CLIENT_IDS}`)
  return clientIds
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)]
}

function providerResource(accountId: string, urlKey: string): TaggedResource {
  return { accountId, kind: 'oidc-provider', key: urlKey }
}
