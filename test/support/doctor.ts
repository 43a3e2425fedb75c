import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { type DoctorDeps, runDoctor } from '../../local/doctor.js'
import { SANDBOX_CREDENTIALS } from '../../local/halo-sandbox/halo-sandbox.js'

/** A generic route with a bearer token: the smallest route whose fixed fields can be varied. */
export const doctorRoute = (overrides: Record<string, unknown> = {}) => ({
  source: 'generic',
  auth: { type: 'bearer' },
  alert: { key: '{% payload.id %}', title: '{% payload.summary %}' },
  ticket: { tickettype_id: 21, client_id: 12 },
  ...overrides,
})

/**
 * Writes configs (and secret files) to a temporary folder for `npm run doctor -- --config`, and removes the folder
 * after the test file.
 */
export const useConfigFiles = () => {
  const dir = mkdtempSync(join(tmpdir(), 'halo-hooks-doctor-'))
  let count = 0
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return {
    dir,
    /** A config file exporting `config`; the path to give `--config`. */
    write(config: unknown): string {
      const path = join(dir, `config-${++count}.mjs`)
      writeFileSync(path, `export default ${JSON.stringify(config, null, 2)}\n`)
      return path
    },
    /** A JSON file, e.g. a secrets file for HALO_HOOKS_SECRETS_FILE. */
    json(value: unknown): string {
      const path = join(dir, `file-${++count}.json`)
      writeFileSync(path, JSON.stringify(value))
      return path
    },
  }
}

/** The environment `npm start` would run with against this sandbox, credentials from env. */
export const sandboxEnv = (
  running: { url: string },
  env: Record<string, string> = {},
): NodeJS.ProcessEnv => ({
  HALO_URL: running.url,
  HALO_CLIENT_ID: SANDBOX_CREDENTIALS.clientId,
  HALO_CLIENT_SECRET: SANDBOX_CREDENTIALS.clientSecret,
  ...env,
})

/** Runs `npm run doctor` in-process; resolves with its exit code and everything it printed. */
export const doctor = async (
  argv: string[],
  env: NodeJS.ProcessEnv,
  deps: Partial<DoctorDeps> = {},
) => {
  const lines: string[] = []
  const code = await runDoctor(argv, {
    env,
    out: (line) => lines.push(line),
    // Fast: a refused request is not worth waiting for.
    haloClient: { backoff: { baseMs: 5, maxMs: 20 }, timeoutMs: 5_000 },
    ...deps,
  })
  return { code, text: lines.join('\n') }
}
