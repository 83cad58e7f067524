// `palisade trail tail`, run as a separate process against a started server: what it prints once and while following,
// its filters, and its errors.
import { spawn } from 'node:child_process'
import { CreateAccessKeyCommand, CreateUserCommand, GetUserCommand, ListRolesCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPalisade, type TestPalisade } from '../support/palisade.js'
import { clients, type Credentials } from './cloudtrail-support.js'

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname

interface Tail {
  readonly output: () => string
  /** Resolves once stdout contains every one of `texts`. */
  waitFor(...texts: string[]): Promise<void>
  /** Sends SIGINT and resolves with the exit code and stderr. */
  stop(): Promise<{ code: number | null; stderr: string }>
  readonly done: Promise<{ code: number | null; stderr: string }>
}

function tail(palisade: TestPalisade, credentials: Credentials, ...args: string[]): Tail {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval',
    `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(process.argv.slice(1), process.env)`,
    'trail', 'tail', '--endpoint-url', palisade.url, ...args], {
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_REGION: 'us-east-1', NODE_NO_WARNINGS: '1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
  })
  let stdout = ''
  let stderr = ''
  const waiters: (() => void)[] = []
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk)
    waiters.splice(0).forEach((wake) => wake())
  })
  child.stderr.on('data', (chunk) => { stderr += String(chunk) })
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })))
  return {
    output: () => stdout,
    async waitFor(...texts) {
      while (!texts.every((text) => stdout.includes(text))) {
        await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), done.then(() => { throw new Error(`tail exited before printing ${texts.join(', ')}: ${stdout}${stderr}`) })])
      }
    },
    stop() {
      child.kill('SIGINT')
      return done
    },
    done,
  }
}

describe('palisade trail tail', () => {
  let palisade: TestPalisade
  let dave: Credentials

  beforeAll(async () => {
    palisade = await startTestPalisade()
    const root = clients(palisade)
    await root.iam.send(new CreateUserCommand({ UserName: 'dave' }))
    await root.iam.send(new PutUserPolicyCommand({
      UserName: 'dave', PolicyName: 'get', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] }),
    }))
    const key = await root.iam.send(new CreateAccessKeyCommand({ UserName: 'dave' }))
    dave = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! }
    await expect(clients(palisade, dave).iam.send(new ListRolesCommand({}))).rejects.toThrow(/not authorized/)
  }, 60_000)
  afterAll(async () => { await palisade.stop() })

  it('prints the failed calls so far with --once --errors-only: who, from where, the error and its message', async () => {
    const run = tail(palisade, palisade.root, '--once', '--errors-only')
    const { code, stderr } = await run.done
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const lines = run.output().trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ iam:ListRoles dave 127\.0\.0\.1 AccessDenied: User: arn:aws:iam::000000000000:user\/dave is not authorized to perform: iam:ListRoles/)
  }, 60_000)

  it('prints CloudTrail records as JSON lines for one event name', async () => {
    const run = tail(palisade, palisade.root, '--once', '--json', '--event-name', 'CreateUser')
    expect((await run.done).code).toBe(0)
    const records = run.output().trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>)
    expect(records).toMatchObject([{ eventName: 'CreateUser', requestParameters: { userName: 'dave' }, userIdentity: { type: 'Root' } }])
  }, 60_000)

  it('follows new calls of one user until interrupted', async () => {
    const run = tail(palisade, palisade.root, '--user', 'dave', '--interval', '0.2', '--since', '10m')
    await run.waitFor('iam:ListRoles dave') // the denial made before it started: it is following now
    await clients(palisade, dave).iam.send(new GetUserCommand({}))
    await expect(clients(palisade, dave).iam.send(new CreateUserCommand({ UserName: 'intruder' }))).rejects.toThrow(/not authorized/)
    await clients(palisade).iam.send(new GetUserCommand({ UserName: 'dave' })) // root's call: not dave's
    await run.waitFor('iam:GetUser dave 127.0.0.1 OK', 'iam:CreateUser dave 127.0.0.1 AccessDenied')
    const { code } = await run.stop()
    expect(code).toBe(0)
    expect(run.output()).not.toContain(' root ')
    const lines = run.output().trim().split('\n')
    expect(lines.findIndex((line) => line.includes('iam:GetUser'))).toBeLessThan(lines.findIndex((line) => line.includes('iam:CreateUser')))
  }, 60_000)

  it('does not print its own polling, which is recorded like any call', async () => {
    const run = tail(palisade, palisade.root, '--interval', '0.2', '--since', '1m')
    await run.waitFor('iam:CreateUser root') // the setup, then a few polls
    await clients(palisade).iam.send(new GetUserCommand({ UserName: 'dave' }))
    await run.waitFor('iam:GetUser root')
    await run.stop()
    expect(run.output()).not.toContain('LookupEvents')
  }, 60_000)

  it('exits 1 with AWS\'s error when the caller may not look events up', async () => {
    const { code, stderr } = await tail(palisade, dave, '--once').done
    expect(code).toBe(1)
    expect(stderr).toContain('AccessDeniedException')
    expect(stderr).toContain('cloudtrail:LookupEvents')
  }, 60_000)

  it('exits 2 on a usage error', async () => {
    const { code, stderr } = await tail(palisade, dave, '--since', 'yesterday').done
    expect(code).toBe(2)
    expect(stderr).toContain('`--since` takes a duration')
  }, 60_000)
})
