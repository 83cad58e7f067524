// End to end: service-specific credentials (CodeCommit, Keyspaces): create, list, update, reset, delete, and errors.
import {
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteUserCommand,
  IAMClient,
  ListServiceSpecificCredentialsCommand,
  PutUserPolicyCommand,
  ResetServiceSpecificCredentialCommand,
  UpdateServiceSpecificCredentialCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, createTestUser, policy } from './enforcement-support.js'

const CODECOMMIT = 'codecommit.amazonaws.com'
const KEYSPACES = 'cassandra.amazonaws.com'

let palisade: TestPalisade
let iam: IAMClient
beforeAll(async () => {
  palisade = await startTestPalisade()
  iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
})
afterAll(() => palisade.stop())

const create = (userName: string, service: string) => iam.send(new CreateServiceSpecificCredentialCommand({ UserName: userName, ServiceName: service }))

describe('CreateServiceSpecificCredential', () => {
  beforeAll(() => iam.send(new CreateUserCommand({ UserName: 'jorge' })))

  it('creates an Active credential named <user>-at-<account> with a password shown once', async () => {
    const { ServiceSpecificCredential } = await create('jorge', CODECOMMIT)
    expect(ServiceSpecificCredential).toMatchObject({ UserName: 'jorge', ServiceName: CODECOMMIT, ServiceUserName: `jorge-at-${ACCOUNT}`, Status: 'Active' })
    expect(ServiceSpecificCredential!.ServiceSpecificCredentialId).toMatch(/^ACCA[A-Z0-9]{17}$/)
    expect(ServiceSpecificCredential!.ServicePassword).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    expect(ServiceSpecificCredential!.CreateDate).toBeInstanceOf(Date)
    const listed = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'jorge' }))
    expect(listed.ServiceSpecificCredentials).toHaveLength(1)
    expect(listed.ServiceSpecificCredentials![0]).not.toHaveProperty('ServicePassword')
  })

  it('allows two credentials per user per service, and two more for another service', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'quota' }))
    await create('quota', CODECOMMIT)
    await create('quota', CODECOMMIT)
    await expect(create('quota', CODECOMMIT)).rejects.toMatchObject({
      name: 'LimitExceededException', message: 'Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2', $metadata: { httpStatusCode: 409 },
    })
    await create('quota', KEYSPACES)
    await create('quota', KEYSPACES)
    const keyspaces = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'quota', ServiceName: KEYSPACES }))
    expect(keyspaces.ServiceSpecificCredentials!.map((credential) => credential.ServiceName)).toEqual([KEYSPACES, KEYSPACES])
    expect((await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'quota' }))).ServiceSpecificCredentials).toHaveLength(4)
  })

  it.each([
    { name: 'rejects a service without service-specific credentials', user: 'jorge', service: 's3.amazonaws.com', error: 'ServiceNotSupportedException', status: 404 },
    { name: 'rejects an unknown user', user: 'nobody', service: CODECOMMIT, error: 'NoSuchEntityException', status: 404 },
  ])('$name', async ({ user, service, error, status }) => {
    await expect(create(user, service)).rejects.toMatchObject({ name: error, $metadata: { httpStatusCode: status } })
  })
})

describe('UpdateServiceSpecificCredential, ResetServiceSpecificCredential, DeleteServiceSpecificCredential', () => {
  it('deactivates, resets to a new password, and deletes; DeleteUser waits for the deletion', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'kim' }))
    const created = (await create('kim', KEYSPACES)).ServiceSpecificCredential!
    const id = created.ServiceSpecificCredentialId
    await iam.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'kim', ServiceSpecificCredentialId: id, Status: 'Inactive' }))
    expect((await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'kim' }))).ServiceSpecificCredentials).toMatchObject([{ ServiceSpecificCredentialId: id, Status: 'Inactive' }])

    const reset = (await iam.send(new ResetServiceSpecificCredentialCommand({ UserName: 'kim', ServiceSpecificCredentialId: id }))).ServiceSpecificCredential!
    expect(reset).toMatchObject({ ServiceSpecificCredentialId: id, ServiceUserName: `kim-at-${ACCOUNT}`, Status: 'Inactive', ServiceName: KEYSPACES })
    expect(reset.ServicePassword).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    expect(reset.ServicePassword).not.toBe(created.ServicePassword)

    await expect(iam.send(new DeleteUserCommand({ UserName: 'kim' }))).rejects.toMatchObject({
      name: 'DeleteConflictException', message: 'Cannot delete entity, must delete service specific credentials first.', $metadata: { httpStatusCode: 409 },
    })
    await iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'kim', ServiceSpecificCredentialId: id }))
    expect((await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'kim' }))).ServiceSpecificCredentials).toEqual([])
    await iam.send(new DeleteUserCommand({ UserName: 'kim' }))
  })

  it('rejects a credential id that is unknown or belongs to another user', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'lee' }))
    await iam.send(new CreateUserCommand({ UserName: 'max' }))
    const { ServiceSpecificCredential } = await create('lee', CODECOMMIT)
    const id = ServiceSpecificCredential!.ServiceSpecificCredentialId
    for (const send of [
      () => iam.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'max', ServiceSpecificCredentialId: id, Status: 'Inactive' })),
      () => iam.send(new ResetServiceSpecificCredentialCommand({ UserName: 'max', ServiceSpecificCredentialId: id })),
      () => iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'max', ServiceSpecificCredentialId: id })),
      () => iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'lee', ServiceSpecificCredentialId: 'ACCA' + 'X'.repeat(17) })),
    ]) {
      await expect(send()).rejects.toMatchObject({ name: 'NoSuchEntityException', $metadata: { httpStatusCode: 404 } })
    }
    expect((await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'lee' }))).ServiceSpecificCredentials).toMatchObject([{ Status: 'Active' }])
  })

  it('lets a user manage its own credentials without UserName, for the services its policy names', async () => {
    const user = await createTestUser(palisade, 'git-user')
    await iam.send(new PutUserPolicyCommand({
      UserName: 'git-user',
      PolicyName: 'OwnGit',
      PolicyDocument: policy(
        { Effect: 'Allow', Action: 'iam:CreateServiceSpecificCredential', Resource: user.arn, Condition: { StringEquals: { 'iam:ServiceSpecificCredentialServiceName': CODECOMMIT } } },
        { Effect: 'Allow', Action: ['iam:ListServiceSpecificCredentials', 'iam:DeleteServiceSpecificCredential'], Resource: user.arn },
      ),
    }))
    const own = (await user.client.send(new CreateServiceSpecificCredentialCommand({ UserName: 'git-user', ServiceName: CODECOMMIT }))).ServiceSpecificCredential!
    await expect(user.client.send(new CreateServiceSpecificCredentialCommand({ UserName: 'git-user', ServiceName: KEYSPACES }))).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
    expect((await user.client.send(new ListServiceSpecificCredentialsCommand({}))).ServiceSpecificCredentials!.map((credential) => credential.ServiceSpecificCredentialId)).toEqual([own.ServiceSpecificCredentialId])
    await user.client.send(new DeleteServiceSpecificCredentialCommand({ ServiceSpecificCredentialId: own.ServiceSpecificCredentialId }))
    expect((await iam.send(new ListServiceSpecificCredentialsCommand({}))).ServiceSpecificCredentials).toEqual([])
  })
})

describe.skipIf(!awsCliAvailable)('service-specific credentials with the AWS CLI', () => {
  it('creates a CodeCommit credential and lists it', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'cli-git' }))
    const created = await awsCli(palisade.url, palisade.root, ['iam', 'create-service-specific-credential', '--user-name', 'cli-git', '--service-name', CODECOMMIT])
    expect(created.code).toBe(0)
    expect(JSON.parse(created.stdout).ServiceSpecificCredential).toMatchObject({ ServiceUserName: `cli-git-at-${ACCOUNT}`, Status: 'Active' })
    const listed = await awsCli(palisade.url, palisade.root, ['iam', 'list-service-specific-credentials', '--user-name', 'cli-git'])
    expect(JSON.parse(listed.stdout).ServiceSpecificCredentials).toHaveLength(1)
  })
})
