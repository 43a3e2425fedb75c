import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import config from '../../halo-hooks.config.js'
import { alertmanagerNotification } from '../support/alertmanager.js'
import { startTestGateway } from '../support/gateway-harness.js'
import { eventually, REPO_ROOT, runNpm, waitForOutput } from '../support/processes.js'

/** The 50 hosts of Acme's site that the outage takes down, as Alertmanager sends them. */
const outage = (status: 'firing' | 'resolved', hosts = 50, from = 1) =>
  alertmanagerNotification(
    Array.from({ length: hosts }, (_, n) => ({
      fingerprint: `acme-host-${from + n}`,
      status,
      labels: { alertname: 'HostDown', customer: 'acme', host: `acme-host-${from + n}` },
      summary: `acme-host-${from + n} unreachable`,
    })),
  )

type Ticket = { id: number; summary: string; status_id: number; client_id?: number }
type Request = { path: string }

/** The shipped config with incident grouping on the prometheus route (default key: the tenant). */
const groupedConfig = {
  ...config,
  routes: { ...config.routes, prometheus: { ...config.routes.prometheus, group: {} } },
}

const dataDir = mkdtempSync(join(tmpdir(), 'halo-hooks-incident-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('incident grouping through npm start and the sandbox', () => {
  it('makes one incident ticket for a 50-host outage of one client, and closes it when all resolved', async () => {
    const configFile = join(dataDir, 'grouped.config.ts')
    writeFileSync(
      configFile,
      `import config from '${REPO_ROOT}halo-hooks.config.ts'\n` +
        'const prometheus = { ...config.routes.prometheus, group: {} }\n' +
        'export default { ...config, routes: { ...config.routes, prometheus } }\n',
    )
    const gateway = runNpm(['start'], {
      PORT: '0',
      HALO_HOOKS_DATA_DIR: dataDir,
      HALO_HOOKS_CONFIG: configFile,
    })
    try {
      const [, url] = await waitForOutput(gateway, /listening on (http:\/\/\S+)/)
      await waitForOutput(gateway, /stop: +Ctrl-C/)
      const haloUrl = `${url}/halo`
      const post = (body: string) =>
        fetch(`${url}/hooks/prometheus`, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            authorization: 'Bearer dev-only-prometheus-token-change-me',
          },
        })
      const token = async () => {
        const response = await fetch(`${haloUrl}/auth/token`, {
          method: 'POST',
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: 'halo-hooks-local',
            client_secret: 'local-sandbox-secret',
            scope: 'all',
          }),
        })
        return ((await response.json()) as { access_token: string }).access_token
      }
      const tickets = async () => {
        const response = await fetch(`${haloUrl}/api/tickets`, {
          headers: { authorization: `Bearer ${await token()}` },
        })
        return ((await response.json()) as { tickets: Ticket[] }).tickets
      }

      // Act: the outage fires, then clears. All 100 alerts are one FIFO group (the incident's),
      // so the ticket is closed only once every one of them was delivered in order.
      expect((await post(outage('firing'))).status).toBe(202)
      expect((await post(outage('resolved'))).status).toBe(202)
      const [closed] = await eventually(async () => {
        const all = await tickets()
        return all.some((ticket) => ticket.status_id === 9) ? all : undefined
      }, 60_000)

      // Assess: one ticket for the client, which says it is the incident; a handful of requests.
      expect(await tickets()).toHaveLength(1)
      expect(closed).toMatchObject({
        client_id: 12,
        summary: expect.stringMatching(/^Incident \(acme\): /),
      })
      // The ticket lists above are this test's own reads; the rest is what halo-hooks asked.
      const requests = (await (await fetch(`${haloUrl}/sandbox/requests`)).json()) as Request[]
      const made = requests
        .map((request) => request.path)
        .filter((path) => path.includes('/api/') && path !== 'get /api/tickets')
      expect(made).toEqual([
        'get /api/authinfo',
        'get /api/asset',
        'post /api/tickets',
        'post /api/actions',
      ])
    } finally {
      gateway.interrupt()
    }
    await gateway.exited
  })
})

describe('incident grouping over time (the gateway with a settable clock)', () => {
  let harness: Awaited<ReturnType<typeof startTestGateway>>
  afterEach(async () => {
    await harness.gateway.close()
  })

  it('lists the members that join later in one merged note per interval, the last ones at their due time', async () => {
    // The due sweep runs when the test says (an hour apart on its own), so a timer never races
    // the newcomers posted after the interval.
    harness = await startTestGateway({ config: groupedConfig, dueEveryMs: 3_600_000 })
    expect((await harness.post('prometheus', outage('firing', 50))).status).toBe(202)
    await harness.settled()
    harness.advance(6)
    expect((await harness.post('prometheus', outage('firing', 3, 51))).status).toBe(202)
    await harness.settled()

    const [ticket, ...others] = harness.ticketsOf('incident:acme')
    expect(others).toEqual([])
    expect(harness.sandbox.tickets()).toHaveLength(1)
    // The 49 that joined after the opening and the first newcomer, in one note; the other two
    // newcomers wait for the next one (due at the end of the interval).
    expect(ticket?.actions).toHaveLength(1)
    expect(ticket?.actions[0]?.note).toMatch(
      /^50 more alerts joined this incident \(51 of 51 firing\):\n- acme-host-2 unreachable/,
    )
    const record = await harness.gateway.settled.get('prometheus', 'incident:acme')
    expect(record?.incident?.joined.map((member) => member.key)).toEqual([
      'acme-host-52',
      'acme-host-53',
    ])
    expect(record?.incident?.noteDueAt).toBe('2026-11-28T12:11:00.000Z')

    // No other alert comes: at the due time the gateway's due sweep queues the incident's timer,
    // which lists the last two in a second merged note.
    harness.advance(5)
    expect(await harness.gateway.dueSweep()).toMatchObject({ queued: 1 })
    const notes = await eventually(async () => {
      const actions = harness.ticketsOf('incident:acme')[0]?.actions ?? []
      return actions.length === 2 ? actions : undefined
    })
    expect(notes[1]?.note).toMatch(
      /^2 more alerts joined this incident \(53 of 53 firing\):\n- acme-host-52 unreachable \(acme-host-52\)\n- acme-host-53 unreachable \(acme-host-53\)\n/,
    )
    await harness.settled()
    const after = await harness.gateway.settled.get('prometheus', 'incident:acme')
    expect(after?.incident?.noteDueAt).toBeUndefined()
  })

  it('shows the group key and each member’s incident decision in the dry run, and warns when the key yields nothing', async () => {
    const byHost = {
      ...config,
      routes: {
        ...config.routes,
        prometheus: { ...config.routes.prometheus, group: { key: '{% alert.labels.site %}' } },
      },
    }
    harness = await startTestGateway({ config: byHost })
    const body = alertmanagerNotification([
      { fingerprint: 'h1', status: 'firing', labels: { customer: 'acme', site: 'hq' } },
      { fingerprint: 'h2', status: 'firing', labels: { customer: 'acme', site: 'hq' } },
      { fingerprint: 'h3', status: 'firing', labels: { customer: 'acme' } },
    ])
    const response = await fetch(`${harness.gateway.url}/dry-run/prometheus`, {
      method: 'POST',
      body,
      headers: { authorization: 'Bearer e2e-prometheus-token' },
    })
    const preview = (await response.json()) as {
      alerts: { key: string; group?: string }[]
      plans: {
        key: string
        incident?: object
        warnings?: string[]
        decision: { kind: string; reason?: string }
      }[]
    }

    expect(preview.alerts.map((alert) => alert.group)).toEqual(['hq', 'hq', undefined])
    expect(preview.plans).toMatchObject([
      { key: 'incident:hq', incident: { group: 'hq', member: 'h1' }, decision: { kind: 'create' } },
      {
        key: 'incident:hq',
        incident: { group: 'hq', member: 'h2', firing: 1, members: 1 },
        decision: { kind: 'record', reason: 'member joined (listed in the next merged note)' },
      },
      {
        key: 'h3',
        warnings: [expect.stringContaining('the group key yielded nothing for this alert')],
        decision: { kind: 'create' },
      },
    ])
    expect(harness.sandbox.tickets()).toEqual([])
  })
})
