// Organization trails through the SDK: the management account's trail needs trusted access, then records a member
// account's calls under AWSLogs/O-ID/ACCOUNT; a member account cannot create one.
import { CreateTrailCommand, DescribeTrailsCommand, GetTrailCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail'
import { CreateUserCommand } from '@aws-sdk/client-iam'
import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3'
import { CreateOrganizationCommand, EnableAWSServiceAccessCommand } from '@aws-sdk/client-organizations'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAccount, iam, managementAdmin, memberAdminRole, organizations } from '../organizations/enforcement-support.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { cloudTrailClient, listKeys, readGzipJson, s3Client } from './trails-e2e-support.js'

const MANAGEMENT = '000000000000'
const BUCKET = 'org-trail-logs'
const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure') }, (error: { name: string }) => error)

describe('organization trails', () => {
  let palisade: TestPalisade
  let organizationId: string
  let memberId: string
  /** A session of the member account's OrganizationAccountAccessRole. */
  let memberRole: Awaited<ReturnType<typeof memberAdminRole>>
  beforeAll(async () => {
    palisade = await startTestPalisade()
    const org = organizations(palisade, palisade.root)
    organizationId = (await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.Id!
    memberId = await createAccount(org, 'Workload')
    memberRole = await memberAdminRole(palisade, await managementAdmin({ url: palisade.url, managementRoot: palisade.root }), memberId)
    const s3 = s3Client(palisade)
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }))
    // AWS's organization trail bucket policy: the management account's folder and the organization's.
    const sourceArn = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org`
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${BUCKET}`, Condition: { StringEquals: { 'aws:SourceArn': sourceArn } } },
        {
          Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject',
          Resource: [`arn:aws:s3:::${BUCKET}/AWSLogs/${MANAGEMENT}/*`, `arn:aws:s3:::${BUCKET}/AWSLogs/${organizationId}/*`],
          Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': sourceArn } },
        },
      ],
    }) }))
  })
  afterAll(() => palisade.stop())

  it('needs trusted access for CloudTrail, then records a member account under AWSLogs/O-ID/ACCOUNT', async () => {
    const cloudtrail = cloudTrailClient(palisade)
    const untrusted = await failure(cloudtrail.send(new CreateTrailCommand({ Name: 'org', S3BucketName: BUCKET, IsOrganizationTrail: true })))
    expect(untrusted.name).toBe('CloudTrailAccessNotEnabledException')

    await organizations(palisade, palisade.root).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'cloudtrail.amazonaws.com' }))
    const created = await cloudtrail.send(new CreateTrailCommand({ Name: 'org', S3BucketName: BUCKET, IsOrganizationTrail: true, IsMultiRegionTrail: true }))
    expect(created.IsOrganizationTrail).toBe(true)
    expect((await cloudtrail.send(new GetTrailCommand({ Name: 'org' }))).Trail!.IsOrganizationTrail).toBe(true)
    await cloudtrail.send(new StartLoggingCommand({ Name: 'org' }))
    await iam(palisade, memberRole).send(new CreateUserCommand({ UserName: 'member-user' }))
    await cloudtrail.send(new StopLoggingCommand({ Name: 'org' }))

    const s3 = s3Client(palisade)
    const memberFiles = await listKeys(s3, BUCKET, `AWSLogs/${organizationId}/${memberId}/CloudTrail/us-east-1/`)
    expect(memberFiles.length).toBeGreaterThan(0)
    const records = (await Promise.all(memberFiles.map((key) => readGzipJson<{ Records: { eventName: string; recipientAccountId: string; userIdentity: { type: string } }[] }>(s3, BUCKET, key))))
      .flatMap((file) => file.json.Records)
    expect(records.find((record) => record.eventName === 'CreateUser')).toMatchObject({ recipientAccountId: memberId, userIdentity: { type: 'AssumedRole' } })
    expect(records.every((record) => record.recipientAccountId === memberId)).toBe(true)
    expect((await listKeys(s3, BUCKET, `AWSLogs/${organizationId}/${MANAGEMENT}/`)).length).toBeGreaterThan(0) // the management account's own calls
  })

  it('shows the organization trail to a member account, which cannot change it', async () => {
    const member = cloudTrailClient(palisade, memberRole)
    const { trailList } = await member.send(new DescribeTrailsCommand({}))
    expect(trailList!.map((trail) => [trail.TrailARN, trail.IsOrganizationTrail])).toEqual([[`arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org`, true]])
    // The organization trail is a shadow trail in the member account: left out without shadow trails.
    expect((await member.send(new DescribeTrailsCommand({ includeShadowTrails: false }))).trailList).toEqual([])
    expect((await failure(member.send(new StopLoggingCommand({ Name: 'org' })))).name).toBe('TrailNotFoundException')
  })

  it('refuses an organization trail from a member account', async () => {
    const error = await failure(cloudTrailClient(palisade, memberRole).send(new CreateTrailCommand({ Name: 'member', S3BucketName: BUCKET, IsOrganizationTrail: true })))
    expect(error.name).toBe('NotOrganizationMasterAccountException')
  })
})
