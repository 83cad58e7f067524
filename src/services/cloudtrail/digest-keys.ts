// The per-region RSA key pair that signs digest files: made on first use, kept with its private half sealed under
// the root key, replaced once its validity ends; ListPublicKeys returns the public halves
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListPublicKeys.html).
import { createHash, createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import type { Clock } from '../../core/clock.js'
import type { CloudtrailApi } from '../../generated/cloudtrail/api.js'
import { InvalidTimeRangeException, InvalidTokenException } from '../../generated/cloudtrail/errors.js'
import type { SecretBox } from '../../crypto/secret-box.js'
import type { Database } from '../../storage/database.js'
import type { CloudTrailSigningKeyRow } from '../../storage/migrations/0014-cloudtrail.js'
import type { Db } from '../../storage/schema.js'
import type { TrailDeps } from './trail-deps.js'

/** How long one key pair signs before the next replaces it. */
const KEY_VALIDITY_MS = 365 * 24 * 3600 * 1000

export interface SigningKey {
  readonly region: string
  /** MD5 (hex) of `publicKey`: digest files name their key by it. */
  readonly fingerprint: string
  /** PKCS#1 DER of the RSA public key, as ListPublicKeys returns it. */
  readonly publicKey: Buffer
  readonly privateKey: KeyObject
  readonly validFrom: Date
  readonly validTo: Date
}

export interface DigestSigningKeys {
  /** The key that signs the region's digests now. */
  current(region: string): Promise<SigningKey>
  /** The region's keys valid at some time in [start, end]. */
  between(region: string, start: Date, end: Date): Promise<SigningKey[]>
}

export function digestSigningKeys({ database, box, clock }: { database: Database; box: SecretBox; clock: Clock }): DigestSigningKeys {
  const opened = new Map<string, SigningKey>() // `region/fingerprint`
  const load = async (region: string): Promise<SigningKey[]> => {
    const rows = await database.db.selectFrom('cloudtrail_signing_keys').selectAll().where('region', '=', region).execute()
    return rows.map((row) => {
      const id = `${row.region}/${row.fingerprint}`
      let key = opened.get(id)
      if (!key) {
        key = {
          region: row.region,
          fingerprint: row.fingerprint,
          publicKey: Buffer.from(row.public_key, 'base64'),
          privateKey: createPrivateKey({ key: box.open(row.sealed_private_key, sealingContext(row.region, row.fingerprint)), format: 'der', type: 'pkcs8' }),
          validFrom: new Date(row.valid_from),
          validTo: new Date(row.valid_to),
        }
        opened.set(id, key)
      }
      return key
    })
  }
  const newest = (keys: readonly SigningKey[], now: Date) =>
    keys.filter((key) => key.validFrom <= now && now < key.validTo).sort((a, b) => b.validFrom.getTime() - a.validFrom.getTime())[0]
  const creating = new Map<string, Promise<SigningKey>>() // by region

  return {
    async current(region) {
      const now = clock.now()
      const existing = newest(await load(region), now)
      if (existing) return existing
      // One creation at a time in this process. Another process may make its own key at the same moment: both stay
      // valid, and each digest names the key that signed it by its fingerprint.
      let pending = creating.get(region)
      if (!pending) {
        pending = createKey(database, box, region, now).finally(() => creating.delete(region))
        creating.set(region, pending)
      }
      return pending
    },
    async between(region, start, end) {
      return (await load(region)).filter((key) => key.validFrom <= end && start < key.validTo)
        .sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime())
    },
  }
}

/** ListPublicKeys: without a range, the current key; a range returns every key valid during it. */
export function publicKeyOperations({ signingKeys, clock }: Pick<TrailDeps, 'signingKeys' | 'clock'>) {
  return {
    async ListPublicKeys(input, ctx) {
      if (input.NextToken !== undefined) throw new InvalidTokenException('Reading from the token is not supported.')
      const asked = clock.now()
      if ((input.StartTime ?? asked) > (input.EndTime ?? asked)) throw new InvalidTimeRangeException('Start time must be earlier than end time.')
      await signingKeys.current(ctx.region)
      // After the current key: one made just now is valid from a later millisecond than `asked`.
      const now = clock.now()
      const keys = await signingKeys.between(ctx.region, input.StartTime ?? now, input.EndTime ?? now)
      return {
        PublicKeyList: keys.map((key) => ({ Value: key.publicKey, ValidityStartTime: key.validFrom, ValidityEndTime: key.validTo, Fingerprint: key.fingerprint })),
      }
    },
  } satisfies Partial<CloudtrailApi>
}

/** `palisade rotate-root-key`: every signing key's private half opened with `from` and sealed with `to`. */
export async function resealSigningKeys(tx: Db, from: SecretBox, to: SecretBox): Promise<number> {
  const rows = await tx.selectFrom('cloudtrail_signing_keys').selectAll().execute()
  for (const row of rows) {
    const context = sealingContext(row.region, row.fingerprint)
    await tx.updateTable('cloudtrail_signing_keys').set({ sealed_private_key: to.seal(from.open(row.sealed_private_key, context), context) })
      .where('region', '=', row.region).where('fingerprint', '=', row.fingerprint).execute()
  }
  return rows.length
}

async function createKey(database: Database, box: SecretBox, region: string, now: Date): Promise<SigningKey> {
  // Off the event loop: a 2048-bit RSA key takes a noticeable while to find.
  const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 })
  const publicDer = publicKey.export({ format: 'der', type: 'pkcs1' })
  const fingerprint = createHash('md5').update(publicDer).digest('hex')
  const row: CloudTrailSigningKeyRow = {
    region,
    fingerprint,
    public_key: publicDer.toString('base64'),
    sealed_private_key: box.seal(privateKey.export({ format: 'der', type: 'pkcs8' }), sealingContext(region, fingerprint)),
    valid_from: now.toISOString(),
    valid_to: new Date(now.getTime() + KEY_VALIDITY_MS).toISOString(),
  }
  await database.db.insertInto('cloudtrail_signing_keys').values(row).execute()
  return { region, fingerprint, publicKey: publicDer, privateKey, validFrom: now, validTo: new Date(row.valid_to) }
}

function sealingContext(region: string, fingerprint: string): string {
  return `cloudtrail-signing-key:${region}:${fingerprint}`
}
