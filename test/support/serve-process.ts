// `palisade serve` in its own process, for tests that need a real process (first start output, SIGKILL, restart).
import { spawn, type ChildProcess } from 'node:child_process'

const ENTRY = `const { main } = await import(${JSON.stringify(new URL('../../src/cli/main.ts', import.meta.url).pathname)});
process.exitCode = await main(process.argv.slice(1), process.env)`

export interface ServeProcess {
  readonly child: ChildProcess
  readonly url: string
  /** Everything the process has printed on standard output so far. */
  readonly stdout: () => string
}

/** Starts `palisade serve` with `args` (logging at warn); resolves once it prints where it listens. */
export function startServeProcess(args: readonly string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', ENTRY, 'serve', ...args], {
    env: { PATH: process.env['PATH'], PALISADE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk })
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk
      const match = /listening on (http:\/\/\S+)/.exec(stdout)
      if (match) resolve({ child, url: match[1]!, stdout: () => stdout })
    })
    child.once('exit', (code) => reject(new Error(`palisade serve exited with ${code}: ${stderr}`)))
  })
}
