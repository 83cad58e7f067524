import { describe, expect, it } from 'vitest'
import { policyCommand } from './policy-command.js'

const files: Record<string, string> = {
  'read.json': JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }] }, null, 2),
  'typo.json': '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]\n}',
  'passrole.json': JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }] }),
  'deny-http.json': JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::bucket/*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] }),
  'bucket-for-alice.json': JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:user/Alice' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }] }),
  'sqs-only.json': JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] }),
  'tags.json': JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } } }] }),
  'with-principal.json': JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }] }),
}

async function run(...args: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await policyCommand(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    readFile: async (path) => {
      const text = files[path]
      if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`)
      return text
    },
  })
  return { code, stdout, stderr }
}

describe('palisade policy --help', () => {
  it('prints both commands and exits 0', async () => {
    const { code, stdout } = await run('--help')
    expect(code).toBe(0)
    expect(stdout).toContain('palisade policy validate FILE')
    expect(stdout).toContain('palisade policy simulate --policy FILE')
  })

  it('rejects an unknown command with exit code 2', async () => {
    const { code, stderr } = await run('lint', 'x.json')
    expect(code).toBe(2)
    expect(stderr).toContain('unknown command `lint`')
  })
})

describe('palisade policy validate', () => {
  it('reports no findings for a clean policy and exits 0', async () => {
    expect(await run('validate', 'read.json')).toEqual({ code: 0, stdout: 'read.json: no findings\n', stderr: '' })
  })

  it('prints an ERROR finding with its line and column and exits 1', async () => {
    const { code, stdout } = await run('validate', 'typo.json')
    expect(code).toBe(1)
    expect(stdout).toBe('typo.json:3:47 ERROR INVALID_ACTION Statement[0].Action: The action s3:GetObjekt does not exist.\n')
  })

  it('exits 0 when the findings are only warnings', async () => {
    const { code, stdout } = await run('validate', 'passrole.json')
    expect(code).toBe(0)
    expect(stdout).toContain('SECURITY_WARNING PASS_ROLE_WITH_STAR_IN_RESOURCE')
  })

  it('prints the findings as JSON with --json', async () => {
    const { code, stdout } = await run('validate', 'passrole.json', '--json')
    expect(code).toBe(0)
    const { findings } = JSON.parse(stdout) as { findings: { issueCode: string; locations: { path: string }[] }[] }
    expect(findings.map((item) => item.issueCode)).toEqual(['PASS_ROLE_WITH_STAR_IN_RESOURCE'])
    expect(findings[0]?.locations[0]?.path).toBe('Statement[0].Resource')
  })

  it('checks the rules of the given --type', async () => {
    expect((await run('validate', 'with-principal.json')).stdout).toContain('UNSUPPORTED_PRINCIPAL')
    expect(await run('validate', 'with-principal.json', '--type', 'resource')).toMatchObject({ code: 0 })
    expect((await run('validate', 'with-principal.json', '--type=scp')).stdout).toContain('SCP_SYNTAX_ERROR_PRINCIPAL')
  })

  it.each([
    { name: 'an unknown --type', args: ['validate', 'read.json', '--type', 'bucket'], message: 'unknown policy type `bucket`' },
    { name: 'a missing file argument', args: ['validate'], message: 'expects exactly one policy FILE' },
    { name: 'an unreadable file', args: ['validate', 'missing.json'], message: 'cannot read `missing.json`' },
    { name: 'an unknown option', args: ['validate', 'read.json', '--fix'], message: 'unknown option `--fix`' },
  ])('exits 2 for $name', async ({ args, message }) => {
    const { code, stderr } = await run(...args)
    expect(code).toBe(2)
    expect(stderr).toContain(message)
  })
})

describe('palisade policy simulate', () => {
  const alice = ['--principal', 'arn:aws:iam::111122223333:user/Alice']

  it('allows what an identity policy allows and names the deciding statement', async () => {
    const { code, stdout } = await run('simulate', '--policy', 'read.json', '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::bucket/k', ...alice)
    expect(code).toBe(0)
    expect(stdout).toBe('Decision: Allow\nDeciding statements:\n  Allow identity policy read.json Statement[0] (Sid Read)\n')
  })

  it('prints AWS’s reason for an implicit deny and exits 1', async () => {
    const { code, stdout } = await run('simulate', '--policy', 'sqs-only.json', '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::bucket/k', ...alice)
    expect(code).toBe(1)
    expect(stdout).toBe('Decision: ImplicitDeny (because no identity-based policy allows the s3:GetObject action)\n')
  })

  it('applies a resource policy deny that uses a --context key', async () => {
    const { code, stdout } = await run('simulate', '--policy', 'read.json', '--resource-policy', 'deny-http.json', '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::bucket/k', '--context', 'aws:SecureTransport=false', ...alice)
    expect(code).toBe(1)
    expect(stdout).toContain('Decision: ExplicitDeny (with an explicit deny in a resource-based policy)')
    expect(stdout).toContain('Deny resource policy deny-http.json Statement[0] (Sid TlsOnly)')
  })

  it('limits identity permissions by a --boundary', async () => {
    const { code, stdout } = await run('simulate', '--policy', 'read.json', '--boundary', 'sqs-only.json', '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::bucket/k', ...alice)
    expect(code).toBe(1)
    expect(stdout).toContain('because no permissions boundary allows the s3:GetObject action')
  })

  it('allows through a resource policy alone for the principal it names', async () => {
    const { code } = await run('simulate', '--resource-policy', 'bucket-for-alice.json', '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::bucket/k', ...alice)
    expect(code).toBe(0)
  })

  it('turns a repeated --context key into a multivalued key', async () => {
    const base = ['simulate', '--policy', 'tags.json', '--action', 'ec2:CreateTags', '--resource', 'arn:aws:ec2:us-east-1:111122223333:instance/i-1', ...alice]
    expect((await run(...base, '--context', 'aws:TagKeys=env', '--context', 'aws:TagKeys=team')).code).toBe(0)
    expect((await run(...base, '--context', 'aws:TagKeys=env', '--context', 'aws:TagKeys=owner')).code).toBe(1)
  })

  it('prints the decision as JSON with --json', async () => {
    const { stdout } = await run('simulate', '--policy', 'sqs-only.json', '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::bucket/k', '--json', ...alice)
    expect(JSON.parse(stdout)).toEqual({
      decision: 'ImplicitDeny',
      denial: { kind: 'implicit', policyType: 'identity' },
      reason: 'because no identity-based policy allows the s3:GetObject action',
      matchedStatements: [],
      missingContextKeys: [],
      errors: [],
    })
  })

  it('simulates a role ARN as a session of that role', async () => {
    const { code } = await run('simulate', '--resource-policy', 'bucket-for-alice.json', '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::bucket/k', '--principal', 'arn:aws:iam::111122223333:role/Dev')
    expect(code).toBe(1)
  })

  it.each([
    { name: 'a missing --action', args: ['simulate', '--policy', 'read.json', '--resource', '*'], message: '`--action` is required' },
    { name: 'no policy at all', args: ['simulate', '--action', 's3:GetObject', '--resource', '*'], message: 'give at least one `--policy`' },
    { name: 'a malformed policy', args: ['simulate', '--policy', 'with-principal.json', '--action', 's3:GetObject', '--resource', '*'], message: 'MalformedPolicyDocument: Policy document should not specify a principal.' },
    { name: 'a --context without =', args: ['simulate', '--policy', 'read.json', '--action', 's3:GetObject', '--resource', '*', '--context', 'aws:SourceIp'], message: '`--context` expects KEY=VALUE' },
    { name: 'a principal that is not an ARN', args: ['simulate', '--policy', 'read.json', '--action', 's3:GetObject', '--resource', '*', '--principal', 'Alice'], message: '`--principal` must be' },
    { name: 'a repeated single-valued option', args: ['simulate', '--policy', 'read.json', '--action', 'a:b', '--action', 'c:d', '--resource', '*'], message: '`--action` can be given only once' },
  ])('exits 2 for $name', async ({ args, message }) => {
    const { code, stderr } = await run(...args)
    expect(code).toBe(2)
    expect(stderr).toContain(message)
  })
})
