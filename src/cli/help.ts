// The CLI's help texts, built from the option table so every flag and PALISADE_* variable is described.
import { OPTIONS } from '../config/config.js'

export function mainHelp(version: string): string {
  return `palisade ${version}: a self-hosted, AWS-compatible security control plane

Usage:
  palisade serve [flags]        start the server (palisade serve --help lists every flag)
  palisade policy <command>     validate and simulate IAM policies (palisade policy --help)
  palisade rotate-root-key      re-seal every secret at rest under a new root key (palisade rotate-root-key --help)
  palisade billing              every account's metered usage, per organization (palisade billing --help)
  palisade trail tail           follow the account's CloudTrail events as calls happen (palisade trail tail --help)
  palisade trail validate       check a trail's log files against its signed digests (palisade trail validate --help)
  palisade --version            print the version
  palisade --help               print this help
`
}

export function serveHelp(): string {
  const rows = OPTIONS.map((option) => {
    const flag = `--${option.flag}${option.value ? ` ${option.value}` : ''}`
    const fallback = option.default === '' ? '' : ` (default: ${option.default})`
    return `  ${flag.padEnd(34)} ${option.env.padEnd(32)} ${option.help}${fallback}`
  })
  return `Usage: palisade serve [flags]

Starts Palisade: every AWS API on one port, data in the data directory. Each flag can also be set with its
PALISADE_* environment variable; a flag wins over the variable.

  ${'flag'.padEnd(34)} ${'environment variable'.padEnd(32)} meaning
${rows.join('\n')}
`
}
