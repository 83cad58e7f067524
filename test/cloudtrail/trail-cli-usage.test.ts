// Usage mistakes in `palisade trail tail` and `palisade trail validate`: exit code 2 and a message naming the mistake,
// before anything is sent to an endpoint.
import { describe, expect, it } from 'vitest'
import { trailTailCommand } from '../../src/cli/trail-tail-command.js'
import { trailValidateCommand } from '../../src/cli/trail-validate-command.js'

const ARN = 'arn:aws:cloudtrail:us-east-1:000000000000:trail/main'

async function run(command: 'tail' | 'validate', args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = ''
  const io = { stdout: () => {}, stderr: (text: string) => { stderr += text }, now: () => new Date('2026-11-22T12:00:00Z'), signal: new AbortController().signal }
  const code = command === 'tail' ? await trailTailCommand(args, {}, io) : await trailValidateCommand(args, {}, io)
  return { code, stderr }
}

describe('trail command usage errors', () => {
  it.each([
    { command: 'tail' as const, args: ['--follow'], message: 'unknown flag `--follow`' },
    { command: 'tail' as const, args: ['--user'], message: '`--user` needs a value' },
    { command: 'tail' as const, args: ['--since='], message: '`--since` needs a value' },
    { command: 'tail' as const, args: ['alice'], message: 'unexpected argument `alice`' },
    { command: 'validate' as const, args: ['--trail-arn', ARN, '--start-time', '2026-11-22', '--bucket', 'x'], message: 'unknown flag `--bucket`' },
    { command: 'validate' as const, args: ['--trail-arn', ARN, '--start-time'], message: '`--start-time` needs a value' },
    { command: 'validate' as const, args: ['--trail-arn', ARN], message: '`--start-time` is required' },
  ])('$command $args: exit 2, "$message"', async ({ command, args, message }) => {
    const { code, stderr } = await run(command, args)
    expect(code).toBe(2)
    expect(stderr).toContain(`palisade trail ${command}: ${message}`)
    expect(stderr).toContain(`palisade trail ${command} --help`)
  })
})
