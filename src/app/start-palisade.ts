// startPalisade: the composition root — opens storage, bootstraps the default account, wires every service
// into the pipeline and starts the HTTP server.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { allAuditSinks, discardingAuditSink, type AuditSink } from '../audit/audit-sink.js'
import { systemClock, type Clock } from '../core/clock.js'
import { randomIds, type Ids } from '../core/ids.js'
import { jsonLogger, type Logger } from '../core/logger.js'
import type { PalisadeConfig } from '../config/config.js'
import { loadRootKey } from '../crypto/root-key.js'
import { secretBox } from '../crypto/secret-box.js'
import { createAuthenticator } from '../pipeline/authenticate.js'
import { createAuthorizer } from '../authz/authorize.js'
import { createPipeline } from '../pipeline/pipeline.js'
import { createRouter } from '../pipeline/router.js'
import { serviceBindings } from './service-bindings.js'
import { startServer } from '../server/http-server.js'
import { loadTlsCertificate } from '../server/tls-certificate.js'
import {
  bootstrapDefaultAccount,
  CREDENTIALS_CHANGED,
  IDENTITY_CHANGED,
  loadCredentialIndex,
  loadIdentityIndex,
  loadPasswordChangeIndex,
  PASSWORD_POLICY_CHANGED,
  restoreDefaultAccount,
  serviceAccessRecorder,
  type FirstStartCredentials,
} from '../services/iam/index.js'
import { cloudTrailRecorder, cloudTrailTrustedAccess, kmsServiceEvents, startEventExpiry, startTrails, TRAILS_CHANGED, type DeliveryOptions } from '../services/cloudtrail/index.js'
import { serviceModels } from '../generated/services.js'
import { KMS_KEYS_CHANGED, loadKeyIndex, startKmsSweeper, kmsDataKeys } from '../services/kms/index.js'
import { cloudTrailDelivery, loadBucketIndex, openS3Storage, S3_BUCKETS_CHANGED } from '../services/s3/index.js'
import { loadOrganizationIndex, ORGANIZATIONS_CHANGED } from '../services/organizations/index.js'
import { usageRecorder } from '../services/organizations/usage-recorder.js'
import { encodedAuthorizationMessages, loadOidcProviderIndex, loadSessionIndex, loadTrustIndex, type OidcKeySources } from '../services/sts/index.js'
import { openDatabase } from '../storage/database.js'
import { eraseAllData } from '../storage/erase-data.js'

export interface PalisadeOverrides {
  readonly clock?: Clock
  readonly ids?: Ids
  readonly log?: Logger
  readonly audit?: AuditSink
  /** False turns CloudTrail recording off (the recording benchmark's baseline); event history then stays empty. */
  readonly cloudTrail?: boolean
  /** How often trails write log files and digests (tests shorten them); default 5 minutes and 1 hour. */
  readonly trailDelivery?: DeliveryOptions
  /** How often KMS deletes keys past their deletion date and rotates keys due (tests shorten it); default 1 minute. */
  readonly kmsSweepMs?: number
  /** Web identity: a local JWKS file or URL per OIDC issuer URL, added to (and winning over) `--oidc-jwks`. */
  readonly oidcKeys?: OidcKeySources
}

export interface Palisade {
  readonly url: string
  readonly port: number
  readonly accountId: string
  /** Set on the start that created the default account: the secrets to show once. */
  readonly firstStart?: FirstStartCredentials
  /** Where first start wrote those secrets (mode 0600). */
  readonly credentialsFile: string
  close(): Promise<void>
}

const PARTITION = 'aws'

export async function startPalisade(config: PalisadeConfig, overrides: PalisadeOverrides = {}): Promise<Palisade> {
  const clock = overrides.clock ?? systemClock
  const ids = overrides.ids ?? randomIds
  const log = overrides.log ?? jsonLogger(config.logLevel)
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 })
  const rootKey = loadRootKey({ key: config.rootKey, file: config.rootKeyFile })
  const box = secretBox(rootKey)
  // EC2's denials carry their details sealed under a key derived from the root key; STS opens them.
  const authorizationMessages = encodedAuthorizationMessages(rootKey)

  const database = await openDatabase({ url: config.database.replace(/^sqlite:/, '') })
  const credentialsFile = join(config.dataDir, 'root-credentials.json')
  try {
    const firstStart = await bootstrapDefaultAccount(database, config, { box, clock, ids })
    if (firstStart) writeSecretFile(credentialsFile, JSON.stringify(firstStart, null, 2) + '\n')
    const trust = await loadTrustIndex(database)
    const oidcProviders = await loadOidcProviderIndex(database)
    const sessions = await loadSessionIndex(database, box, clock, { trust })
    const credentials = await loadCredentialIndex(database, box, PARTITION, { sessions })
    const identities = await loadIdentityIndex(database)
    const passwordChanges = await loadPasswordChangeIndex(database)
    // Service last accessed data: every audited call's principal, service and action, written in batches.
    const accessRecorder = serviceAccessRecorder(database)
    // Consolidated billing: every authenticated call counted per account, service and day, written in batches.
    const usage = usageRecorder(database)
    const auditSink = overrides.audit ?? discardingAuditSink
    // CloudTrail: every call's event, in the mutation's own transaction or group-committed; hourly 90-day expiry.
    const cloudTrail = cloudTrailRecorder({
      database, ids, models: serviceModels, defaultAccountId: config.accountId,
      onError: (error) => log.error('cloudtrail recording failed', { error: String(error) }),
    })
    const stopEventExpiry = startEventExpiry(database, clock, 3_600_000, (error) => log.error('cloudtrail expiry failed', { error: String(error) }))
    const kmsKeys = await loadKeyIndex(database, { box, region: config.region, partition: PARTITION })
    const kms = { database, clock, ids, box, keys: kmsKeys }
    // Organizations: every account's place in its organization, with the SCPs and RCPs that apply to it.
    const organizations = await loadOrganizationIndex(database, { partition: PARTITION })
    // Object bytes live under <data-dir>/s3; opening it removes files a crash or a replaced object left behind.
    const s3Buckets = await loadBucketIndex(database)
    // SSE-KMS objects take their data keys from the KMS keys through KMS's data-key port.
    const s3Kms = kmsDataKeys(kmsKeys, ids, kms) // with KMS's deps: it creates the AWS managed key aws/s3 on first use
    const s3Storage = await openS3Storage(config.dataDir, database, box, ids, s3Kms)
    const s3 = { database, clock, ids, box, buckets: s3Buckets, files: s3Storage.files, cipher: s3Storage.cipher, partition: PARTITION, kms: s3Kms }
    // CloudTrail trails: recorded events go to each logging trail's bucket through S3's delivery port, digests signed per region.
    const trails = await startTrails({
      database, clock, ids, box, log, partition: PARTITION, sink: cloudTrailDelivery(s3), events: cloudTrail.events, flushEvents: cloudTrail.flush, kmsKeys: s3Kms,
      organizations: { membership: (accountId) => organizations.membership(accountId), trustsCloudTrail: cloudTrailTrustedAccess(database) },
      ...(overrides.trailDelivery && { delivery: overrides.trailDelivery }),
    })
    const stopKmsSweeper = startKmsSweeper(kms, overrides.kmsSweepMs ?? 60_000, (error) => log.error('kms sweep failed', { error: String(error) }),
      (done) => { if (overrides.cloudTrail !== false) cloudTrail.append(kmsServiceEvents(done, clock.now(), ids.uuid)) })

    const pipeline = createPipeline({
      router: createRouter(serviceBindings({
        iam: { database, clock, ids, box, passwordChanges },
        sts: { database, clock, ids, box, sessions, trust, oidcProviders, credentials, authorizationMessages, oidc: { ...config.oidcJwks, ...overrides.oidcKeys } },
        kms,
        s3,
        cloudtrail: { database, clock, recorder: cloudTrail, trails: trails.deps },
        organizations: { database, clock, ids, organizations },
      })),
      authenticate: createAuthenticator({
        credentials, mode: config.auth, defaultAccountId: config.accountId, partition: PARTITION, region: config.region,
        isClosedAccount: (accountId) => organizations.membership(accountId)?.closed === true,
      }),
      authorize: createAuthorizer({ mode: config.auth, identities, clock, encodedDenials: authorizationMessages, organizations }),
      audit: allAuditSinks([
        { record: (call) => { accessRecorder.record(call); usage.record(call); auditSink.record(call) } },
        ...(overrides.cloudTrail === false ? [] : [cloudTrail]),
      ]),
      clock,
      ids,
      log,
      region: config.region,
      partition: PARTITION,
    })
    const reset = config.allowReset || config.auth === 'permissive'
      ? async () => {
          await accessRecorder.flush() // calls made before the reset are erased with the rest, not written after it
          await cloudTrail.flush()
          await usage.flush()
          await database.transaction(async (tx) => {
            await eraseAllData(tx)
            await restoreDefaultAccount(tx)
            await database.notify(CREDENTIALS_CHANGED, '*')
            await database.notify(IDENTITY_CHANGED, '*')
            await database.notify(PASSWORD_POLICY_CHANGED, '*')
            await database.notify(KMS_KEYS_CHANGED, '*')
            await database.notify(S3_BUCKETS_CHANGED, '*')
            await database.notify(ORGANIZATIONS_CHANGED, '*')
            await database.notify(TRAILS_CHANGED, '*')
          })
          await s3Storage.sweepOrphans() // the erased objects' files
        }
      : undefined
    const server = await startServer({
      host: config.host,
      port: config.port,
      maxBodyBytes: config.maxBodyBytes,
      pipeline,
      log,
      reset,
      health: () => ({ status: 'ok', accountId: config.accountId, region: config.region, auth: config.auth }),
      ...(config.tls && { tls: loadTlsCertificate({ ...config.tls, dataDir: config.dataDir, host: config.host, now: clock.now() }) }),
    })
    log.info('palisade started', { url: server.url, dataDir: config.dataDir, auth: config.auth })
    return {
      url: server.url,
      port: server.port,
      accountId: config.accountId,
      firstStart,
      credentialsFile,
      async close() {
        await server.close()
        await accessRecorder.close()
        await stopEventExpiry()
        await stopKmsSweeper() // before the recorder: a last pass's service events are recorded
        await cloudTrail.close()
        await trails.close() // after the recorder's last events: what the trails hold goes to their buckets
        await usage.close()
        await credentials.close()
        await sessions.close()
        await trust.close()
        await oidcProviders.close()
        await identities.close()
        await passwordChanges.close()
        await kmsKeys.close()
        await s3Buckets.close()
        await organizations.close()
        await database.close()
      },
    }
  } catch (error) {
    await database.close()
    throw error
  }
}

function writeSecretFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 })
  chmodSync(path, 0o600) // the mode above applies only when the file is new
}
