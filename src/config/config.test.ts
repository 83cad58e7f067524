// Tests for reading the configuration from flags and PALISADE_* variables.
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

  it.each([
    { name: 'an account id that is not 12 digits', args: ['--account-id', '123'], message: /12 digits/ },
    { name: 'an unknown auth mode', args: ['--auth', 'lenient'], message: /strict, permissive/ },
    { name: 'a port out of range', args: ['--port', '70000'], message: /0 to 65535/ },
    { name: 'an unknown flag', args: ['--prot', '1'], message: /unknown flag `--prot`/ },
    { name: 'a flag without its value', args: ['--region'], message: /needs a value/ },
    { name: 'a root key id without its secret', args: ['--root-access-key-id', 'AKIAIOSFODNN7EXAMPLE'], message: /both/ },
  ])('rejects $name', ({ args, message }) => {
    expect(() => readConfig(args, {})).toThrow(ConfigError)
    expect(() => readConfig(args, {})).toThrow(message)
  })
})
