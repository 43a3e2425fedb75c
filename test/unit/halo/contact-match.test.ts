import { describe, expect, it } from 'vitest'
import { type ContactLookup, matchesContact } from '../../../shared/halo/contact-match.js'

const priya = { name: 'Priya Shah', emailaddress: 'Priya.Shah@acme-dental.example' }

describe('matchesContact', () => {
  it.each<[string, ContactLookup, boolean]>([
    ['the same address', { by: 'email', value: 'Priya.Shah@acme-dental.example' }, true],
    ['the address in another case', { by: 'email', value: 'priya.shah@ACME-DENTAL.example' }, true],
    [
      'the address with spaces around it',
      { by: 'email', value: ' priya.shah@acme-dental.example ' },
      true,
    ],
    ['a part of the address', { by: 'email', value: 'priya.shah@acme' }, false],
    ['a longer address', { by: 'email', value: 'xpriya.shah@acme-dental.example' }, false],
    ['the name given as an address', { by: 'email', value: 'Priya Shah' }, false],
    ['the same name', { by: 'name', value: 'Priya Shah' }, true],
    ['the name in another case, with extra spaces', { by: 'name', value: '  priya   SHAH ' }, true],
    ['the first name only', { by: 'name', value: 'Priya' }, false],
    ['the address given as a name', { by: 'name', value: 'priya.shah@acme-dental.example' }, false],
  ])('matches %s: %o → %s', (_, lookup, expected) => {
    expect(matchesContact(priya, lookup)).toBe(expected)
  })

  it('never matches a user without the field, even to a blank value', () => {
    expect(matchesContact({ name: null, emailaddress: '' }, { by: 'email', value: '' })).toBe(false)
    expect(matchesContact({ name: ' ' }, { by: 'name', value: ' ' })).toBe(false)
  })
})
