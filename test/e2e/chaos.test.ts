import { describe, expect, it } from 'vitest'
import { runChaos } from '../support/chaos/chaos-run.js'

describe('chaos: a shuffled, duplicated alert history (single alerts and incidents) and heartbeats under Halo faults and worker crashes', () => {
  it('leaves Halo exactly as the model says, with nothing queued or dead-lettered', async () => {
    const { tallies, mismatches, deadLetters } = await runChaos({
      keys: 24,
      incidents: 4,
      seed: 20261128,
      heartbeats: { keys: 8, steps: 12 },
    })

    expect(mismatches).toEqual([])
    expect(deadLetters).toEqual([])
    expect(tallies.queueLeft).toBe(0)
    // The run was hostile: every kind of fault happened at least once.
    expect(tallies.haloFailures).toBeGreaterThan(0)
    expect(tallies.deferred).toBeGreaterThan(0)
    expect(tallies.crashesBeforeStoreWrite).toBeGreaterThan(0)
    expect(tallies.crashesAfterStoreWrite).toBeGreaterThan(0)
    expect(tallies.interruptedWritesFound).toBeGreaterThan(0)
    expect(tallies.deduplicated).toBeGreaterThan(0)
    expect(tallies.posts).toBeGreaterThan(tallies.events)
    // Grouped alerts made incident tickets, fewer than their members.
    expect(tallies.incidentTickets).toBeGreaterThan(0)
    // Heartbeats were missed and came back: tickets opened by timers alone, and closed.
    expect(tallies.heartbeatTickets).toBeGreaterThan(0)
    expect(tallies.timersQueued).toBeGreaterThanOrEqual(tallies.heartbeatTickets)
  })
})
