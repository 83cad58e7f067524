// rewrapKeyMaterial: re-seals every KMS key's material under a new root key. Ciphertext that clients hold names a
// key and material version, never the root key, so all of it still decrypts afterwards.
import type { SecretBox } from '../../crypto/secret-box.js'
import type { Database } from '../../storage/database.js'
import { KMS_KEYS_CHANGED, materialContext } from './key-index.js'
import { kmsStore } from './store.js'

/**
 * In one transaction: opens each material version with `from` and seals it with `to` (a wrong `from` fails before
 * anything changes). Returns how many versions were re-sealed. Run it with Palisade stopped, then start it with the
 * new root key.
 */
export async function rewrapKeyMaterial(database: Database, from: SecretBox, to: SecretBox): Promise<number> {
  return database.transaction(async (tx) => {
    const store = kmsStore(tx)
    const materials = await store.allMaterials()
    for (const material of materials) {
      const context = materialContext(material.account_id, material.key_id, material.version)
      const plain = from.open(material.sealed, context)
      await store.resealMaterial(material.account_id, material.key_id, material.version, to.seal(plain, context))
      plain.fill(0)
    }
    await database.notify(KMS_KEYS_CHANGED, '*')
    return materials.length
  })
}
