// The `palisade` program: dispatches to serve, policy, rotate-root-key, billing, trail tail/validate, --version and
// --help; returns the exit code.
import { createRequire } from 'node:module'
import { startPalisade, type Palisade } from '../app/start-palisade.js'
import { ConfigError, readConfig } from '../config/config.js'
import { billingCommand } from './billing-command.js'
import { mainHelp, serveHelp } from './help.js'
import { policyCommand } from './policy-command.js'
import { rotateRootKeyCommand } from './rotate-root-key.js'
import { trailTailCommand } from './trail-tail-command.js'
import { trailValidateCommand } from './trail-validate-command.js'
import { readFile } from 'node:fs/promises'

type Env = Readonly<Record<string, string | undefined>>

export async function main(args: readonly string[], env: Env): Promise<number> {
  const [command, ...rest] = args
  const version = packageVersion()
  if (command === '--version' || command === '-v') return print(`palisade ${version}\n`)
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return print(mainHelp(version))
  if (command === 'serve') return serve(rest, env)
  if (command === 'policy') {
    return policyCommand([...rest], {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      readFile: (path) => readFile(path, 'utf8'),
    })
  }
  if (command === 'billing') {
    return billingCommand(rest, env, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), now: () => new Date() })
  }
  if (command === 'trail' && rest[0] === 'tail') return trailTail(rest.slice(1), env)
  if (command === 'trail' && rest[0] === 'validate') {
    return trailValidateCommand(rest.slice(1), env, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), now: () => new Date() })
  }
  if (command === 'rotate-root-key') {
    return rotateRootKeyCommand(rest, env, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) })
  }
  process.stderr.write(`palisade: unknown command \`${command}\`\n\n${mainHelp(version)}`)
  return 2
}

/** Follows events until Ctrl-C. */
async function trailTail(args: readonly string[], env: Env): Promise<number> {
  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal)
  try {
    return await trailTailCommand(args, env, {
      stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), signal: stop.signal, now: () => new Date(),
    })
  } finally {
    process.off('SIGINT', onSignal)
  }
}

async function serve(args: readonly string[], env: Env): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) return print(serveHelp())
  let palisade: Palisade
  try {
    palisade = await startPalisade(readConfig(args, env))
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`palisade serve: ${error.message}\n\nRun \`palisade serve --help\` for every flag.\n`)
    return 2
  }
  if (palisade.firstStart) process.stdout.write(firstStartBanner(palisade))
  process.stdout.write(`Palisade is listening on ${palisade.url} (account ${palisade.accountId})\n`)
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await palisade.close()
  return 0
}

// Shown once, on the start that created the account; the same values are in the 0600 file.
function firstStartBanner(palisade: Palisade): string {
  const secrets = palisade.firstStart!
  return [
    `Created account ${secrets.accountId} and its root user. These credentials are shown once;`,
    `they are also in ${palisade.credentialsFile} (mode 0600):`,
    ``,
    `  account ID:             ${secrets.accountId}`,
    `  root access key ID:     ${secrets.accessKeyId}`,
    `  root secret access key: ${secrets.secretAccessKey}`,
    `  root console password:  ${secrets.consolePassword}`,
    ``,
    `  export AWS_ACCESS_KEY_ID=${secrets.accessKeyId} AWS_SECRET_ACCESS_KEY=${secrets.secretAccessKey}`,
    `  aws --endpoint-url ${palisade.url} sts get-caller-identity`,
    ``,
    ``,
  ].join('\n')
}

function print(text: string): number {
  process.stdout.write(text)
  return 0
}

function packageVersion(): string {
  const require = createRequire(import.meta.url)
  return (require('../../package.json') as { version: string }).version
}
