import { describe, expect, it } from 'vitest'
import { holds } from '../../testing.js'
import { parseCidr } from './ip-address.js'

describe('IpAddress and NotIpAddress', () => {
  it.each([
    { name: 'an IPv4 address inside a /24', op: 'IpAddress', cidr: '203.0.113.0/24', ip: '203.0.113.77', expected: true },
    { name: 'an IPv4 address outside a /24', op: 'IpAddress', cidr: '203.0.113.0/24', ip: '203.0.114.1', expected: false },
    { name: 'a bare address is a /32', op: 'IpAddress', cidr: '203.0.113.5', ip: '203.0.113.5', expected: true },
    { name: 'a /0 contains every IPv4 address', op: 'IpAddress', cidr: '0.0.0.0/0', ip: '8.8.8.8', expected: true },
    { name: 'an odd prefix length', op: 'IpAddress', cidr: '10.0.0.0/9', ip: '10.127.255.255', expected: true },
    { name: 'an odd prefix length, outside', op: 'IpAddress', cidr: '10.0.0.0/9', ip: '10.128.0.0', expected: false },
    { name: 'an IPv6 address inside a /32', op: 'IpAddress', cidr: '2001:DB8::/32', ip: '2001:db8:1234::1', expected: true },
    { name: 'an IPv6 address outside a /32', op: 'IpAddress', cidr: '2001:db8::/32', ip: '2001:db9::1', expected: false },
    { name: 'an IPv6 /128', op: 'IpAddress', cidr: '::1/128', ip: '::1', expected: true },
    { name: 'an IPv4-mapped IPv6 request address compares as IPv4', op: 'IpAddress', cidr: '203.0.113.0/24', ip: '::ffff:203.0.113.9', expected: true },
    { name: 'IPv4 never matches an IPv6 block', op: 'IpAddress', cidr: '2001:db8::/32', ip: '203.0.113.9', expected: false },
    { name: 'NotIpAddress outside the block', op: 'NotIpAddress', cidr: '203.0.113.0/24', ip: '198.51.100.1', expected: true },
    { name: 'NotIpAddress inside the block', op: 'NotIpAddress', cidr: '203.0.113.0/24', ip: '203.0.113.1', expected: false },
    { name: 'a malformed request address never matches', op: 'IpAddress', cidr: '0.0.0.0/0', ip: 'not-an-ip', expected: false },
    { name: 'a malformed request address does not satisfy NotIpAddress', op: 'NotIpAddress', cidr: '10.0.0.0/8', ip: '300.1.1.1', expected: false },
  ])('$name', ({ op, cidr, ip, expected }) => {
    expect(holds(op, 'aws:SourceIp', cidr, { 'aws:SourceIp': ip })).toBe(expected)
  })

  it('ORs several blocks', () => {
    expect(holds('IpAddress', 'aws:SourceIp', ['10.0.0.0/8', '192.168.0.0/16'], { 'aws:SourceIp': '192.168.3.4' })).toBe(true)
  })

  it('NotIpAddress holds for an absent key', () => {
    expect(holds('NotIpAddress', 'aws:SourceIp', '10.0.0.0/8', {})).toBe(true)
  })

  it.each(['10.0.0.0/33', '10.0.0/8', '2001:db8::/129', '1:2:3:4:5:6:7:8:9', 'x'])('rejects the block `%s`', (text) => {
    expect(parseCidr(text)).toBeUndefined()
  })
})
