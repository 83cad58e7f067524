// Logger: structured JSON lines; the level is set once from configuration.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void
  info(message: string, fields?: Readonly<Record<string, unknown>>): void
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void
  error(message: string, fields?: Readonly<Record<string, unknown>>): void
  isEnabled(level: Exclude<LogLevel, 'silent'>): boolean
}

const RANK = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const

/** Writes one JSON object per line; `write` defaults to stderr so stdout stays for command output. */
export function jsonLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const threshold = RANK[level]
  const emit = (at: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    if (RANK[at] < threshold) return
    write(JSON.stringify({ time: new Date().toISOString(), level: at, message, ...fields }) + '\n')
  }
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    isEnabled: (at) => RANK[at] >= threshold,
  }
}

export const silentLogger: Logger = jsonLogger('silent', () => {})
