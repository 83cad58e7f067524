// Locates and reads the two copies of each AWS service model: aws-sdk v2's minified one and botocore's original.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { gunzipSync } from 'node:zlib'

/** A model as AWS ships it: botocore's JSON shape format, loosely typed because we only read it. */
export interface SourceModel {
  readonly metadata: Record<string, unknown>
  readonly operations: Record<string, SourceNode>
  readonly shapes: Record<string, SourceNode>
}

/** A shape, a member reference or an operation in a source model. */
export type SourceNode = Record<string, any>

export interface SourcePair {
  readonly service: string
  readonly apiVersion: string
  readonly minFile: string
  readonly botocoreFile: string
  readonly min: SourceModel
  readonly botocore: SourceModel
}

/** Reads `apis/<service>-<version>.min.json` from aws-sdk and the botocore `service-2.json.gz` of the same version. */
export function readSourcePair(service: string, botocoreData: string): SourcePair {
  const apis = awsSdkApisDir()
  const pattern = new RegExp(`^${service.replace(/[-.]/g, '\\$&')}-(\\d{4}-\\d{2}-\\d{2})\\.min\\.json$`)
  const matches = readdirSync(apis).filter((file) => pattern.test(file)).sort()
  const minName = matches.at(-1)
  if (!minName) throw new Error(`no aws-sdk model for \`${service}\` in ${apis}`)
  const apiVersion = pattern.exec(minName)![1]!
  const minFile = join(apis, minName)
  const botocoreFile = join(botocoreData, service, apiVersion, 'service-2.json.gz')
  if (!existsSync(botocoreFile)) throw new Error(`no botocore model for \`${service}\` ${apiVersion} at ${botocoreFile}`)
  return {
    service,
    apiVersion,
    minFile,
    botocoreFile,
    min: JSON.parse(readFileSync(minFile, 'utf8')) as SourceModel,
    botocore: JSON.parse(gunzipSync(readFileSync(botocoreFile)).toString('utf8')) as SourceModel,
  }
}

/** botocore's data folder: $BOTOCORE_DATA, the python3 botocore package, or Debian's awscli copy. */
export function findBotocoreData(): string {
  const candidates: string[] = []
  if (process.env.BOTOCORE_DATA) candidates.push(process.env.BOTOCORE_DATA)
  try {
    const dir = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
    if (dir) candidates.push(join(dir, 'data'))
  } catch {
    // python3 or botocore absent: fall through to the Debian location
  }
  candidates.push('/usr/lib/python3/dist-packages/botocore/data')
  const found = candidates.find((dir) => existsSync(dir))
  if (!found) throw new Error(`botocore data not found; tried ${candidates.join(', ')} (set BOTOCORE_DATA)`)
  return found
}

function awsSdkApisDir(): string {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('aws-sdk/package.json')), 'apis')
}
