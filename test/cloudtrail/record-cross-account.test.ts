// A cross-account call is recorded in both accounts with one sharedEventID: the caller's account sees its principal,
// the resource owner's account sees the calling account (AWSAccount).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { AssumeRoleCommand } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPalisade, type Palisade } from '../../src/app/start-palisade.js'
import { readConfig } from '../../src/config/config.js'
import { silentLogger } from '../../src/core/logger.js'
import type { TestPalisade } from '../support/palisade.js'
import { clients, eventsNamed } from './cloudtrail-support.js'

const CALLER_ACCOUNT = '000000000000'
const OWNER_ACCOUNT = '222222222222'
const CALLER_ROOT = { accessKeyId: 'AKIACALLERACCOUNTROOT', secretAccessKey: 'caller/account/root/secret/0000000000000' }
const OWNER_ROOT = { accessKeyId: 'AKIAOWNERACCOUNTROOT0', secretAccessKey: 'owner/account/root/secret/00000000000000' }

describe('CloudTrail recording of a cross-account AssumeRole', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'palisade-ct-cross-'))
  let palisade: Palisade
  let server: TestPalisade

  beforeAll(async () => {
    // One data directory started twice: each start creates its default account with the root key given.
    const start = (accountId: string, root: typeof CALLER_ROOT) => startPalisade(readConfig(['--port', '0', '--data-dir', dataDir, '--account-id', accountId,
      '--root-access-key-id', root.accessKeyId, '--root-secret-access-key', root.secretAccessKey], {}), { log: silentLogger })
    await (await start(OWNER_ACCOUNT, OWNER_ROOT)).close()
    palisade = await start(CALLER_ACCOUNT, CALLER_ROOT)
    server = { ...palisade, dataDir, root: CALLER_ROOT, stop: async () => {} }

    const owner = clients(server, OWNER_ROOT)
    await owner.iam.send(new CreateRoleCommand({
      RoleName: 'shared-reader',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${CALLER_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }),
    }))
    const caller = clients(server, CALLER_ROOT)
    await caller.iam.send(new CreateUserCommand({ UserName: 'bob' }))
    await caller.iam.send(new PutUserPolicyCommand({
      UserName: 'bob', PolicyName: 'assume', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }),
    }))
    const key = await caller.iam.send(new CreateAccessKeyCommand({ UserName: 'bob' }))
    await clients(server, { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! }).sts.send(new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${OWNER_ACCOUNT}:role/shared-reader`, RoleSessionName: 'bob-reads',
    }))
  })
  afterAll(async () => {
    await palisade.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('records the call in the caller\'s account and a copy in the role\'s account, joined by sharedEventID', async () => {
    const [mine] = await eventsNamed(clients(server, CALLER_ROOT).cloudtrail, 'AssumeRole')
    const [theirs] = await eventsNamed(clients(server, OWNER_ROOT).cloudtrail, 'AssumeRole')
    expect(mine).toMatchObject({
      recipientAccountId: CALLER_ACCOUNT,
      userIdentity: { type: 'IAMUser', userName: 'bob', accountId: CALLER_ACCOUNT },
      requestParameters: { roleArn: `arn:aws:iam::${OWNER_ACCOUNT}:role/shared-reader`, roleSessionName: 'bob-reads' },
    })
    expect(theirs).toMatchObject({
      recipientAccountId: OWNER_ACCOUNT,
      userIdentity: { type: 'AWSAccount', accountId: CALLER_ACCOUNT, principalId: mine!.userIdentity.principalId },
      requestParameters: { roleArn: `arn:aws:iam::${OWNER_ACCOUNT}:role/shared-reader`, roleSessionName: 'bob-reads' },
      resources: [{ ARN: `arn:aws:iam::${OWNER_ACCOUNT}:role/shared-reader`, accountId: OWNER_ACCOUNT, type: 'AWS::IAM::Role' }],
    })
    expect(mine!.sharedEventID).toMatch(/^[0-9a-f-]{36}$/)
    expect(theirs!.sharedEventID).toBe(mine!.sharedEventID)
    expect(theirs!.eventID).not.toBe(mine!.eventID)
    expect(theirs!.userIdentity.arn).toBeUndefined()
  })

  it('records a same-account call once, without sharedEventID', async () => {
    const [created] = await eventsNamed(clients(server, CALLER_ROOT).cloudtrail, 'CreateUser')
    expect(created!.sharedEventID).toBeUndefined()
    expect(await eventsNamed(clients(server, OWNER_ROOT).cloudtrail, 'CreateUser')).toEqual([])
  })
})
