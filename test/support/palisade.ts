// Starts a real Palisade on a free loopback port with a temporary data directory, for end-to-end tests.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startPalisade, type Palisade, type PalisadeOverrides } from '../../src/app/start-palisade.js'
import { readConfig } from '../../src/config/config.js'
import { silentLogger } from '../../src/core/logger.js'

export const TEST_ROOT_ACCESS_KEY_ID = 'AKIAPALISADETESTROOT'
export const TEST_ROOT_SECRET_ACCESS_KEY = 'palisade/test/root/secret/access/key/000'

export interface TestPalisade extends Palisade {
  readonly dataDir: string
  /** Credentials for the default account's root user. */
  readonly root: { readonly accessKeyId: string; readonly secretAccessKey: string }
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>
}

/** `args` are `palisade serve` flags; the defaults give fixed root keys, port 0 and a fresh data directory. */
export async function startTestPalisade(args: readonly string[] = [], overrides: PalisadeOverrides = {}): Promise<TestPalisade> {
  const dataDir = mkdtempSync(join(tmpdir(), 'palisade-test-'))
  const config = readConfig(
    ['--port', '0', '--data-dir', dataDir, '--root-access-key-id', TEST_ROOT_ACCESS_KEY_ID, '--root-secret-access-key', TEST_ROOT_SECRET_ACCESS_KEY, ...args],
    {},
  )
  const palisade = await startPalisade(config, { log: silentLogger, ...overrides })
  return {
    ...palisade,
    dataDir,
    root: { accessKeyId: TEST_ROOT_ACCESS_KEY_ID, secretAccessKey: TEST_ROOT_SECRET_ACCESS_KEY },
    async stop() {
      await palisade.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
