// signingKey: AWS's derivation example and the bounded cache.
import { describe, expect, it } from 'vitest'
import { hmacHex, signingKey, signingKeyCacheSize } from './signing-key.js'

describe('signingKey', () => {
  it('derives the key of the AWS General Reference example', () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html (secret wJalr…EXAMPLEKEY, 20150830/us-east-1/iam)
    const key = signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', { date: '20150830', region: 'us-east-1', service: 'iam', terminator: 'aws4_request' })
    expect(key.toString('hex')).toBe('c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9')
  })

  it('returns the cached key for the same secret and scope', () => {
    const scope = { date: '20260101', region: 'eu-west-1', service: 's3', terminator: 'aws4_request' }
    expect(signingKey('secret', scope)).toBe(signingKey('secret', scope))
    expect(signingKey('other secret', scope)).not.toEqual(signingKey('secret', scope))
  })

  it('keeps at most 1024 derived keys', () => {
    for (let day = 0; day < 1500; day++) {
      signingKey('secret', { date: String(20200000 + day), region: 'us-east-1', service: 'iam', terminator: 'aws4_request' })
    }
    expect(signingKeyCacheSize()).toBe(1024)
  })

  it('signs with the derived key', () => {
    const key = signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', { date: '20150830', region: 'us-east-1', service: 'iam', terminator: 'aws4_request' })
    const stringToSign = 'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59'
    expect(hmacHex(key, stringToSign)).toBe('5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7')
  })
})
