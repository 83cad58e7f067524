// Property: whatever path, query and header values a request has, what the SDK signer signs verifies.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readSignature, verifySignature } from '../../src/sigv4/index.js'
import { SECRET_ACCESS_KEY, sdkRequest, sdkSigner, toWire } from './support/sdk-signer.js'

const SIGNED_AT = new Date('2026-11-22T12:00:00Z')

// Segments that exercise the encoding rules: unicode, reserved characters, dot segments, empty segments.
const segment = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom('.', '..', '', 'a b', 'a+b', '~', '%', "!'()*", 'é', 'ሴ', '😀'),
)
const query = fc.dictionary(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((name) => !name.toLowerCase().startsWith('x-amz-')),
  fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.array(fc.string({ maxLength: 4 }), { minLength: 1, maxLength: 3 })),
  { maxKeys: 4 },
)
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,20}$/)

function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

describe('SDK-signed requests verify (property)', () => {
  it.each([
    { name: 'S3 (path signed as sent)', service: 's3', family: 's3' as const, uriEscapePath: false, applyChecksum: true },
    { name: 'other services (path normalized and encoded twice)', service: 'lambda', family: 'rest-json' as const, uriEscapePath: true, applyChecksum: false },
  ])('$name', async ({ service, family, uriEscapePath, applyChecksum }) => {
    const signer = sdkSigner({ service, uriEscapePath, applyChecksum })
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), query, headerValue, fc.string({ maxLength: 30 }), async (segments, params, meta, body) => {
        const request = sdkRequest({
          method: 'PUT',
          hostname: 'example.amazonaws.com',
          path: `/${segments.map(escapeUri).join('/')}`,
          query: params,
          headers: { 'x-amz-meta-note': meta },
          body,
        })
        const wire = toWire(await signer.sign(request, { signingDate: SIGNED_AT }))
        const signed = readSignature(wire, family)!
        expect(verifySignature(wire, signed, SECRET_ACCESS_KEY, SIGNED_AT, { family, service }).payload.toString()).toBe(body)
      }),
      { numRuns: 150 },
    )
  })
})
