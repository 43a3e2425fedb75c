import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startPeriodicTimer } from '../../../local/periodic-timer.js'
import { createJsonLogger } from '../../../shared/observability.js'

describe('startPeriodicTimer', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('runs one period after start, times the next from the end of the last, and never overlaps', async () => {
    const started: number[] = []
    let finish: (() => void) | undefined
    const run = () => {
      started.push(Date.now())
      return new Promise<void>((resolve) => {
        finish = resolve
      })
    }
    const timer = startPeriodicTimer({
      run,
      everyMs: 100,
      logger: createJsonLogger(),
      failure: 'x',
    })
    const t0 = Date.now()

    await vi.advanceTimersByTimeAsync(99)
    expect(started).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(started).toEqual([t0 + 100])
    // Still running 500 ms later: no second run meanwhile.
    await vi.advanceTimersByTimeAsync(500)
    expect(started).toHaveLength(1)
    finish?.()
    await vi.advanceTimersByTimeAsync(100)
    expect(started).toEqual([t0 + 100, t0 + 700])

    finish?.()
    await timer.stop()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(started).toHaveLength(2)
  })

  it('logs a failed run under its name and runs again', async () => {
    const lines: string[] = []
    let runs = 0
    const timer = startPeriodicTimer({
      run: async () => {
        runs++
        throw new Error('store unavailable')
      },
      everyMs: 50,
      logger: createJsonLogger({ write: (line) => lines.push(line) }),
      failure: 'due sweep failed',
    })

    await vi.advanceTimersByTimeAsync(100)
    await timer.stop()

    expect(runs).toBe(2)
    expect(lines.filter((line) => line.includes('"due sweep failed"'))).toHaveLength(2)
  })
})
