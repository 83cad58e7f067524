// SCPs limit S3 like every other service: an SCP denying S3 reads in a member account refuses object reads (decided
// once the object is looked up) and listings alike, while its own IAM policies allow them.
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  attachNewPolicy, buildTree, expectDenied, managementAdmin, memberAdminRole, organizations, startTwoAccountPalisade,
  type OrganizationTree, type TwoAccountPalisade,
} from '../organizations/enforcement-support.js'
import { s3Client } from './s3-support.js'

let server: TwoAccountPalisade
let tree: OrganizationTree
let member: S3Client

beforeAll(async () => {
  server = await startTwoAccountPalisade()
  tree = await buildTree(server, { invite: false })
  const role = await memberAdminRole(server, await managementAdmin(server), tree.createdAccountId)
  member = s3Client(server, role)
  await member.send(new CreateBucketCommand({ Bucket: 'member-data' }))
  await member.send(new PutObjectCommand({ Bucket: 'member-data', Key: 'a.txt', Body: 'a' }))
})
afterAll(async () => server.stop())

describe('an SCP denying S3 reads', () => {
  it('refuses GetObject and ListObjectsV2 in the member account, which its IAM policies allow', async () => {
    expect(await (await member.send(new GetObjectCommand({ Bucket: 'member-data', Key: 'a.txt' }))).Body!.transformToString()).toBe('a')
    await attachNewPolicy(organizations(server, server.managementRoot), 'deny-s3-reads', tree.regulatedId, [
      { Effect: 'Deny', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' },
    ])
    await expectDenied(member.send(new GetObjectCommand({ Bucket: 'member-data', Key: 'a.txt' })), /explicit deny in a service control policy/)
    await expectDenied(member.send(new ListObjectsV2Command({ Bucket: 'member-data' })), /explicit deny in a service control policy/)
    // Not named by the SCP: still allowed.
    await member.send(new PutObjectCommand({ Bucket: 'member-data', Key: 'b.txt', Body: 'b' }))
  })
})
