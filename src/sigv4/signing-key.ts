// signingKey: the SigV4 key derivation (kSecret → kDate → kRegion → kService → kSigning), cached per scope.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#derive-signing-key
import { createHmac, hash } from 'node:crypto'
import type { CredentialScope } from './signed-request.js'

/** Enough for every active key of a busy server for a day; the oldest entry goes first when it is full. */
const CACHE_LIMIT = 1024

// Keyed by a hash of the secret, never the secret itself, so a heap dump of the cache shows no secret.
const cache = new Map<string, Buffer>()

export function signingKey(secretAccessKey: string, scope: CredentialScope): Buffer {
  // Consecutive requests mostly come from one key and scope: answered without building the cache key.
  const last = lastKey
  if (last !== undefined && last.secret === secretAccessKey && last.date === scope.date && last.region === scope.region && last.service === scope.service) {
    return last.key
  }
  const key = cachedSigningKey(secretAccessKey, scope)
  lastKey = { secret: secretAccessKey, date: scope.date, region: scope.region, service: scope.service, key }
  return key
}

// The last key handed out, with what it was derived from (the secret is held anyway: see lastSecret below).
let lastKey: { readonly secret: string; readonly date: string; readonly region: string; readonly service: string; readonly key: Buffer } | undefined

function cachedSigningKey(secretAccessKey: string, scope: CredentialScope): Buffer {
  const id = `${secretId(secretAccessKey)}/${scope.date}/${scope.region}/${scope.service}`
  const cached = cache.get(id)
  if (cached) {
    cache.delete(id) // re-insert below so the Map's insertion order is least-recently-used first
    cache.set(id, cached)
    return cached
  }
  const dateKey = hmac(`AWS4${secretAccessKey}`, scope.date)
  const regionKey = hmac(dateKey, scope.region)
  const serviceKey = hmac(regionKey, scope.service)
  const key = hmac(serviceKey, 'aws4_request')
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!)
  cache.set(id, key)
  return key
}

// The last secret and its hash: consecutive requests mostly come from the same key, so this spares a SHA-256 per
// request. Holding one secret here exposes nothing new: the credential index keeps every secret in memory anyway.
let lastSecret: { readonly secret: string; readonly id: string } | undefined

function secretId(secretAccessKey: string): string {
  if (lastSecret?.secret === secretAccessKey) return lastSecret.id
  lastSecret = { secret: secretAccessKey, id: sha256Hex(secretAccessKey) }
  return lastSecret.id
}

/** How many derived keys are cached (tests check the bound). */
export function signingKeyCacheSize(): number {
  return cache.size
}

export function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest()
}

export function hmacHex(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('hex')
}

/** SHA-256 of no bytes: what a bodyless request declares and an empty chunk is signed with. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

// crypto.hash is the one-shot form: no Hash object per call, which matters on the request path; no bytes (every
// GET) need no hashing at all.
export function sha256Hex(data: string | Buffer): string {
  return data.length === 0 ? EMPTY_SHA256 : hash('sha256', data, 'hex')
}
