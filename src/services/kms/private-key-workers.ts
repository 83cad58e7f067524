// PrivateKeyWorkers: asymmetric private-key operations (sign, raw RSA private encryption, OAEP decryption) on worker
// threads. A 4096-bit RSA private operation takes several milliseconds, which must not block the event loop.
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'

export type PrivateKeyJob =
  | { readonly kind: 'sign'; readonly hash: string; readonly padding?: number; readonly saltLength?: number; readonly message: Uint8Array }
  | { readonly kind: 'privateEncrypt'; readonly padding: number; readonly data: Uint8Array }
  | { readonly kind: 'privateDecrypt'; readonly oaepHash: string; readonly data: Uint8Array }

export interface PrivateKeyWorkers {
  /**
   * Runs `job` with the private key `der` (PKCS#8), which workers cache under `keyRef` (ARN and material version).
   * Resolves undefined when a decryption fails (wrong key or padding); rejects on any other failure.
   */
  run(keyRef: string, der: Buffer, job: PrivateKeyJob): Promise<Buffer | undefined>
  close(): Promise<void>
}

// Plain JavaScript evaluated in the worker: it depends on node:crypto only, so it runs the same under tsx, vitest and
// a compiled build.
const WORKER_SOURCE = `
const crypto = require('node:crypto')
const { parentPort } = require('node:worker_threads')
const keys = new Map()
parentPort.on('message', ({ id, keyRef, der, job }) => {
  try {
    let key = keys.get(keyRef)
    if (!key) {
      key = crypto.createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' })
      keys.set(keyRef, key)
    }
    let out = null
    if (job.kind === 'sign') {
      out = crypto.sign(job.hash, job.message, { key, padding: job.padding, saltLength: job.saltLength, dsaEncoding: 'der' })
    } else if (job.kind === 'privateEncrypt') {
      out = crypto.privateEncrypt({ key, padding: job.padding }, job.data)
    } else {
      try {
        out = crypto.privateDecrypt({ key, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: job.oaepHash }, job.data)
      } catch {
        out = null
      }
    }
    parentPort.postMessage({ id, ok: true, out })
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: String(error && error.message) })
  }
})
`

interface Pending {
  resolve(value: Buffer | undefined): void
  reject(error: Error): void
}

interface Slot {
  readonly worker: Worker
  readonly known: Set<string>
  readonly pending: Map<number, Pending>
}

export function privateKeyWorkers(size = Math.max(1, Math.min(2, availableParallelism() - 1))): PrivateKeyWorkers {
  const slots: Slot[] = []
  let nextId = 0
  let turn = 0

  const start = (): Slot => {
    const worker = new Worker(WORKER_SOURCE, { eval: true })
    worker.unref() // an idle pool never keeps the process alive
    const slot: Slot = { worker, known: new Set(), pending: new Map() }
    worker.on('message', (message: { id: number; ok: boolean; out?: Uint8Array | null; message?: string }) => {
      const waiting = slot.pending.get(message.id)
      slot.pending.delete(message.id)
      if (!waiting) return
      if (message.ok) waiting.resolve(message.out ? Buffer.from(message.out) : undefined)
      else waiting.reject(new Error(`private key operation failed: ${message.message}`))
    })
    worker.on('error', (error) => {
      for (const waiting of slot.pending.values()) waiting.reject(error)
      slot.pending.clear()
      slots.splice(slots.indexOf(slot), 1)
    })
    slots.push(slot)
    return slot
  }

  return {
    run(keyRef, der, job) {
      // The least busy worker, starting new ones up to `size`.
      const idle = slots.find((slot) => slot.pending.size === 0)
      const slot = idle ?? (slots.length < size ? start() : slots[turn++ % slots.length]!)
      const id = nextId++
      const firstUse = !slot.known.has(keyRef)
      slot.known.add(keyRef)
      return new Promise((resolve, reject) => {
        slot.pending.set(id, { resolve, reject })
        slot.worker.postMessage({ id, keyRef, der: firstUse ? der : undefined, job })
      })
    },
    async close() {
      await Promise.all(slots.splice(0).map((slot) => slot.worker.terminate()))
    },
  }
}
