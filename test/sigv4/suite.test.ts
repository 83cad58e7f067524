// Runs AWS's SigV4 test suite (test/sigv4/suite, see its README) through readSignature and verifySignature.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { HttpRequest } from '../../src/core/http.js'
import { readSignature, verifySignature } from '../../src/sigv4/index.js'
import { parseRawRequest } from './support/raw-request.js'

const SUITE = join(import.meta.dirname, 'suite')
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const SIGNED_AT = new Date('2015-08-30T12:36:00Z')

interface SuiteCase {
  readonly name: string
  readonly request: HttpRequest
  /** `-unnormalized` cases sign the path as S3 does: no dot-segment removal, no second encoding. */
  readonly pathRules: 's3' | 'normalized'
}

const cases: SuiteCase[] = readdirSync(SUITE, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) =>
    readdirSync(join(SUITE, entry.name))
      .filter((file) => file.endsWith('-signed-request.txt'))
      .map((file) => ({
        name: `${entry.name} (${file.startsWith('query') ? 'presigned' : 'header'})`,
        request: parseRawRequest(readFileSync(join(SUITE, entry.name, file), 'utf8')),
        pathRules: entry.name.endsWith('-unnormalized') ? ('s3' as const) : ('normalized' as const),
      })),
  )

function verify(testCase: SuiteCase, request = testCase.request, now = SIGNED_AT) {
  const signed = readSignature(request, 'query')
  if (!signed) throw new Error('the suite request carries no signature')
  return verifySignature(request, signed, SECRET, now, { family: 'query', region: 'us-east-1', service: 'service', pathRules: testCase.pathRules })
}

describe('AWS SigV4 test suite', () => {
  it('has the cases it claims', () => {
    expect(cases.length).toBeGreaterThanOrEqual(35)
  })

  it.each(cases)('verifies $name', (testCase) => {
    expect(verify(testCase).payload).toEqual(testCase.request.body)
  })

  it.each(cases)('rejects $name with one character of the signature changed', (testCase) => {
    const signed = readSignature(testCase.request, 'query')!
    const last = signed.signature.at(-1) === '0' ? '1' : '0'
    const tampered = { ...signed, signature: signed.signature.slice(0, -1) + last }
    expect(() =>
      verifySignature(testCase.request, tampered, SECRET, SIGNED_AT, { family: 'query', pathRules: testCase.pathRules }),
    ).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }))
  })

  it.each(cases)('rejects $name signed with another secret', (testCase) => {
    const signed = readSignature(testCase.request, 'query')!
    expect(() =>
      verifySignature(testCase.request, signed, `${SECRET}x`, SIGNED_AT, { family: 'query', pathRules: testCase.pathRules }),
    ).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }))
  })

  it('reads the session token of get-vanilla-with-session-token', () => {
    const testCase = cases.find((c) => c.name === 'get-vanilla-with-session-token (header)')!
    expect(readSignature(testCase.request, 'query')?.sessionToken).toBe('6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267')
  })

  it('signs the -unnormalized paths differently from the normalized ones', () => {
    const testCase = cases.find((c) => c.name === 'get-relative-relative-unnormalized (header)')!
    expect(() => verify({ ...testCase, pathRules: 'normalized' })).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }))
  })
})
