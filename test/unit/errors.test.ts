import { describe, expect, it } from 'vitest'
import {
  AppError,
  ConfigError,
  HaloApiError,
  PayloadError,
  QueueError,
  StateConflictError,
} from '../../shared/errors.js'

const halo = (status: number | undefined, kind: HaloApiError['kind']) =>
  new HaloApiError(status, 'x', { kind, endpoint: 'POST /Tickets' })

describe('HaloApiError.mayHaveWritten', () => {
  it.each([
    ['a 429', halo(429, 'http'), false],
    ['a 400', halo(400, 'http'), false],
    ['a 403', halo(403, 'http'), false],
    ['a 500 after sending', halo(500, 'http'), true],
    ['a 503 after sending', halo(503, 'http'), true],
    ['a timeout', halo(undefined, 'timeout'), true],
    ['a dropped connection', halo(undefined, 'network'), true],
    ['an unreadable 2xx', halo(undefined, 'invalid_response'), true],
    ['a budget refusal', halo(undefined, 'budget'), false],
    ['a body we refused to send', halo(undefined, 'invalid_request'), false],
  ])('%s: %s', (_, error, expected) => {
    expect(error.mayHaveWritten).toBe(expected)
  })

  it('is retryable for 408, 429 and 5xx, and for no answer at all', () => {
    expect([408, 429, 500, 400, 404].map((status) => halo(status, 'http').retryable)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ])
    expect(halo(undefined, 'timeout').retryable).toBe(true)
  })
})

describe('AppError detail', () => {
  it('joins the field issues to the message', () => {
    const error = new PayloadError('payload_invalid', 'bad', ['a: required', 'b: too long'])
    expect(error.detail).toBe('bad: a: required; b: too long')
    expect(error.issues).toEqual(['a: required', 'b: too long'])
  })

  it('does not repeat the issues a ConfigError message already lists', () => {
    const error = new ConfigError('config is invalid', ['routes.r: x'])
    expect(error.detail).toBe('config is invalid:\n  - routes.r: x')
  })
})

describe('error classes', () => {
  it('keep their own name, code, retryability and default wait', () => {
    const conflict = new StateConflictError('changed')
    expect([conflict.name, conflict.code, conflict.retryable, conflict.retryAfterMs]).toEqual([
      'StateConflictError',
      'state_conflict',
      true,
      1_000,
    ])
    const cause = new Error('socket hang up')
    const queue = new QueueError('not queued', { cause })
    expect([queue.name, queue.code, queue.retryable, queue.cause]).toEqual([
      'QueueError',
      'queue_unavailable',
      true,
      cause,
    ])
    expect(queue).toBeInstanceOf(AppError)
  })
})
