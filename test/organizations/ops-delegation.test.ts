// Organizations e2e: trusted access and delegated administrators for the services Palisade implements; a delegated
// administrator may read the organization.
import {
  DeregisterDelegatedAdministratorCommand,
  DisableAWSServiceAccessCommand,
  EnableAWSServiceAccessCommand,
  ListAccountsCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  ListDelegatedServicesForAccountCommand,
  RegisterDelegatedAdministratorCommand,
  CreateOrganizationalUnitCommand,
  ListRootsCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestPalisade } from '../support/palisade.js'
import { adminUser, assumeRole, createMemberAccount, expectAwsError, organizationsClient, startOrganization } from './ops-support.js'

let server: TestPalisade
let org: OrganizationsClient
let memberId: string
let member: OrganizationsClient

beforeAll(async () => {
  ({ server, org } = await startOrganization())
  memberId = await createMemberAccount(org, 'Security tooling')
  member = organizationsClient(server, await assumeRole(server, await adminUser(server, server.root), `arn:aws:iam::${memberId}:role/OrganizationAccountAccessRole`))
})
afterAll(async () => {
  await server?.stop()
})

describe('trusted access', () => {
  it('enables and lists a service, once however often it is enabled, and disables it', async () => {
    await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'guardduty.amazonaws.com' }))
    await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'guardduty.amazonaws.com' }))
    await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'cloudtrail.amazonaws.com' }))
    const { EnabledServicePrincipals } = await org.send(new ListAWSServiceAccessForOrganizationCommand({}))
    expect(EnabledServicePrincipals!.map((service) => service.ServicePrincipal)).toEqual(['cloudtrail.amazonaws.com', 'guardduty.amazonaws.com'])
    expect(EnabledServicePrincipals![0]!.DateEnabled).toBeInstanceOf(Date)
    await org.send(new DisableAWSServiceAccessCommand({ ServicePrincipal: 'cloudtrail.amazonaws.com' }))
    expect((await org.send(new ListAWSServiceAccessForOrganizationCommand({}))).EnabledServicePrincipals!.map((service) => service.ServicePrincipal)).toEqual(['guardduty.amazonaws.com'])
  })

  it('refuses a service principal Palisade does not implement', async () => {
    await expectAwsError(org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'example.amazonaws.com' })), 'InvalidInputException', { reason: 'UNRECOGNIZED_SERVICE_PRINCIPAL' })
  })

  it('is for the management account only', async () => {
    await expectAwsError(member.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'config.amazonaws.com' })), 'AccessDeniedException')
  })
})

describe('delegated administrators', () => {
  it('registers a member once trusted access is on; the management account cannot be registered', async () => {
    await expectAwsError(org.send(new RegisterDelegatedAdministratorCommand({ AccountId: memberId, ServicePrincipal: 'config.amazonaws.com' })), 'ConstraintViolationException', { reason: 'SERVICE_ACCESS_NOT_ENABLED' })
    await expectAwsError(org.send(new RegisterDelegatedAdministratorCommand({ AccountId: server.accountId, ServicePrincipal: 'guardduty.amazonaws.com' })), 'ConstraintViolationException', { reason: 'CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR' })
    await expectAwsError(org.send(new RegisterDelegatedAdministratorCommand({ AccountId: '999999999999', ServicePrincipal: 'guardduty.amazonaws.com' })), 'AccountNotFoundException')
    await expectAwsError(member.send(new ListAccountsCommand({})), 'AccessDeniedException')

    await org.send(new RegisterDelegatedAdministratorCommand({ AccountId: memberId, ServicePrincipal: 'guardduty.amazonaws.com' }))
    await expectAwsError(org.send(new RegisterDelegatedAdministratorCommand({ AccountId: memberId, ServicePrincipal: 'guardduty.amazonaws.com' })), 'AccountAlreadyRegisteredException')
    const { DelegatedAdministrators } = await org.send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: 'guardduty.amazonaws.com' }))
    expect(DelegatedAdministrators).toHaveLength(1)
    expect(DelegatedAdministrators![0]).toMatchObject({ Id: memberId, Name: 'Security tooling', Status: 'ACTIVE' })
    expect(DelegatedAdministrators![0]!.DelegationEnabledDate).toBeInstanceOf(Date)
    const { DelegatedServices } = await org.send(new ListDelegatedServicesForAccountCommand({ AccountId: memberId }))
    expect(DelegatedServices!.map((service) => service.ServicePrincipal)).toEqual(['guardduty.amazonaws.com'])
  })

  it('a delegated administrator reads the organization but still cannot change it', async () => {
    const { Accounts } = await member.send(new ListAccountsCommand({}))
    expect(Accounts!.map((account) => account.Id)).toEqual(expect.arrayContaining([server.accountId, memberId]))
    const rootId = (await member.send(new ListRootsCommand({}))).Roots![0]!.Id!
    await expectAwsError(member.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Nope' })), 'AccessDeniedException')
  })

  it('a service with one delegated administrator refuses a second', async () => {
    const second = await createMemberAccount(org, 'Second tooling')
    await expectAwsError(org.send(new RegisterDelegatedAdministratorCommand({ AccountId: second, ServicePrincipal: 'guardduty.amazonaws.com' })), 'ConstraintViolationException', { reason: 'MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED' })
  })

  it('deregisters; a second deregistration answers AccountNotRegisteredException', async () => {
    await org.send(new DeregisterDelegatedAdministratorCommand({ AccountId: memberId, ServicePrincipal: 'guardduty.amazonaws.com' }))
    await expectAwsError(org.send(new DeregisterDelegatedAdministratorCommand({ AccountId: memberId, ServicePrincipal: 'guardduty.amazonaws.com' })), 'AccountNotRegisteredException')
    await expectAwsError(org.send(new ListDelegatedServicesForAccountCommand({ AccountId: memberId })), 'AccountNotRegisteredException')
    await expectAwsError(member.send(new ListAccountsCommand({})), 'AccessDeniedException')
  })
})
