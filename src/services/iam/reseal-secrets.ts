// resealIamSecrets: re-seals every IAM secret at rest (access keys, MFA seeds, server certificates' private keys, the
// bootstrap record) under a new root key, inside the caller's transaction.
import type { SecretBox } from '../../crypto/secret-box.js'
import { readMeta, writeMeta } from '../../storage/meta-store.js'
import type { Db } from '../../storage/schema.js'
import { BOOTSTRAP_META_KEY } from './bootstrap.js'

/** How many sealed values of each kind were re-sealed. */
export interface IamResealCounts {
  readonly accessKeys: number
  readonly mfaSeeds: number
  readonly serverCertificates: number
  /** Root keys kept in the bootstrap record, so a reset restores them. */
  readonly bootstrapRootKeys: number
}

/**
 * Opens each sealed value with `from` and seals it again with `to`, under the same context (the row's id), in `tx`.
 * A value `from` cannot open throws SecretBoxError, so the caller's transaction rolls back with nothing changed.
 * The caller notifies CREDENTIALS_CHANGED if a server may be listening (the rotation runs with servers stopped).
 */
export async function resealIamSecrets(tx: Db, from: SecretBox, to: SecretBox): Promise<IamResealCounts> {
  const reseal = (sealed: string, context: string) => {
    const plain = from.open(sealed, context)
    try {
      return to.seal(plain, context)
    } finally {
      plain.fill(0)
    }
  }

  const accessKeys = await tx.selectFrom('access_keys').select(['account_id', 'access_key_id', 'secret_sealed']).execute()
  for (const key of accessKeys) {
    await tx.updateTable('access_keys').set({ secret_sealed: reseal(key.secret_sealed, key.access_key_id) })
      .where('account_id', '=', key.account_id).where('access_key_id', '=', key.access_key_id).execute()
  }

  const devices = await tx.selectFrom('iam_mfa_devices').select(['account_id', 'serial_number', 'seed_sealed']).execute()
  for (const device of devices) {
    await tx.updateTable('iam_mfa_devices').set({ seed_sealed: reseal(device.seed_sealed, device.serial_number) })
      .where('account_id', '=', device.account_id).where('serial_number', '=', device.serial_number).execute()
  }

  // INVARIANT: a server certificate's private key is sealed with its certificate id (ASCA…) as context: the id never
  // changes, while UpdateServerCertificate may rename the certificate.
  const certificates = await tx.selectFrom('iam_server_certificates').select(['certificate_id', 'private_key_sealed']).execute()
  for (const certificate of certificates) {
    await tx.updateTable('iam_server_certificates')
      .set({ private_key_sealed: reseal(certificate.private_key_sealed, certificate.certificate_id) })
      .where('certificate_id', '=', certificate.certificate_id).execute()
  }

  return { accessKeys: accessKeys.length, mfaSeeds: devices.length, serverCertificates: certificates.length, bootstrapRootKeys: await resealBootstrapRecord(tx, reseal) }
}

// Only the fields this module rewrites; every other field of the record is kept as it is.
interface SealedRootKeys {
  readonly rootKeys: readonly { readonly accessKeyId: string; readonly secretSealed: string }[]
}

async function resealBootstrapRecord(tx: Db, reseal: (sealed: string, context: string) => string): Promise<number> {
  const text = await readMeta(tx, BOOTSTRAP_META_KEY)
  if (text === undefined) return 0
  const record = JSON.parse(text) as SealedRootKeys
  const rootKeys = record.rootKeys.map((key) => ({ ...key, secretSealed: reseal(key.secretSealed, key.accessKeyId) }))
  await writeMeta(tx, BOOTSTRAP_META_KEY, JSON.stringify({ ...record, rootKeys }))
  return rootKeys.length
}
