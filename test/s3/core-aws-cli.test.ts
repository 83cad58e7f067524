// The real AWS CLI v2 against Palisade's S3: s3 cp (aws-chunked uploads, multipart above the threshold), s3 sync,
// s3 ls, and s3api calls; files round-trip byte for byte.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, awsCliAvailable } from '../support/aws-cli.js'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'

let server: TestPalisade
let work: string
const cli = (...args: string[]) => awsCli(server.url, server.root, args)
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex')

describe.runIf(awsCliAvailable)('AWS CLI s3 and s3api', () => {
  beforeAll(async () => {
    server = await startTestPalisade()
    work = mkdtempSync(join(tmpdir(), 'palisade-cli-s3-'))
  })
  afterAll(async () => {
    await server.stop()
    rmSync(work, { recursive: true, force: true })
  })

  it('creates a bucket and copies a small file up and down (aws s3 cp)', async () => {
    expect((await cli('s3', 'mb', 's3://core-cli')).code).toBe(0)
    const file = join(work, 'small.txt')
    writeFileSync(file, 'hello from the CLI\n')
    const up = await cli('s3', 'cp', file, 's3://core-cli/small.txt')
    expect(up.stderr).toBe('')
    expect(up.code).toBe(0)
    const back = join(work, 'small-back.txt')
    expect((await cli('s3', 'cp', 's3://core-cli/small.txt', back)).code).toBe(0)
    expect(readFileSync(back, 'utf8')).toBe('hello from the CLI\n')
  })

  it('uploads a 20 MiB file as a multipart upload and downloads it intact', async () => {
    const data = randomBytes(20 * 1024 * 1024)
    const file = join(work, 'big.bin')
    writeFileSync(file, data)
    const up = await cli('s3', 'cp', file, 's3://core-cli/big.bin')
    expect(up.stderr).toBe('')
    const head = await cli('s3api', 'head-object', '--bucket', 'core-cli', '--key', 'big.bin')
    expect(JSON.parse(head.stdout)).toMatchObject({ ContentLength: data.length, ServerSideEncryption: 'AES256' })
    expect(JSON.parse(head.stdout).ETag).toMatch(/-\d+"$/)
    const back = join(work, 'big-back.bin')
    expect((await cli('s3', 'cp', 's3://core-cli/big.bin', back)).code).toBe(0)
    expect(sha(readFileSync(back))).toBe(sha(data))
  })

  it('syncs a directory up and back down (aws s3 sync) and lists it (aws s3 ls)', async () => {
    const source = join(work, 'tree')
    mkdirSync(join(source, 'nested'), { recursive: true })
    writeFileSync(join(source, 'one.txt'), '1')
    writeFileSync(join(source, 'nested', 'two.txt'), '22')
    expect((await cli('s3', 'sync', source, 's3://core-cli/tree')).code).toBe(0)
    const listing = await cli('s3', 'ls', '--recursive', 's3://core-cli/tree/')
    expect(listing.stdout).toContain('tree/one.txt')
    expect(listing.stdout).toContain('tree/nested/two.txt')
    const target = join(work, 'tree-back')
    expect((await cli('s3', 'sync', 's3://core-cli/tree', target)).code).toBe(0)
    expect(readdirSync(target).sort()).toEqual(['nested', 'one.txt'])
    expect(readFileSync(join(target, 'nested', 'two.txt'), 'utf8')).toBe('22')
  })

  it('answers s3api errors as S3 does (NoSuchKey)', async () => {
    const missing = await cli('s3api', 'get-object', '--bucket', 'core-cli', '--key', 'nope', join(work, 'nope'))
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toContain('NoSuchKey')
  })

  it('refuses to remove a non-empty bucket, then removes it with --force', async () => {
    expect((await cli('s3', 'rb', 's3://core-cli')).stderr).toContain('BucketNotEmpty')
    expect((await cli('s3', 'rb', '--force', 's3://core-cli')).code).toBe(0)
    expect((await cli('s3api', 'head-bucket', '--bucket', 'core-cli')).code).not.toBe(0)
  })
})
