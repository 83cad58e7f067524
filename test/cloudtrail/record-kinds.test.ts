// The record of a call by kind: data events (S3 object calls with their object and bucket), KMS's cryptographic calls
// (management, read-only, no response), unsigned and federated callers, role sessions and TLS details.
import { describe, expect, it } from 'vitest'
import type { StartedCall } from '../../src/audit/audit-sink.js'
import type { Caller } from '../../src/core/caller.js'
import { serviceModels } from '../../src/generated/services.js'
import { eventRecords, type RecordContext } from '../../src/services/cloudtrail/event-record.js'

const ACCOUNT = '111122223333'
let next = 0
const context: RecordContext = {
  models: serviceModels, defaultAccountId: '000000000000',
  eventId: () => `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`, uuid: () => `ffffffff-0000-4000-8000-${String(++next).padStart(12, '0')}`,
}
const user: Caller = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/ops/alice`, accountId: ACCOUNT, userId: 'AIDAALICE000000000000', accessKeyId: 'AKIAALICE00000000000' }
const call = (fields: Partial<StartedCall> & Pick<StartedCall, 'service' | 'operation'>): StartedCall & { output?: unknown; status: number } => ({
  requestId: 'req', time: new Date('2026-05-01T10:00:00.900Z'), caller: user, region: 'us-east-1', sourceIp: '192.0.2.1', readOnly: false, status: 200, ...fields,
})

describe('eventRecords', () => {
  it('records an S3 upload as a data event naming the object and its bucket, without the body or the SSE-C key', () => {
    const [record] = eventRecords(call({
      service: 's3', operation: 'PutObject', resources: ['arn:aws:s3:::reports/2026/q1.csv'], resourceAccountId: ACCOUNT,
      input: { Bucket: 'reports', Key: '2026/q1.csv', Body: new Uint8Array([1, 2, 3]), SSECustomerAlgorithm: 'AES256', SSECustomerKey: 'c2VjcmV0LWtleS1tYXRlcmlhbA==' },
    }), context)
    expect(record).toMatchObject({
      eventSource: 's3.amazonaws.com', eventName: 'PutObject', managementEvent: false, eventCategory: 'Data', readOnly: false,
      requestParameters: { bucketName: 'reports', key: '2026/q1.csv', sSECustomerAlgorithm: 'AES256' },
      resources: [
        { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::reports/2026/q1.csv' },
        { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::reports' },
      ],
    })
    expect(JSON.stringify(record)).not.toContain('c2VjcmV0')
    expect(record!.requestParameters).not.toHaveProperty('body')
  })

  it('records a KMS Decrypt as a read-only management event with the key and no response elements', () => {
    const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`
    const [record] = eventRecords({
      ...call({ service: 'kms', operation: 'Decrypt', resources: [keyArn], input: { CiphertextBlob: new Uint8Array([9, 9]), EncryptionContext: { purpose: 'test' } } }),
      output: { KeyId: keyArn, Plaintext: new Uint8Array([104, 105]), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    }, context)
    expect(record).toMatchObject({
      eventCategory: 'Management', managementEvent: true, readOnly: true, responseElements: null,
      requestParameters: { encryptionContext: { purpose: 'test' } },
      resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: keyArn }],
    })
  })

  it('records an anonymous S3 read as the anonymous AWSAccount in the bucket owner\'s account', () => {
    const [record] = eventRecords(call({
      service: 's3', operation: 'GetObject', readOnly: true, caller: { type: 'Anonymous', arn: '*', accountId: '000000000000', userId: 'anonymous' },
      resources: ['arn:aws:s3:::public-site/index.html'], resourceAccountId: ACCOUNT, input: { Bucket: 'public-site', Key: 'index.html' },
    }), context)
    expect(record).toMatchObject({ userIdentity: { type: 'AWSAccount', principalId: '', accountId: 'anonymous' }, recipientAccountId: ACCOUNT, readOnly: true })
  })

  it('records AssumeRoleWithWebIdentity as the web identity user, in the role\'s account, without the token', () => {
    const token = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'https://issuer.example.com', sub: 'repo:org/app', aud: 'sts.amazonaws.com' })).toString('base64url')}.c2ln`
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/deploy`
    const [record] = eventRecords({
      ...call({ service: 'sts', operation: 'AssumeRoleWithWebIdentity', caller: { type: 'Anonymous', arn: '*', accountId: '000000000000', userId: 'anonymous' }, resources: [roleArn],
        input: { RoleArn: roleArn, RoleSessionName: 'ci', WebIdentityToken: token } }),
      output: { SubjectFromWebIdentityToken: 'repo:org/app', Provider: 'issuer.example.com', Audience: 'sts.amazonaws.com', Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret-secret-secret', SessionToken: 'token-token-token', Expiration: new Date('2026-05-01T11:00:00Z') } },
    }, context)
    expect(record).toMatchObject({
      userIdentity: { type: 'WebIdentityUser', principalId: 'issuer.example.com:sts.amazonaws.com:repo:org/app', userName: 'repo:org/app', identityProvider: 'issuer.example.com' },
      recipientAccountId: ACCOUNT, readOnly: true, requestParameters: { roleArn, roleSessionName: 'ci' },
    })
    const text = JSON.stringify(record)
    for (const secret of [token, 'secret-secret-secret', 'token-token-token']) expect(text).not.toContain(secret)
  })

  it('records a federated user session with its issuing user, and the TLS details of an HTTPS request', () => {
    const federated: Caller = {
      type: 'FederatedUser', arn: `arn:aws:sts::${ACCOUNT}:federated-user/bob`, accountId: ACCOUNT, userId: `${ACCOUNT}:bob`, accessKeyId: 'ASIAFEDERATED0000000',
      session: { name: 'bob', issuer: { type: 'IAMUser', arn: user.arn, id: user.userId }, mfaAuthenticated: true, issuedAt: new Date('2026-05-01T09:00:00.500Z'), expiresAt: new Date('2026-05-01T21:00:00Z') },
    }
    const [record] = eventRecords(call({ service: 'iam', operation: 'ListUsers', readOnly: true, caller: federated, tls: { hostHeader: 'palisade.example.com:4566' } }), context)
    expect(record).toMatchObject({
      userIdentity: {
        type: 'FederatedUser', principalId: `${ACCOUNT}:bob`, arn: `arn:aws:sts::${ACCOUNT}:federated-user/bob`, accountId: ACCOUNT, accessKeyId: 'ASIAFEDERATED0000000',
        sessionContext: {
          sessionIssuer: { type: 'IAMUser', principalId: user.userId, arn: user.arn, accountId: ACCOUNT, userName: 'alice' },
          attributes: { creationDate: '2026-05-01T09:00:00Z', mfaAuthenticated: 'true' },
        },
      },
      tlsDetails: { clientProvidedHostHeader: 'palisade.example.com:4566' },
      eventTime: '2026-05-01T10:00:00Z',
    })
  })
})
