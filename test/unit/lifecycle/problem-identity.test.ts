import { describe, expect, it } from 'vitest'
import { MAX_IDENTITY_LENGTH, problemIdentity } from '../../../shared/lifecycle/problem-identity.js'

describe('problemIdentity', () => {
  it('is readable, scoped to the route, and the same every time', () => {
    expect(problemIdentity('prometheus', 'fp-disk')).toBe('hh:prometheus:fp-disk')
    expect(problemIdentity('prometheus', 'fp-disk')).toBe(problemIdentity('prometheus', 'fp-disk'))
  })

  it('differs between two routes that emit the same key', () => {
    expect(problemIdentity('alpha', 'k')).not.toBe(problemIdentity('beta', 'k'))
  })

  it('keeps ARNs and host:port keys readable', () => {
    expect(problemIdentity('aws', 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:cpu-high')).toBe(
      'hh:aws:arn:aws:cloudwatch:eu-west-1:123456789012:alarm:cpu-high',
    )
    expect(problemIdentity('nodes', 'node-down-web01.example:9100')).toBe(
      'hh:nodes:node-down-web01.example:9100',
    )
  })

  it('hashes a key with a character a store or an HTML encoder might change', () => {
    for (const key of ['a&b', '<disk>', 'say "hi"', 'two words']) {
      expect(problemIdentity('r', key)).toMatch(/^hh#r:[A-Za-z0-9_-]{32}$/)
    }
  })

  it('hashes a key that would make it too long, or that is not printable ASCII', () => {
    const long = problemIdentity('a'.repeat(63), 'k'.repeat(512))
    expect(long).toMatch(/^hh#a{63}:[A-Za-z0-9_-]{32}$/)
    expect(long.length).toBeLessThanOrEqual(MAX_IDENTITY_LENGTH)
    expect(problemIdentity('r', 'Disk voll – Server 1')).toMatch(/^hh#r:[A-Za-z0-9_-]{32}$/)
    expect(problemIdentity('r', 'line\nbreak')).toMatch(/^hh#r:/)
    expect(problemIdentity('r', 'trailing ')).toMatch(/^hh#r:/)
  })

  it('gives two long keys that share a prefix different identities', () => {
    const prefix = 'x'.repeat(200)
    expect(problemIdentity('r', `${prefix}1`)).not.toBe(problemIdentity('r', `${prefix}2`))
  })
})
