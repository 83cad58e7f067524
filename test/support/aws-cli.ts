// Runs the real AWS CLI v2 (Debian's awscli at /usr/bin/aws; CI installs it) against a Palisade endpoint.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'

export const AWS_CLI = process.env['PALISADE_TEST_AWS_CLI'] ?? '/usr/bin/aws'

/** True where the CLI is present; CI (CI=true) must have it, so there a missing CLI fails instead of skipping. */
export const awsCliAvailable = existsSync(AWS_CLI) || process.env['CI'] === 'true'
if (!existsSync(AWS_CLI)) {
  console.warn(`AWS CLI tests ${process.env['CI'] === 'true' ? 'will fail' : 'skipped'}: no AWS CLI v2 at ${AWS_CLI} (apt-get install awscli)`)
}

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export async function awsCli(
  endpoint: string,
  credentials: { readonly accessKeyId: string; readonly secretAccessKey: string },
  args: readonly string[],
): Promise<CliResult> {
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
  }
  try {
    const { stdout, stderr } = await promisify(execFile)(AWS_CLI, ['--endpoint-url', endpoint, '--output', 'json', ...args], { env })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) }
  }
}
