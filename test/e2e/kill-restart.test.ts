import { describe, expect, it } from 'vitest'
import { runKillRestart } from '../support/restart/kill-restart-run.js'

describe('npm start killed with SIGKILL in the middle of its deliveries, and started again', () => {
  it('delivers every accepted envelope exactly once, or keeps it parked, across three kills', async () => {
    const { tallies, problems } = await runKillRestart({ alerts: 80, kills: 3 })

    expect(problems).toEqual([])
    expect(tallies).toMatchObject({
      acceptedFiring: 80,
      acceptedResolves: 36,
      kills: 3,
      tickets: 72,
      closed: 36,
      parked: 8,
      duplicateTickets: 0,
      duplicateActions: 0,
      queueLeft: 0,
    })
  }, 240_000)
})
