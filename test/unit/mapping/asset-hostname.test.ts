import { describe, expect, it } from 'vitest'
import { assetHostname } from '../../../shared/mapping/asset-hostname.js'

describe('assetHostname', () => {
  it.each([
    ['web01.example:9100', 'web01.example'],
    ['WEB01.Example:9100', 'web01.example'],
    ['Acme-DC01', 'acme-dc01'],
    ['acme-dc01', 'acme-dc01'],
    ['  web01.example:9100 ', 'web01.example'],
    ['10.0.0.7:9182', '10.0.0.7'],
    ['[::1]:9100', '::1'],
    ['[2001:DB8::7]:9100', '2001:db8::7'],
    ['[fe80::1]', 'fe80::1'],
  ])('reads %j as the host %j', (resource, host) => {
    expect(assetHostname(resource)).toBe(host)
  })

  it.each([
    // A bare IPv6 address: its last group is not a port.
    ['2001:db8::7', '2001:db8::7'],
    ['::1', '::1'],
    // Not a port after the colon, or no host before it: nothing to strip.
    ['web01.example:metrics', 'web01.example:metrics'],
    [':9100', ':9100'],
    ['web01.example:123456', 'web01.example:123456'],
    ['https://web01.example:9100/metrics', 'https://web01.example:9100/metrics'],
  ])('keeps %j whole (lower-cased)', (resource, host) => {
    expect(assetHostname(resource)).toBe(host)
  })
})
