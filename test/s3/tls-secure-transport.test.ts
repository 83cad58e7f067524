// Encryption in transit: `--tls` serves HTTPS with a self-signed certificate made at first start (key file 0600),
// and a bucket policy denying requests without aws:SecureTransport refuses HTTP while HTTPS passes.
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail'
import { CreateBucketCommand, GetBucketLocationCommand, PutBucketPolicyCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { readFileSync, statSync } from 'node:fs'
import { Agent } from 'node:https'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { startPalisade } from '../../src/app/start-palisade.js'
import { readConfig } from '../../src/config/config.js'
import { silentLogger } from '../../src/core/logger.js'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, TEST_ROOT_ACCESS_KEY_ID, TEST_ROOT_SECRET_ACCESS_KEY, type TestPalisade } from '../support/palisade.js'

const root = { accessKeyId: TEST_ROOT_ACCESS_KEY_ID, secretAccessKey: TEST_ROOT_SECRET_ACCESS_KEY }
let https: TestPalisade | undefined

afterAll(async () => https?.stop())

function client(url: string, ca?: string): S3Client {
  return new S3Client({
    endpoint: url, region: 'us-east-1', credentials: root, forcePathStyle: true, maxAttempts: 1,
    ...(ca !== undefined && { requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca }) }) }),
  })
}

const denyInsecure = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{
    Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*',
    Resource: ['arn:aws:s3:::tls-bucket', 'arn:aws:s3:::tls-bucket/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  }],
})

describe('palisade serve --tls', () => {
  it('serves HTTPS with a generated self-signed certificate whose key file is private', async () => {
    https = await startTestPalisade(['--tls'])
    expect(https.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const cert = new X509Certificate(readFileSync(join(https.dataDir, 'tls-cert.pem')))
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1')
    expect(statSync(join(https.dataDir, 'tls-key.pem')).mode & 0o777).toBe(0o600)
  })

  it.runIf(awsCliAvailable)('serves the AWS CLI given the certificate as its CA bundle', async () => {
    const listed = await awsCli(https!.url, root, ['--ca-bundle', join(https!.dataDir, 'tls-cert.pem'), 's3api', 'list-buckets'])
    expect(listed.stderr).toBe('')
    expect(listed.code).toBe(0)
    expect(JSON.parse(listed.stdout)).toHaveProperty('Buckets')
  })

  it('refuses a client that does not trust the certificate', async () => {
    await expect(client(https!.url).send(new CreateBucketCommand({ Bucket: 'tls-untrusted' }))).rejects.toThrow(/self[- ]signed|certificate/i)
  })

  it('records the TLS version, cipher suite and Host header of an HTTPS call in its CloudTrail event', async () => {
    const ca = readFileSync(join(https!.dataDir, 'tls-cert.pem'), 'utf8')
    await client(https!.url, ca).send(new CreateBucketCommand({ Bucket: 'tls-recorded' }))
    const trail = new CloudTrailClient({
      endpoint: https!.url, region: 'us-east-1', credentials: root, maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca }) }),
    })
    const found = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateBucket' }] }))
    const event = found.Events!.map((each) => JSON.parse(each.CloudTrailEvent!)).find((each) => each.requestParameters?.bucketName === 'tls-recorded')
    expect(event?.tlsDetails).toMatchObject({ tlsVersion: expect.stringMatching(/^TLSv1\.[23]$/), clientProvidedHostHeader: new URL(https!.url).host })
    expect(event.tlsDetails.cipherSuite).toMatch(/^[A-Z0-9_-]+$/)
    trail.destroy()
  })

  it('allows over HTTPS what a bucket policy denies without aws:SecureTransport, and denies it over HTTP', async () => {
    const ca = readFileSync(join(https!.dataDir, 'tls-cert.pem'), 'utf8')
    const secure = client(https!.url, ca)
    await secure.send(new CreateBucketCommand({ Bucket: 'tls-bucket' }))
    await secure.send(new PutBucketPolicyCommand({ Bucket: 'tls-bucket', Policy: denyInsecure }))
    const location = await secure.send(new GetBucketLocationCommand({ Bucket: 'tls-bucket' }))
    expect(location.$metadata.httpStatusCode).toBe(200)

    // s3:TlsVersion: a policy requiring TLS 1.2 or later lets this client in; one requiring more than 1.3 does not.
    const requireTls = (minimum: string) => JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        ...JSON.parse(denyInsecure).Statement,
        { Sid: 'DenyOldTls', Effect: 'Deny', Principal: '*', Action: 's3:GetBucketLocation', Resource: 'arn:aws:s3:::tls-bucket', Condition: { NumericLessThan: { 's3:TlsVersion': minimum } } },
      ],
    })
    await secure.send(new PutBucketPolicyCommand({ Bucket: 'tls-bucket', Policy: requireTls('1.2') }))
    await secure.send(new GetBucketLocationCommand({ Bucket: 'tls-bucket' }))
    await secure.send(new PutBucketPolicyCommand({ Bucket: 'tls-bucket', Policy: requireTls('1.4') }))
    await expect(secure.send(new GetBucketLocationCommand({ Bucket: 'tls-bucket' }))).rejects.toMatchObject({ name: 'AccessDenied' })
    await secure.send(new PutBucketPolicyCommand({ Bucket: 'tls-bucket', Policy: denyInsecure }))

    // The same data served over plain HTTP: the same call is now refused by the policy's explicit deny.
    const { dataDir } = https!
    await https!.close()
    const config = readConfig(['--port', '0', '--data-dir', dataDir, '--root-access-key-id', root.accessKeyId, '--root-secret-access-key', root.secretAccessKey], {})
    const plain = await startPalisade(config, { log: silentLogger })
    try {
      expect(plain.url).toMatch(/^http:\/\//)
      const error = await client(plain.url).send(new GetBucketLocationCommand({ Bucket: 'tls-bucket' })).then(() => undefined, (thrown: unknown) => thrown)
      expect(error).toBeInstanceOf(S3ServiceException)
      expect((error as S3ServiceException).name).toBe('AccessDenied')
      expect((error as S3ServiceException).message).toMatch(/explicit deny in a resource-based policy/)
    } finally {
      await plain.close()
    }
  })

  it('refuses a certificate without its key', () => {
    expect(() => readConfig(['--tls-cert', 'cert.pem'], {})).toThrow(/tls-cert.*tls-key/)
  })
})
