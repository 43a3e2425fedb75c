import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_CREDENTIALS } from '../../local/halo-sandbox/halo-sandbox.js'
import {
  type RunningHaloSandbox,
  startHaloSandbox,
} from '../../local/halo-sandbox/start-halo-sandbox.js'
import { runNpm, waitForOutput } from '../support/processes.js'

/** Output that holds a Node stack frame: a crash, not a message. */
const STACK_FRAME = /\n\s+at \S+ \(/

describe('npm run doctor and the start-up check, as processes', () => {
  let halo: RunningHaloSandbox

  beforeAll(async () => {
    halo = await startHaloSandbox()
  })
  afterAll(async () => {
    await halo.close()
  })

  it('npm run doctor passes on a fresh clone, against the built-in sandbox', async () => {
    const doctor = runNpm(['doctor'])

    expect(await doctor.exited).toBe(0)
    expect(doctor.output()).toContain('built-in sandbox at http://127.0.0.1:')
    expect(doctor.output()).toContain('everything ok; nothing was written to Halo')
  })

  it('npm run validate -- --halo runs the same checks after the config checks', async () => {
    const validate = runNpm(['validate', '--', '--halo'], { HALO_URL: halo.url, ...env() })

    expect(await validate.exited).toBe(0)
    expect(validate.output()).toMatch(/halo-hooks\.config\.ts: valid, 4 route\(s\)/)
    expect(validate.output()).toMatch(/ok +token: Halo issued a token/)
  })

  it('npm run doctor exits 1 with the fix, never a stack trace, for a URL that is not Halo', async () => {
    const doctor = runNpm(['doctor'], { ...env(), HALO_URL: 'http://127.0.0.1:9' })

    expect(await doctor.exited).toBe(1)
    expect(doctor.output()).toMatch(/problem +Halo URL: .* did not answer .*\[url_unreachable\]/)
    expect(doctor.output()).toMatch(/fix +check HALO_URL/)
    expect(doctor.output()).not.toMatch(STACK_FRAME)
  })

  it('npm start says loudly that Halo refused the credentials, names the fix, and still serves', async () => {
    const gateway = runNpm(['start'], {
      PORT: '0',
      HALO_URL: halo.url,
      ...env({ HALO_CLIENT_SECRET: 'not-the-secret' }),
    })
    try {
      const [, url] = await waitForOutput(gateway, /listening on (http:\/\/\S+)/)
      // The warning, then the same in the log.
      await waitForOutput(gateway, /"message":"Halo check failed at start"/)
      const output = gateway.output()

      expect(output).toMatch(
        /!! HALO PROBLEM: token: Halo knows the client id but refused the secret .*\[secret_wrong\]\n +!! every alert will be parked \(config_invalid\) until this is fixed\n +!! fix: set HALO_CLIENT_SECRET to the Client Secret/,
      )
      expect(output).toMatch(
        /"level":"error".*"message":"Halo check failed at start".*"code":"secret_wrong"/,
      )
      // It still started: senders are answered (and their alerts wait for the fix).
      const health = await fetch(`${url}/hooks/no-such-route`, { method: 'POST', body: '{}' })
      expect(health.status).toBe(404)
    } finally {
      gateway.interrupt()
    }
    await gateway.exited
  })

  it('npm start confirms the credentials in one line when Halo takes them', async () => {
    const gateway = runNpm(['start'], { PORT: '0', HALO_URL: halo.url, ...env() })
    try {
      await waitForOutput(gateway, /check: +Halo issued a token for scope "all"/)

      expect(gateway.output()).not.toContain('HALO PROBLEM')
    } finally {
      gateway.interrupt()
    }
    await gateway.exited
  })
})

const env = (overrides: Record<string, string> = {}) => ({
  HALO_CLIENT_ID: SANDBOX_CREDENTIALS.clientId,
  HALO_CLIENT_SECRET: SANDBOX_CREDENTIALS.clientSecret,
  ...overrides,
})
