// The IAM service: every operation module's handlers and authorization entries, merged. Operations no module
// implements yet are filled in by the composition root with NotImplemented (see app/service-bindings.ts).
import type { AuthorizationTable } from '../../core/authorization-target.js'
import type { IamApi } from '../../generated/iam/api.js'
import { accessKeyOperations } from './access-keys.js'
import { groupOperations } from './groups.js'
import type { IamDeps } from './iam-deps.js'
import { accountOperations } from './account.js'
import { passwordPolicyOperations } from './password-policy.js'
import { loginProfileOperations } from './login-profiles.js'
import { userOperations } from './users.js'
import { instanceProfileModule } from './instance-profiles.js'
import { oidcProviderModule } from './oidc-providers.js'
import { roleModule } from './roles.js'
import { mfaModule } from './mfa.js'
import { samlProviderModule } from './saml-providers.js'
import { serviceLinkedRoleModule } from './service-linked-roles.js'
import { managedPolicyModule } from './managed-policies.js'
import { policyVersionModule } from './policy-versions.js'
import { inlinePolicyModule } from './inline-policies.js'
import { attachmentModule } from './attachments.js'
import { permissionsBoundaryModule } from './permissions-boundaries.js'
import { serviceLastAccessedModule } from './service-last-accessed.js'
import { authorizationDetailModule } from './authorization-details.js'
import { credentialReportModule } from './credential-report.js'
import { policySimulatorModule } from './policy-simulator.js'
import { contextKeyModule } from './context-keys.js'
import { policiesGrantingAccessModule } from './policies-granting-access.js'
import { stsPreferencesModule } from './sts-preferences.js'
import { sshPublicKeyModule } from './ssh-public-keys.js'
import { signingCertificateModule } from './signing-certificates.js'
import { serverCertificateModule } from './server-certificates.js'
import { serviceSpecificCredentialModule } from './service-specific-credentials.js'

export type { IamDeps } from './iam-deps.js'
export { bootstrapDefaultAccount, restoreDefaultAccount, type FirstStartCredentials } from './bootstrap.js'
export { CREDENTIALS_CHANGED, loadCredentialIndex, type CredentialIndex } from './credential-index.js'
export { IDENTITY_CHANGED, loadIdentityIndex, notifyIdentityChange, type IdentityIndex } from './identity-index.js'
export { loadPasswordChangeIndex, PASSWORD_POLICY_CHANGED, type PasswordChangeIndex } from './password-change-index.js'
// Port for STS (AssumeRole*): look a role up by name, record its use (RoleLastUsed).
export { findRoleByArn, roleStore, type RoleRecord, type RoleStore } from './roles-store.js'
// Ports for STS and console sign-in: federation providers by ARN, SAML metadata, one-time MFA codes.
export { findOidcProvider, OIDC_PROVIDERS_CHANGED } from './oidc-providers.js'
export { oidcProviderStore, type OidcProviderRecord } from './oidc-providers-store.js'
export { findSamlProvider, readIdpMetadata, type IdpMetadata } from './saml-providers.js'
export { type SamlProviderRecord } from './saml-providers-store.js'
export { mfaCodeVerifier } from './mfa.js'
export { resealIamSecrets, type IamResealCounts } from './reseal-secrets.js'
// Port for Organizations: CreateAccount's account and role, joining and closing accounts.
export {
  createOrganizationAccount,
  ensureAccountRecord,
  ensureOrganizationsServiceRole,
  ORGANIZATIONS_SERVICE_ROLE,
  organizationsServiceRoleArn,
  setAccountStatus,
  type OrganizationAccountSpec,
} from './organization-accounts.js'
// Port for STS session policies (PolicyArns): a managed policy's default version document.
export { managedPolicyDocument } from './managed-policies-lookup.js'
// Port for the composition root: records each call's principal and action for service last accessed data.
export { serviceAccessRecorder, type ServiceAccessRecorder } from './service-last-accessed-recorder.js'

/** One module's slice of the IAM API: its handlers and what each touches. */
export interface IamModule {
  readonly handlers: Partial<IamApi>
  readonly authorization: Partial<AuthorizationTable<IamApi>>
}

export function iamModules(deps: IamDeps): IamModule[] {
  return [
    accountOperations(deps),
    passwordPolicyOperations(deps),
    loginProfileOperations(deps),
    userOperations(deps),
    groupOperations(deps),
    accessKeyOperations(deps),
    roleModule(deps),
    mfaModule(deps),
    samlProviderModule(deps),
    instanceProfileModule(deps),
    serviceLinkedRoleModule(deps),
    oidcProviderModule(deps),
    managedPolicyModule(deps),
    policyVersionModule(deps),
    inlinePolicyModule(deps),
    attachmentModule(deps),
    permissionsBoundaryModule(deps),
    serviceLastAccessedModule(deps),
    authorizationDetailModule(deps),
    credentialReportModule(deps),
    policySimulatorModule(deps),
    contextKeyModule(deps),
    policiesGrantingAccessModule(deps),
    stsPreferencesModule(deps),
    sshPublicKeyModule(deps),
    signingCertificateModule(deps),
    serverCertificateModule(deps),
    serviceSpecificCredentialModule(deps),
  ]
}
