// Tests for reading the configuration from flags and PALISADE_* variables.
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, readConfig } from './config.js'

describe('readConfig', () => {
  it('uses the documented defaults', () => {
    const config = readConfig([], {})
    expect(config).toMatchObject({ host: '127.0.0.1', port: 4566, accountId: '000000000000', region: 'us-east-1', auth: 'strict', logLevel: 'info', allowReset: false })
    expect(config.database).toMatch(/^sqlite:.*\.palisade\/palisade\.db$/)
  })

  it('lets flags win over environment variables', () => {
    const config = readConfig(['--port', '5000', '--auth=permissive', '--allow-reset'], { PALISADE_PORT: '6000', PALISADE_REGION: 'eu-west-2' })
    expect(config).toMatchObject({ port: 5000, auth: 'permissive', allowReset: true, region: 'eu-west-2' })
  })

  it('keeps every --oidc-jwks entry, a file resolved to an absolute path and a URL as given', () => {
    const config = readConfig(['--oidc-jwks', 'https://a.example.test=keys/a.json', '--oidc-jwks=https://b.example.test/tenant=http://127.0.0.1:8080/jwks?v=1'], {})
    expect(config.oidcJwks).toEqual({ 'https://a.example.test': resolve('keys/a.json'), 'https://b.example.test/tenant': 'http://127.0.0.1:8080/jwks?v=1' })
  })

  it('reads PALISADE_OIDC_JWKS entries separated by commas or spaces, and lets the flag win over it', () => {
    const env = { PALISADE_OIDC_JWKS: 'https://a.example.test=/keys/a.json, https://b.example.test=/keys/b.json\nhttps://c.example.test=/keys/c.json' }
    expect(readConfig([], env).oidcJwks).toEqual({ 'https://a.example.test': '/keys/a.json', 'https://b.example.test': '/keys/b.json', 'https://c.example.test': '/keys/c.json' })
    expect(readConfig(['--oidc-jwks', 'https://d.example.test=/keys/d.json'], env).oidcJwks).toEqual({ 'https://d.example.test': '/keys/d.json' })
    expect(readConfig([], {}).oidcJwks).toEqual({})
  })

  it.each([
    { name: 'an account id that is not 12 digits', args: ['--account-id', '123'], message: /12 digits/ },
    { name: 'an unknown auth mode', args: ['--auth', 'lenient'], message: /strict, permissive/ },
    { name: 'a port out of range', args: ['--port', '70000'], message: /0 to 65535/ },
    { name: 'an unknown flag', args: ['--prot', '1'], message: /unknown flag `--prot`/ },
    { name: 'a flag without its value', args: ['--region'], message: /needs a value/ },
    { name: 'a root key id without its secret', args: ['--root-access-key-id', 'AKIAIOSFODNN7EXAMPLE'], message: /both/ },
    { name: 'an oidc-jwks entry without `=`', args: ['--oidc-jwks', 'https://issuer.example.test'], message: /entries look like ISSUER=JWKS, got `https:\/\/issuer.example.test`/ },
    { name: 'an oidc-jwks entry without its JWKS', args: ['--oidc-jwks', 'https://issuer.example.test='], message: /entries look like ISSUER=JWKS/ },
    { name: 'an oidc-jwks issuer that is not https', args: ['--oidc-jwks', 'http://issuer.example.test=keys.json'], message: /issuer must be an https:\/\/ URL/ },
    { name: 'an oidc-jwks issuer with a query', args: ['--oidc-jwks', 'https://issuer.example.test/?tenant=1=keys.json'], message: /without query or fragment/ },
    { name: 'an oidc-jwks JWKS with another scheme', args: ['--oidc-jwks', 'https://issuer.example.test=ftp://keys.example.test/jwks'], message: /must be a file or an http\(s\) URL/ },
    { name: 'an oidc-jwks issuer given twice', args: ['--oidc-jwks', 'https://issuer.example.test=a.json', '--oidc-jwks', 'https://issuer.example.test/=b.json'], message: /names issuer `https:\/\/issuer.example.test\/` more than once/ },
  ])('rejects $name', ({ args, message }) => {
    expect(() => readConfig(args, {})).toThrow(ConfigError)
    expect(() => readConfig(args, {})).toThrow(message)
  })
})
