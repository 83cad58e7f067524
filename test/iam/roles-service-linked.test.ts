// End to end: service-linked roles (names, path, trust policy, suffixes, protection, deletion tasks) with the AWS SDK v3.
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  CreateServiceLinkedRoleCommand,
  DeleteRoleCommand,
  DeleteServiceLinkedRoleCommand,
  GetRoleCommand,
  GetServiceLinkedRoleDeletionStatusCommand,
  IAMClient,
  RemoveRoleFromInstanceProfileCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

let palisade: TestPalisade
let iam: IAMClient
beforeAll(async () => {
  palisade = await startTestPalisade()
  iam = new IAMClient({ endpoint: palisade.url, region: 'us-east-1', credentials: palisade.root, maxAttempts: 1 })
})
afterAll(() => palisade.stop())

describe('CreateServiceLinkedRole', () => {
  it.each([
    { name: 'Auto Scaling', service: 'autoscaling.amazonaws.com', roleName: 'AWSServiceRoleForAutoScaling' },
    { name: 'Elastic Beanstalk', service: 'elasticbeanstalk.amazonaws.com', roleName: 'AWSServiceRoleForElasticBeanstalk' },
    { name: 'ECS', service: 'ecs.amazonaws.com', roleName: 'AWSServiceRoleForECS' },
    { name: 'Spot Fleet', service: 'spotfleet.amazonaws.com', roleName: 'AWSServiceRoleForEC2SpotFleet' },
  ])('names the $name role as AWS does, under /aws-service-role/<service>/', async ({ service, roleName }) => {
    const { Role } = await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: service, Description: 'linked' }))
    expect(Role).toMatchObject({
      RoleName: roleName,
      Path: `/aws-service-role/${service}/`,
      Arn: `arn:aws:iam::000000000000:role/aws-service-role/${service}/${roleName}`,
      Description: 'linked',
    })
    expect(JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: [service] }, Action: ['sts:AssumeRole'] }],
    })
  })

  it('appends a custom suffix after an underscore', async () => {
    const { Role } = await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com', CustomSuffix: 'Fleet1' }))
    expect(Role!.RoleName).toBe('AWSServiceRoleForAutoScaling_Fleet1')
  })

  it('refuses a suffix that makes the role name longer than 64 characters with InvalidInput', async () => {
    await expect(iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com', CustomSuffix: 'x'.repeat(36) })))
      .rejects.toMatchObject({ name: 'InvalidInputException', $metadata: { httpStatusCode: 400 } })
    const { Role } = await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com', CustomSuffix: 'x'.repeat(35) }))
    expect(Role!.RoleName).toHaveLength(64)
  })

  it('refuses a name already taken with InvalidInput', async () => {
    await expect(iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com' }))).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: 'Service role name AWSServiceRoleForAutoScaling has been taken in this account, please try a different suffix.',
      $metadata: { httpStatusCode: 400 },
    })
  })
})

describe('protection of service-linked roles', () => {
  it('refuses DeleteRole with UnmodifiableEntity', async () => {
    await expect(iam.send(new DeleteRoleCommand({ RoleName: 'AWSServiceRoleForECS' }))).rejects.toMatchObject({
      name: 'UnmodifiableEntityException',
      message: "Cannot perform the operation on the protected role 'AWSServiceRoleForECS' - this role is only modifiable by AWS",
      $metadata: { httpStatusCode: 400 },
    })
  })

  it('refuses UpdateAssumeRolePolicy with UnmodifiableEntity', async () => {
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] })
    await expect(iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'AWSServiceRoleForECS', PolicyDocument: document })))
      .rejects.toMatchObject({ name: 'UnmodifiableEntityException' })
  })
})

describe('DeleteServiceLinkedRole and GetServiceLinkedRoleDeletionStatus', () => {
  it('deletes the role and reports the task as SUCCEEDED', async () => {
    const { DeletionTaskId } = await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'AWSServiceRoleForECS' }))
    expect(DeletionTaskId).toMatch(/^task\/aws-service-role\/ecs\.amazonaws\.com\/AWSServiceRoleForECS\/[0-9a-f-]{36}$/)
    expect(await iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId }))).toMatchObject({ Status: 'SUCCEEDED' })
    await expect(iam.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForECS' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' })
  })

  it('reports FAILED with the reason while the role is still in an instance profile, and keeps the role', async () => {
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'Holder' }))
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'Holder', RoleName: 'AWSServiceRoleForElasticBeanstalk' }))
    const { DeletionTaskId } = await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'AWSServiceRoleForElasticBeanstalk' }))
    expect(await iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId }))).toMatchObject({
      Status: 'FAILED',
      Reason: { Reason: 'Cannot delete entity, must remove roles from instance profile first.' },
    })
    await iam.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForElasticBeanstalk' }))
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'Holder', RoleName: 'AWSServiceRoleForElasticBeanstalk' }))
  })

  it('refuses an ordinary role with InvalidInput and a missing one with NoSuchEntity', async () => {
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] })
    await iam.send(new CreateRoleCommand({ RoleName: 'Ordinary', AssumeRolePolicyDocument: document }))
    await expect(iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'Ordinary' }))).rejects.toMatchObject({ name: 'InvalidInputException' })
    await expect(iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'Nobody' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role with name Nobody cannot be found.',
    })
  })

  it('reports an unknown deletion task with NoSuchEntity', async () => {
    const DeletionTaskId = 'task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/00000000-0000-4000-8000-000000000000'
    await expect(iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId }))).rejects.toMatchObject({ name: 'NoSuchEntityException' })
  })
})

describe.skipIf(!awsCliAvailable)('service-linked roles with the AWS CLI', () => {
  it('creates a role and polls its deletion', async () => {
    const created = await awsCli(palisade.url, palisade.root, ['iam', 'create-service-linked-role', '--aws-service-name', 'rds.amazonaws.com'])
    expect(JSON.parse(created.stdout).Role.RoleName).toBe('AWSServiceRoleForRDS')
    const deleted = await awsCli(palisade.url, palisade.root, ['iam', 'delete-service-linked-role', '--role-name', 'AWSServiceRoleForRDS'])
    const { DeletionTaskId } = JSON.parse(deleted.stdout)
    const status = await awsCli(palisade.url, palisade.root, ['iam', 'get-service-linked-role-deletion-status', '--deletion-task-id', DeletionTaskId])
    expect(JSON.parse(status.stdout)).toEqual({ Status: 'SUCCEEDED' })
  })
})
