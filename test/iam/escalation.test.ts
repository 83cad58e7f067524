// End to end: the documented IAM privilege-escalation paths. Each fails for a user without the one permission it
// needs and succeeds once that exact permission is granted (and, where the path grants more, the user then has it).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-attach-detach.html and the escalation
// paths catalogued in IAM security reviews (new policy version, attach/put policy on oneself, join a group, keys or
// passwords for others, trust policy rewrite, boundary removal).
import {
  AddRoleToInstanceProfileCommand,
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateInstanceProfileCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteUserPermissionsBoundaryCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  IAMClient,
  ListUsersCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  SetDefaultPolicyVersionCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { ACCOUNT, allow, createTestUser, expectDenied, policy, rootClient, type TestUser } from './enforcement-support.js'

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess'
const ADMIN_DOCUMENT = allow('*')
const TRUST_EC2 = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] })

interface Scene {
  readonly root: IAMClient
  readonly attacker: TestUser
  /** A name unique to this test, for the resources it creates. */
  readonly id: string
}

interface EscalationPath {
  readonly name: string
  /** The one permission the path needs. */
  readonly action: string
  readonly setup?: (scene: Scene) => Promise<void>
  readonly attempt: (scene: Scene) => Promise<unknown>
  /** After the attempt succeeded: the attacker now holds what the path grants. */
  readonly escalated?: (scene: Scene) => Promise<unknown>
}

const listUsers = ({ attacker }: Scene) => attacker.client.send(new ListUsersCommand({}))

const paths: EscalationPath[] = [
  {
    name: 'iam:CreatePolicyVersion makes an admin default version of a policy attached to oneself',
    action: 'iam:CreatePolicyVersion',
    setup: async ({ root, attacker, id }) => {
      await root.send(new CreatePolicyCommand({ PolicyName: id, PolicyDocument: allow('iam:GetUser') }))
      await root.send(new AttachUserPolicyCommand({ UserName: attacker.name, PolicyArn: policyArn(id) }))
    },
    attempt: ({ attacker, id }) => attacker.client.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn(id), PolicyDocument: ADMIN_DOCUMENT, SetAsDefault: true })),
    escalated: listUsers,
  },
  {
    name: 'iam:SetDefaultPolicyVersion switches a policy attached to oneself to an older, broader version',
    action: 'iam:SetDefaultPolicyVersion',
    setup: async ({ root, attacker, id }) => {
      await root.send(new CreatePolicyCommand({ PolicyName: id, PolicyDocument: allow('iam:GetUser') }))
      await root.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn(id), PolicyDocument: ADMIN_DOCUMENT }))
      await root.send(new AttachUserPolicyCommand({ UserName: attacker.name, PolicyArn: policyArn(id) }))
    },
    attempt: ({ attacker, id }) => attacker.client.send(new SetDefaultPolicyVersionCommand({ PolicyArn: policyArn(id), VersionId: 'v2' })),
    escalated: listUsers,
  },
  {
    name: 'iam:AttachUserPolicy attaches AdministratorAccess to oneself',
    action: 'iam:AttachUserPolicy',
    attempt: ({ attacker }) => attacker.client.send(new AttachUserPolicyCommand({ UserName: attacker.name, PolicyArn: ADMIN })),
    escalated: listUsers,
  },
  {
    name: "iam:AttachGroupPolicy attaches AdministratorAccess to one's own group",
    action: 'iam:AttachGroupPolicy',
    setup: async ({ root, attacker, id }) => {
      await root.send(new CreateGroupCommand({ GroupName: id }))
      await root.send(new AddUserToGroupCommand({ GroupName: id, UserName: attacker.name }))
    },
    attempt: ({ attacker, id }) => attacker.client.send(new AttachGroupPolicyCommand({ GroupName: id, PolicyArn: ADMIN })),
    escalated: listUsers,
  },
  {
    name: 'iam:AttachRolePolicy attaches AdministratorAccess to a role',
    action: 'iam:AttachRolePolicy',
    setup: ({ root, id }) => root.send(new CreateRoleCommand({ RoleName: id, AssumeRolePolicyDocument: TRUST_EC2 })).then(() => undefined),
    attempt: ({ attacker, id }) => attacker.client.send(new AttachRolePolicyCommand({ RoleName: id, PolicyArn: ADMIN })),
  },
  {
    name: 'iam:PutUserPolicy writes an admin inline policy on oneself',
    action: 'iam:PutUserPolicy',
    attempt: ({ attacker }) => attacker.client.send(new PutUserPolicyCommand({ UserName: attacker.name, PolicyName: 'mine', PolicyDocument: ADMIN_DOCUMENT })),
    escalated: listUsers,
  },
  {
    name: "iam:PutGroupPolicy writes an admin inline policy on one's own group",
    action: 'iam:PutGroupPolicy',
    setup: async ({ root, attacker, id }) => {
      await root.send(new CreateGroupCommand({ GroupName: id }))
      await root.send(new AddUserToGroupCommand({ GroupName: id, UserName: attacker.name }))
    },
    attempt: ({ attacker, id }) => attacker.client.send(new PutGroupPolicyCommand({ GroupName: id, PolicyName: 'mine', PolicyDocument: ADMIN_DOCUMENT })),
    escalated: listUsers,
  },
  {
    name: 'iam:PutRolePolicy writes an admin inline policy on a role',
    action: 'iam:PutRolePolicy',
    setup: ({ root, id }) => root.send(new CreateRoleCommand({ RoleName: id, AssumeRolePolicyDocument: TRUST_EC2 })).then(() => undefined),
    attempt: ({ attacker, id }) => attacker.client.send(new PutRolePolicyCommand({ RoleName: id, PolicyName: 'mine', PolicyDocument: ADMIN_DOCUMENT })),
  },
  {
    name: 'iam:AddUserToGroup adds oneself to an admin group',
    action: 'iam:AddUserToGroup',
    setup: async ({ root, id }) => {
      await root.send(new CreateGroupCommand({ GroupName: id }))
      await root.send(new AttachGroupPolicyCommand({ GroupName: id, PolicyArn: ADMIN }))
    },
    attempt: ({ attacker, id }) => attacker.client.send(new AddUserToGroupCommand({ GroupName: id, UserName: attacker.name })),
    escalated: listUsers,
  },
  {
    name: 'iam:CreateAccessKey creates a key for another (admin) user',
    action: 'iam:CreateAccessKey',
    setup: async ({ root, id }) => {
      await root.send(new CreateUserCommand({ UserName: id }))
      await root.send(new AttachUserPolicyCommand({ UserName: id, PolicyArn: ADMIN }))
    },
    attempt: ({ attacker, id }) => attacker.client.send(new CreateAccessKeyCommand({ UserName: id })),
  },
  {
    name: 'iam:CreateLoginProfile sets a console password for another (admin) user',
    action: 'iam:CreateLoginProfile',
    setup: async ({ root, id }) => {
      await root.send(new CreateUserCommand({ UserName: id }))
      await root.send(new AttachUserPolicyCommand({ UserName: id, PolicyArn: ADMIN }))
    },
    attempt: ({ attacker, id }) => attacker.client.send(new CreateLoginProfileCommand({ UserName: id, Password: 'Escalate-1234!' })),
  },
  {
    name: "iam:UpdateLoginProfile resets another (admin) user's console password",
    action: 'iam:UpdateLoginProfile',
    setup: async ({ root, id }) => {
      await root.send(new CreateUserCommand({ UserName: id }))
      await root.send(new AttachUserPolicyCommand({ UserName: id, PolicyArn: ADMIN }))
      await root.send(new CreateLoginProfileCommand({ UserName: id, Password: 'Original-1234!' }))
    },
    attempt: ({ attacker, id }) => attacker.client.send(new UpdateLoginProfileCommand({ UserName: id, Password: 'Escalate-1234!' })),
  },
  {
    name: "iam:UpdateAssumeRolePolicy rewrites a role's trust policy to trust oneself",
    action: 'iam:UpdateAssumeRolePolicy',
    setup: ({ root, id }) => root.send(new CreateRoleCommand({ RoleName: id, AssumeRolePolicyDocument: TRUST_EC2 })).then(() => undefined),
    attempt: ({ attacker, id }) => attacker.client.send(new UpdateAssumeRolePolicyCommand({
      RoleName: id,
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: attacker.arn }, Action: 'sts:AssumeRole' }] }),
    })),
  },
  {
    name: 'iam:DeleteUserPermissionsBoundary removes the boundary that caps oneself',
    action: 'iam:DeleteUserPermissionsBoundary',
    setup: async ({ root, attacker, id }) => {
      // Its own policies allow listing users, but the boundary does not; the boundary does allow removing itself.
      await root.send(new PutUserPolicyCommand({ UserName: attacker.name, PolicyName: 'list', PolicyDocument: allow('iam:ListUsers') }))
      await root.send(new CreatePolicyCommand({ PolicyName: id, PolicyDocument: allow(['iam:GetUser', 'iam:DeleteUserPermissionsBoundary']) }))
      await root.send(new PutUserPermissionsBoundaryCommand({ UserName: attacker.name, PermissionsBoundary: policyArn(id) }))
    },
    attempt: ({ attacker }) => attacker.client.send(new DeleteUserPermissionsBoundaryCommand({ UserName: attacker.name })),
    escalated: listUsers,
  },
  {
    name: 'iam:DeleteUserPolicy removes the inline policy that denies oneself',
    action: 'iam:DeleteUserPolicy',
    setup: async ({ root, attacker }) => {
      await root.send(new PutUserPolicyCommand({ UserName: attacker.name, PolicyName: 'list', PolicyDocument: allow('iam:ListUsers') }))
      await root.send(new PutUserPolicyCommand({ UserName: attacker.name, PolicyName: 'deny', PolicyDocument: policy({ Effect: 'Deny', Action: 'iam:ListUsers' }) }))
    },
    attempt: ({ attacker }) => attacker.client.send(new DeleteUserPolicyCommand({ UserName: attacker.name, PolicyName: 'deny' })),
    escalated: listUsers,
  },
  {
    name: 'iam:DetachUserPolicy detaches the managed policy that denies oneself',
    action: 'iam:DetachUserPolicy',
    setup: async ({ root, attacker, id }) => {
      await root.send(new PutUserPolicyCommand({ UserName: attacker.name, PolicyName: 'list', PolicyDocument: allow('iam:ListUsers') }))
      await root.send(new CreatePolicyCommand({ PolicyName: id, PolicyDocument: policy({ Effect: 'Deny', Action: 'iam:ListUsers' }) }))
      await root.send(new AttachUserPolicyCommand({ UserName: attacker.name, PolicyArn: policyArn(id) }))
    },
    attempt: ({ attacker, id }) => attacker.client.send(new DetachUserPolicyCommand({ UserName: attacker.name, PolicyArn: policyArn(id) })),
    escalated: listUsers,
  },
  {
    name: "iam:PutRolePermissionsBoundary widens a role's boundary",
    action: 'iam:PutRolePermissionsBoundary',
    setup: async ({ root, id }) => {
      await root.send(new CreateRoleCommand({ RoleName: id, AssumeRolePolicyDocument: TRUST_EC2 }))
      await root.send(new PutRolePermissionsBoundaryCommand({ RoleName: id, PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }))
    },
    attempt: ({ attacker, id }) => attacker.client.send(new PutRolePermissionsBoundaryCommand({ RoleName: id, PermissionsBoundary: ADMIN })),
  },
  {
    name: "iam:DeleteRolePermissionsBoundary removes a role's boundary",
    action: 'iam:DeleteRolePermissionsBoundary',
    setup: async ({ root, id }) => {
      await root.send(new CreateRoleCommand({ RoleName: id, AssumeRolePolicyDocument: TRUST_EC2 }))
      await root.send(new PutRolePermissionsBoundaryCommand({ RoleName: id, PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }))
    },
    attempt: ({ attacker, id }) => attacker.client.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: id })),
  },
]

describe('IAM privilege-escalation paths', () => {
  let palisade: TestPalisade
  let root: IAMClient
  let count = 0
  beforeAll(async () => {
    palisade = await startTestPalisade()
    root = rootClient(palisade)
  })
  afterAll(() => palisade.stop())

  it.each(paths)('$name', async (path) => {
    const id = `esc${++count}`
    const attacker = await createTestUser(palisade, `${id}-attacker`)
    const scene: Scene = { root, attacker, id }
    await path.setup?.(scene)
    await expectDenied(path.attempt(scene), `because no identity-based policy allows the ${path.action} action`)
    if (path.escalated) await expectDenied(path.escalated(scene))

    await root.send(new PutUserPolicyCommand({ UserName: attacker.name, PolicyName: 'exact', PolicyDocument: allow(path.action) }))
    await path.attempt(scene)
    if (path.escalated) await path.escalated(scene)
  })

  it('needs iam:PassRole on the role, besides iam:AddRoleToInstanceProfile, to put a role in an instance profile', async () => {
    const attacker = await createTestUser(palisade, 'passrole-attacker')
    await root.send(new CreateRoleCommand({ RoleName: 'PassedAdmin', AssumeRolePolicyDocument: TRUST_EC2 }))
    await root.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'PassedProfile' }))
    await root.send(new PutUserPolicyCommand({ UserName: attacker.name, PolicyName: 'profile', PolicyDocument: allow('iam:AddRoleToInstanceProfile') }))
    const add = () => attacker.client.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'PassedProfile', RoleName: 'PassedAdmin' }))
    await expectDenied(add(), `on resource: arn:aws:iam::${ACCOUNT}:role/PassedAdmin because no identity-based policy allows the iam:PassRole action`)
    await root.send(new PutUserPolicyCommand({
      UserName: attacker.name,
      PolicyName: 'pass',
      PolicyDocument: policy({ Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${ACCOUNT}:role/PassedAdmin`, Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } }),
    }))
    await add()
  })

  it('keeps the boundary in force against the very permission that would remove it, until the boundary allows it', async () => {
    const attacker = await createTestUser(palisade, 'bounded-attacker')
    const boundary = (await root.send(new CreatePolicyCommand({ PolicyName: 'bounded', PolicyDocument: allow('iam:GetUser') }))).Policy!.Arn!
    await root.send(new PutUserPermissionsBoundaryCommand({ UserName: attacker.name, PermissionsBoundary: boundary }))
    await root.send(new PutUserPolicyCommand({ UserName: attacker.name, PolicyName: 'exact', PolicyDocument: allow('iam:DeleteUserPermissionsBoundary') }))
    await expectDenied(
      attacker.client.send(new DeleteUserPermissionsBoundaryCommand({ UserName: attacker.name })),
      'because no permissions boundary allows the iam:DeleteUserPermissionsBoundary action',
    )
  })
})

function policyArn(name: string): string {
  return `arn:aws:iam::${ACCOUNT}:policy/${name}`
}
