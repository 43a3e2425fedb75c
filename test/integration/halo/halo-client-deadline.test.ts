import { describe, expect, it } from 'vitest'
import { HaloApiError } from '../../../shared/errors.js'
import { MIN_ATTEMPT_MS } from '../../../shared/halo/halo-requester.js'
import { useHaloSandbox } from '../../support/halo/halo-sandbox-fixture.js'

const isHaloError = (e: unknown): e is HaloApiError => e instanceof HaloApiError

describe("createHaloClient with a worker's deadline (endBy)", () => {
  const halo = useHaloSandbox()

  it('sends nothing with under a second left, failing retryably as a write that never happened', async () => {
    let endBy: number | undefined
    const client = halo.client({ endBy: () => endBy })
    await client.listClients() // token and discovery done
    const before = halo.sandbox.requests().length
    endBy = Date.now() + MIN_ATTEMPT_MS - 100

    const attempt = client.createTicket({ summary: 'too late' })

    await expect(attempt).rejects.toSatisfy(
      (e) => isHaloError(e) && e.kind === 'deadline' && e.retryable && !e.mayHaveWritten,
    )
    expect(halo.sandbox.requests()).toHaveLength(before)
    expect(client.calls.snapshot().byEndpoint['POST /Tickets']).toEqual({ deadline: 1 })
  })

  it('cuts off a write Halo never answers at the deadline, long before its own timeout', async () => {
    // A 60 s request timeout and a sandbox that holds the answer 30 s: only endBy can end this
    // within the test's timeout.
    let endBy: number | undefined
    const client = halo.client({ timeoutMs: 60_000, endBy: () => endBy })
    await client.listClients()
    halo.sandbox.setFaults({ next: [{ drop: 'hang', match: 'post /api/tickets' }] })
    endBy = Date.now() + MIN_ATTEMPT_MS + 500

    const attempt = client.createTicket({ summary: 'cut off', third_party_id_string: 'cut:1' })

    await expect(attempt).rejects.toSatisfy(
      (e) => isHaloError(e) && e.kind === 'timeout' && e.retryable && e.mayHaveWritten,
    )
    expect(halo.sandbox.tickets()).toHaveLength(1) // committed: the next attempt looks it up
    halo.sandbox.releaseHangs()
  })

  it('does not sleep for a retry that would end after the deadline', async () => {
    const sleeps: number[] = []
    let endBy: number | undefined
    const client = halo.client({
      sleep: async (ms) => void sleeps.push(ms),
      backoff: { baseMs: 5_000, maxMs: 5_000 },
      random: () => 1,
      endBy: () => endBy,
    })
    await client.listClients()
    halo.sandbox.setFaults({ next: [{ status: 503, match: 'get /api/client' }] })
    endBy = Date.now() + 3_000

    const attempt = client.listClients()

    await expect(attempt).rejects.toSatisfy((e) => isHaloError(e) && e.status === 503)
    expect(sleeps).toEqual([])
  })
})
