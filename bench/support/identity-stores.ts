// The stores an in-process pipeline benchmark needs, opened over a fresh SQLite database in a temporary directory
// (the default account bootstrapped with the benchmark root credentials), and closed again with the directory removed.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readConfig } from '../../src/config/config.js'
import { systemClock } from '../../src/core/clock.js'
import { randomIds } from '../../src/core/ids.js'
import { loadRootKey } from '../../src/crypto/root-key.js'
import { secretBox, type SecretBox } from '../../src/crypto/secret-box.js'
import { bootstrapDefaultAccount, loadCredentialIndex, loadIdentityIndex, type CredentialIndex, type IdentityIndex } from '../../src/services/iam/index.js'
import { loadSessionIndex, loadTrustIndex } from '../../src/services/sts/index.js'
import { openDatabase, type Database } from '../../src/storage/database.js'
import { BENCH_ROOT } from './http-load.js'

export interface IdentityStores {
  readonly dataDir: string
  readonly box: SecretBox
  readonly database: Database
  readonly sessions: Awaited<ReturnType<typeof loadSessionIndex>>
  readonly credentials: CredentialIndex
  readonly trust: Awaited<ReturnType<typeof loadTrustIndex>>
  readonly identities: IdentityIndex
  /** Closes the indexes and the database, then removes the data directory. */
  close(): Promise<void>
}

export async function openIdentityStores(dirPrefix: string): Promise<IdentityStores> {
  const dataDir = mkdtempSync(join(tmpdir(), dirPrefix))
  const config = readConfig(['--data-dir', dataDir, '--root-access-key-id', BENCH_ROOT.accessKeyId, '--root-secret-access-key', BENCH_ROOT.secretAccessKey], {})
  const box = secretBox(loadRootKey({ key: config.rootKey, file: config.rootKeyFile }))
  const database = await openDatabase({ url: join(dataDir, 'palisade.db') })
  await bootstrapDefaultAccount(database, config, { box, clock: systemClock, ids: randomIds })
  const trust = await loadTrustIndex(database)
  const sessions = await loadSessionIndex(database, box, systemClock, { trust }) // as start-palisade wires it
  const credentials = await loadCredentialIndex(database, box, 'aws', { sessions })
  const identities = await loadIdentityIndex(database)
  return {
    dataDir, box, database, sessions, credentials, trust, identities,
    async close() {
      await identities.close()
      await credentials.close()
      await sessions.close()
      await trust.close()
      await database.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
