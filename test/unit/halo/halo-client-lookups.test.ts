import { describe, expect, it } from 'vitest'
import { HaloApiError } from '../../../shared/errors.js'
import { createHaloClient } from '../../../shared/halo/halo-client.js'
import {
  isTokenCall,
  json,
  type RecordedCall,
  scriptedFetch,
  tokenAnswer,
} from '../../support/halo/scripted-fetch.js'

/** A Halo that knows nothing of third_party_id_string and pages through 1000 tickets. */
const oldHalo = (call: RecordedCall) => {
  if (isTokenCall(call)) return tokenAnswer()
  const pageNo = Number(call.url.searchParams.get('page_no') ?? 1)
  const size = Number(call.url.searchParams.get('page_size') ?? 50)
  const tickets = Array.from({ length: size }, (_, i) => ({
    id: (pageNo - 1) * size + i + 1,
    third_party_id_string: null,
  }))
  return json({ record_count: 1000, page_no: pageNo, page_size: size, tickets })
}

const clientFor = (fetch: typeof globalThis.fetch) =>
  createHaloClient({
    baseUrl: 'https://old.halo.test',
    clientId: 'id',
    clientSecret: 's',
    discover: false,
    fetch,
  })

describe('findTicketsByThirdPartyId', () => {
  it('stops with a clear, non-retryable error when Halo ignores the filter', async () => {
    const { fetch, calls } = scriptedFetch(oldHalo)

    const attempt = clientFor(fetch).findTicketsByThirdPartyId('alert-1')

    await expect(attempt).rejects.toSatisfy(
      (e) => e instanceof HaloApiError && e.kind === 'invalid_response' && !e.retryable,
    )
    await expect(attempt).rejects.toThrow(/ignore the filter/)
    expect(calls.filter((c) => !isTokenCall(c)).length).toBeLessThanOrEqual(3)
  })

  it('keeps only exact matches when Halo matches loosely', async () => {
    const { fetch } = scriptedFetch((call) =>
      isTokenCall(call)
        ? tokenAnswer()
        : json({
            record_count: 3,
            tickets: [
              { id: 1, third_party_id_string: 'k-1' },
              { id: 2, third_party_id_string: 'k-10' },
              { id: 3, third_party_id_string: 'K-1' },
            ],
          }),
    )

    const found = await clientFor(fetch).findTicketsByThirdPartyId('k-1')

    expect(found.map((t) => t.id)).toEqual([1])
  })

  it('asks for open tickets only unless told otherwise', async () => {
    const { fetch, calls } = scriptedFetch((call) =>
      isTokenCall(call) ? tokenAnswer() : json({ record_count: 0, tickets: [] }),
    )
    const client = clientFor(fetch)

    await client.findTicketsByThirdPartyId('k')
    await client.findTicketsByThirdPartyId('k', { openOnly: false })

    const queries = calls.filter((c) => !isTokenCall(c)).map((c) => c.url.searchParams)
    expect(queries[0]?.get('open_only')).toBe('true')
    expect(queries[1]?.has('open_only')).toBe(false)
    expect(queries[0]?.get('pageinate')).toBe('true')
    expect(queries[0]?.get('page_size')).toBe('100')
  })
})

describe('token answers', () => {
  it('accepts a token without a readable expires_in', async () => {
    const { fetch } = scriptedFetch((call) =>
      isTokenCall(call) ? json({ access_token: 't', expires_in: null }) : json({ id: 1 }),
    )

    await expect(clientFor(fetch).getTicket(1)).resolves.toMatchObject({ id: 1 })
  })
})
