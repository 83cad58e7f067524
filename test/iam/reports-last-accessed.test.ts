// End to end: service last accessed data from real request history: users, role sessions, groups and policies,
// SERVICE_LEVEL and ACTION_LEVEL jobs, the entities behind each service, and a restart in between.
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GenerateServiceLastAccessedDetailsCommand,
  GetServiceLastAccessedDetailsCommand,
  GetServiceLastAccessedDetailsWithEntitiesCommand,
  GetUserCommand,
  IAMClient,
  ListRolesCommand,
  ListUsersCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam'
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms'
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPalisade, type Palisade } from '../../src/app/start-palisade.js'
import { readConfig } from '../../src/config/config.js'
import { silentLogger } from '../../src/core/logger.js'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, TEST_ROOT_ACCESS_KEY_ID, TEST_ROOT_SECRET_ACCESS_KEY } from '../support/palisade.js'
import { ACCOUNT, allow, policy } from './enforcement-support.js'

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
const ROOT: Credentials = { accessKeyId: TEST_ROOT_ACCESS_KEY_ID, secretAccessKey: TEST_ROOT_SECRET_ACCESS_KEY }
const ANN = `arn:aws:iam::${ACCOUNT}:user/la-ann`
const ROLE = `arn:aws:iam::${ACCOUNT}:role/la-reader`

describe('service last accessed data', () => {
  // Started by hand (not startTestPalisade) so the same data directory can be opened again after a restart.
  const dataDir = mkdtempSync(join(tmpdir(), 'palisade-last-accessed-'))
  const start = () => startPalisade(readConfig(['--port', '0', '--data-dir', dataDir, '--root-access-key-id', ROOT.accessKeyId, '--root-secret-access-key', ROOT.secretAccessKey], {}), { log: silentLogger })
  let palisade: Palisade
  const options = (credentials: Credentials) => ({ endpoint: palisade.url, region: 'us-east-1', credentials, maxAttempts: 1 })
  const iam = (credentials: Credentials = ROOT) => new IAMClient(options(credentials))
  let ann: Credentials

  async function report(arn: string, granularity: 'SERVICE_LEVEL' | 'ACTION_LEVEL' = 'SERVICE_LEVEL') {
    const { JobId } = await iam().send(new GenerateServiceLastAccessedDetailsCommand({ Arn: arn, Granularity: granularity }))
    return { JobId: JobId!, ...(await iam().send(new GetServiceLastAccessedDetailsCommand({ JobId }))) }
  }

  beforeAll(async () => {
    palisade = await start()
    await iam().send(new CreateUserCommand({ UserName: 'la-ann' }))
    await iam().send(new PutUserPolicyCommand({ UserName: 'la-ann', PolicyName: 'Work', PolicyDocument: allow(['iam:List*', 'iam:GetUser', 's3:GetObject', 'sts:AssumeRole']) }))
    const { AccessKey } = await iam().send(new CreateAccessKeyCommand({ UserName: 'la-ann' }))
    ann = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }
    await iam().send(new CreateUserCommand({ UserName: 'la-bob' }))
    await iam().send(new CreateGroupCommand({ GroupName: 'la-team' }))
    await iam().send(new PutGroupPolicyCommand({ GroupName: 'la-team', PolicyName: 'Read', PolicyDocument: allow('iam:Get*') }))
    await iam().send(new AddUserToGroupCommand({ GroupName: 'la-team', UserName: 'la-ann' }))
    await iam().send(new AddUserToGroupCommand({ GroupName: 'la-team', UserName: 'la-bob' }))
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] })
    await iam().send(new CreateRoleCommand({ RoleName: 'la-reader', AssumeRolePolicyDocument: trust }))
    await iam().send(new PutRolePolicyCommand({ RoleName: 'la-reader', PolicyName: 'Roles', PolicyDocument: allow(['iam:ListRoles', 'ec2:Describe*']) }))

    // Ann's history: two IAM actions (one denied: still an authenticated attempt), STS, and KMS, which no policy allows.
    await iam(ann).send(new ListUsersCommand({}))
    await iam(ann).send(new CreateUserCommand({ UserName: 'la-denied' })).catch(() => undefined)
    await new KMSClient(options(ann)).send(new ListKeysCommand({})).catch(() => undefined)
    const { Credentials: session } = await new STSClient(options(ann)).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'la-session' }))
    await iam({ accessKeyId: session!.AccessKeyId!, secretAccessKey: session!.SecretAccessKey!, sessionToken: session!.SessionToken! }).send(new ListRolesCommand({}))
    await iam(ann).send(new GetUserCommand({}))
  })
  afterAll(async () => {
    await palisade.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it("lists the services a user's policies allow (its groups' included), with its last access to each", async () => {
    const result = await report(ANN)
    expect(result).toMatchObject({ JobStatus: 'COMPLETED', JobType: 'SERVICE_LEVEL', IsTruncated: false })
    expect(result.JobCompletionDate!.getTime()).toBeGreaterThanOrEqual(result.JobCreationDate!.getTime())
    expect(result.ServicesLastAccessed?.map((service) => service.ServiceNamespace)).toEqual(['iam', 's3', 'sts'])
    const [iamService, s3, sts] = result.ServicesLastAccessed!
    expect(iamService).toMatchObject({ LastAuthenticatedEntity: ANN, LastAuthenticatedRegion: 'us-east-1', TotalAuthenticatedEntities: 1 })
    expect(iamService!.ServiceName).toMatch(/Identity and Access Management/)
    expect(iamService!.TrackedActionsLastAccessed).toBeUndefined()
    expect(Date.now() - iamService!.LastAuthenticated!.getTime()).toBeLessThan(60_000)
    expect(s3).toEqual({ ServiceName: 'Amazon S3', ServiceNamespace: 's3', TotalAuthenticatedEntities: 0 })
    expect(sts).toMatchObject({ ServiceNamespace: 'sts', LastAuthenticatedEntity: ANN, TotalAuthenticatedEntities: 1 })
  })

  it('tracks each action at ACTION_LEVEL, denied attempts included', async () => {
    const result = await report(ANN, 'ACTION_LEVEL')
    expect(result.JobType).toBe('ACTION_LEVEL')
    const iamService = result.ServicesLastAccessed!.find((service) => service.ServiceNamespace === 'iam')!
    expect(iamService.TrackedActionsLastAccessed?.map((action) => [action.ActionName, action.LastAccessedEntity, action.LastAccessedRegion])).toEqual([
      ['CreateUser', ANN, 'us-east-1'],
      ['GetUser', ANN, 'us-east-1'],
      ['ListUsers', ANN, 'us-east-1'],
    ])
  })

  it("reports a role's sessions under the role", async () => {
    const result = await report(ROLE, 'ACTION_LEVEL')
    expect(result.ServicesLastAccessed?.map((service) => [service.ServiceNamespace, service.LastAuthenticatedEntity, service.TotalAuthenticatedEntities])).toEqual([
      ['ec2', undefined, 0],
      ['iam', ROLE, 1],
    ])
    expect(result.ServicesLastAccessed![1]!.TrackedActionsLastAccessed?.map((action) => action.ActionName)).toEqual(['ListRoles'])
  })

  it("reports a group through its members, and names them with GetServiceLastAccessedDetailsWithEntities", async () => {
    const result = await report(`arn:aws:iam::${ACCOUNT}:group/la-team`)
    expect(result.ServicesLastAccessed?.map((service) => [service.ServiceNamespace, service.TotalAuthenticatedEntities])).toEqual([['iam', 1]])
    const entities = await iam().send(new GetServiceLastAccessedDetailsWithEntitiesCommand({ JobId: result.JobId, ServiceNamespace: 'iam' }))
    expect(entities).toMatchObject({ JobStatus: 'COMPLETED', IsTruncated: false })
    expect(entities.EntityDetailsList?.map((entity) => [entity.EntityInfo?.Name, entity.EntityInfo?.Type, entity.LastAuthenticated !== undefined])).toEqual([
      ['la-ann', 'USER', true],
      ['la-bob', 'USER', false],
    ])
    expect(entities.EntityDetailsList![0]!.EntityInfo).toMatchObject({ Arn: ANN, Path: '/' })
    expect(entities.EntityDetailsList![0]!.EntityInfo?.Id).toMatch(/^AIDA/)
    const paged = await iam().send(new GetServiceLastAccessedDetailsWithEntitiesCommand({ JobId: result.JobId, ServiceNamespace: 'iam', MaxItems: 1 }))
    expect(paged.IsTruncated).toBe(true)
    const rest = await iam().send(new GetServiceLastAccessedDetailsWithEntitiesCommand({ JobId: result.JobId, ServiceNamespace: 'iam', Marker: paged.Marker }))
    expect(rest.EntityDetailsList?.map((entity) => entity.EntityInfo?.Name)).toEqual(['la-bob'])
  })

  it('reports a managed policy through the entities it is attached to', async () => {
    const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName: 'LaSts', PolicyDocument: policy({ Effect: 'Allow', Action: 'sts:*' }) }))
    await iam().send(new AttachUserPolicyCommand({ UserName: 'la-ann', PolicyArn: Policy!.Arn! }))
    const result = await report(Policy!.Arn!)
    expect(result.ServicesLastAccessed?.map((service) => [service.ServiceNamespace, service.LastAuthenticatedEntity])).toEqual([['sts', ANN]])
    const entities = await iam().send(new GetServiceLastAccessedDetailsWithEntitiesCommand({ JobId: result.JobId, ServiceNamespace: 'sts' }))
    expect(entities.EntityDetailsList?.map((entity) => entity.EntityInfo?.Arn)).toEqual([ANN])
  })

  it('keeps the history and the jobs across a restart', async () => {
    const before = await report(ANN)
    await palisade.close()
    palisade = await start()
    const again = await iam().send(new GetServiceLastAccessedDetailsCommand({ JobId: before.JobId }))
    expect(again.ServicesLastAccessed).toEqual(before.ServicesLastAccessed)
    const fresh = await report(ANN)
    expect(fresh.ServicesLastAccessed?.find((service) => service.ServiceNamespace === 'iam')?.LastAuthenticated).toEqual(
      before.ServicesLastAccessed?.find((service) => service.ServiceNamespace === 'iam')?.LastAuthenticated,
    )
    // The restarted server records new calls too.
    await new STSClient(options(ann)).send(new GetCallerIdentityCommand({}))
    const after = await report(ANN, 'ACTION_LEVEL')
    const sts = after.ServicesLastAccessed?.find((service) => service.ServiceNamespace === 'sts')
    expect(sts?.TrackedActionsLastAccessed?.map((action) => action.ActionName)).toEqual(['AssumeRole', 'GetCallerIdentity'])
  })

  it('answers NoSuchEntity for an unknown job and an unknown user', async () => {
    await expect(iam().send(new GetServiceLastAccessedDetailsCommand({ JobId: '00000000-0000-4000-8000-000000000000' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException', $metadata: { httpStatusCode: 404 },
    })
    await expect(iam().send(new GenerateServiceLastAccessedDetailsCommand({ Arn: `arn:aws:iam::${ACCOUNT}:user/nobody` }))).rejects.toMatchObject({
      name: 'NoSuchEntityException', message: 'The user with name nobody cannot be found.',
    })
  })

  describe.skipIf(!awsCliAvailable)('with the AWS CLI', () => {
    it('generates a job and reads it', async () => {
      const generated = await awsCli(palisade.url, ROOT, ['iam', 'generate-service-last-accessed-details', '--arn', ANN])
      expect(generated.code).toBe(0)
      const { JobId } = JSON.parse(generated.stdout) as { JobId: string }
      const got = await awsCli(palisade.url, ROOT, ['iam', 'get-service-last-accessed-details', '--job-id', JobId])
      expect(got.code).toBe(0)
      const body = JSON.parse(got.stdout) as { JobStatus: string; ServicesLastAccessed: { ServiceNamespace: string; LastAuthenticatedEntity?: string }[] }
      expect(body.JobStatus).toBe('COMPLETED')
      expect(body.ServicesLastAccessed.find((service) => service.ServiceNamespace === 'iam')?.LastAuthenticatedEntity).toBe(ANN)
    })
  })
})

describe('service last accessed data across a reset', () => {
  it('forgets the calls made before POST /_palisade/reset, even those still waiting to be written', async () => {
    const palisade = await startTestPalisade(['--allow-reset'])
    try {
      const root = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
      const setUp = async () => {
        await root.send(new CreateUserCommand({ UserName: 'reset-ann' }))
        await root.send(new PutUserPolicyCommand({ UserName: 'reset-ann', PolicyName: 'List', PolicyDocument: allow('iam:ListUsers') }))
        const { AccessKey } = await root.send(new CreateAccessKeyCommand({ UserName: 'reset-ann' }))
        return new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }, maxAttempts: 1 })
      }
      await (await setUp()).send(new ListUsersCommand({}))
      expect((await fetch(`${palisade.url}/_palisade/reset`, { method: 'POST' })).status).toBe(200)
      await setUp()
      const { JobId } = await root.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: `arn:aws:iam::${ACCOUNT}:user/reset-ann` }))
      const { ServicesLastAccessed } = await root.send(new GetServiceLastAccessedDetailsCommand({ JobId }))
      expect(ServicesLastAccessed).toEqual([{ ServiceName: expect.any(String), ServiceNamespace: 'iam', TotalAuthenticatedEntities: 0 }])
    } finally {
      await palisade.stop()
    }
  })
})
