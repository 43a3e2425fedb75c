import { describe, expect, it } from 'vitest'
import type { ContactLookup } from '../../../shared/halo/contact-match.js'
import type { DirectoryUser } from '../../../shared/halo/halo-directory.js'
import { type ContactChoice, pickContact } from '../../../shared/mapping/pick-contact.js'

const byEmail: ContactLookup = { by: 'email', value: 'frontdesk@acme-dental.example' }
const byName: ContactLookup = { by: 'name', value: 'Tom Okafor' }

// Client 12 has sites 21 and 22; client 13 has site 31.
const at = (id: number, clientId: number | undefined, siteId?: number): DirectoryUser => ({
  id,
  ...(clientId === undefined ? {} : { clientId }),
  ...(siteId === undefined ? {} : { siteId }),
})

describe('pickContact', () => {
  it.each<
    [string, ContactLookup, DirectoryUser[], { clientId: number; siteId?: number }, ContactChoice]
  >([
    [
      'one match in the client',
      byEmail,
      [at(101, 12, 21)],
      { clientId: 12 },
      { user: at(101, 12, 21) },
    ],
    [
      'one match at another site of the client than the ticket’s',
      byEmail,
      [at(102, 12, 22)],
      { clientId: 12, siteId: 21 },
      { user: at(102, 12, 22) },
    ],
    [
      'no match',
      byEmail,
      [],
      { clientId: 12 },
      { reason: 'no Halo user with e-mail "frontdesk@acme-dental.example" in client 12: not set' },
    ],
    [
      'two matches in the client',
      byName,
      [at(102, 12, 22), at(107, 12, 21)],
      { clientId: 12 },
      { reason: '2 Halo users named "Tom Okafor" in client 12 (ids 102, 107): not set' },
    ],
    [
      'two matches, exactly one at the ticket’s site',
      byName,
      [at(102, 12, 22), at(107, 12, 21)],
      { clientId: 12, siteId: 21 },
      { user: at(107, 12, 21) },
    ],
    [
      'two matches, both at the ticket’s site',
      byName,
      [at(102, 12, 21), at(107, 12, 21)],
      { clientId: 12, siteId: 21 },
      { reason: '2 Halo users named "Tom Okafor" in client 12 (ids 102, 107): not set' },
    ],
    [
      'two matches, neither at the ticket’s site',
      byName,
      [at(102, 12, 22), at(107, 12, 22)],
      { clientId: 12, siteId: 21 },
      { reason: '2 Halo users named "Tom Okafor" in client 12 (ids 102, 107): not set' },
    ],
    [
      'the only match of another client',
      byEmail,
      [at(103, 13, 31)],
      { clientId: 12 },
      {
        reason:
          'no Halo user with e-mail "frontdesk@acme-dental.example" in client 12 (only user 103 of client 13): not set',
      },
    ],
    [
      'a match of unknown client',
      byEmail,
      [at(103, undefined, 31)],
      { clientId: 12 },
      {
        reason:
          'no Halo user with e-mail "frontdesk@acme-dental.example" in client 12 (only user 103 of no known client): not set',
      },
    ],
    [
      'one match in the client and others elsewhere',
      byEmail,
      [at(103, 13, 31), at(101, 12, 21), at(104, 13, 32)],
      { clientId: 12 },
      { user: at(101, 12, 21) },
    ],
    [
      'one match with no site, the ticket without one either',
      byEmail,
      [at(110, 12)],
      { clientId: 12 },
      {
        reason:
          'Halo user 110 with e-mail "frontdesk@acme-dental.example" has no site, and Halo needs one for a ticket\'s user: not set',
      },
    ],
    [
      'one match with no site, the ticket with one',
      byEmail,
      [at(110, 12)],
      { clientId: 12, siteId: 21 },
      { user: at(110, 12) },
    ],
  ])('%s', (_, lookup, matches, ticket, expected) => {
    expect(pickContact(lookup, matches, ticket)).toEqual(expected)
  })
})
