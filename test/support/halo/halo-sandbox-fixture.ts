import { afterAll, afterEach, beforeAll } from 'vitest'
import { SANDBOX_CREDENTIALS } from '../../../local/halo-sandbox/halo-sandbox.js'
import {
  type RunningHaloSandbox,
  type StartHaloSandboxOptions,
  startHaloSandbox,
} from '../../../local/halo-sandbox/start-halo-sandbox.js'
import { createHaloClient, type HaloClientOptions } from '../../../shared/halo/halo-client.js'

/**
 * Starts one sandbox on an ephemeral port for the enclosing `describe` file, resets it after
 * every test, and builds clients pointed at it. Tests go over real HTTP.
 */
export const useHaloSandbox = (options: StartHaloSandboxOptions = {}) => {
  let running: RunningHaloSandbox | undefined

  beforeAll(async () => {
    running = await startHaloSandbox(options)
  })
  afterEach(() => running?.sandbox.reset())
  afterAll(async () => {
    await running?.close()
  })

  const get = (): RunningHaloSandbox => {
    if (!running) throw new Error('sandbox not started: use inside a test')
    return running
  }

  return {
    get url() {
      return get().url
    },
    get sandbox() {
      return get().sandbox
    },
    /** A client with the sandbox's credentials and fast back-off; override anything. */
    client: (overrides: Partial<HaloClientOptions> = {}) =>
      createHaloClient({
        baseUrl: get().url,
        ...SANDBOX_CREDENTIALS,
        backoff: { baseMs: 10, maxMs: 50 },
        timeoutMs: 5_000,
        ...overrides,
      }),
  }
}
