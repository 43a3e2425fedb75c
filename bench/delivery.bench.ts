import { problemIdentity } from '../shared/lifecycle/problem-identity.js'
import { alertmanagerNotification } from '../test/support/alertmanager.js'
import { startTestGateway } from '../test/support/gateway-harness.js'

// Halo requests per delivered event (steady state and a storm) against the naive approach that
// spends one request per step (token, client lookup, asset lookup, ticket search, then the write),
// and end-to-end latency (webhook accepted → Halo write) against a direct Halo write. Everything
// runs in this process against the Halo sandbox over loopback HTTP.

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}
const ms = (value: number) => `${value.toFixed(2)} ms`

type Harness = Awaited<ReturnType<typeof startTestGateway>>

/** Sends one alert's history (sequentially, as its sender would) and waits until all is delivered. */
const play = async (
  harness: Harness,
  alerts: { key: string; statuses: ('firing' | 'resolved')[] }[],
) => {
  let events = 0
  await Promise.all(
    alerts.map(async ({ key, statuses }) => {
      for (const [index, status] of statuses.entries()) {
        const body = alertmanagerNotification([
          {
            fingerprint: key,
            status,
            labels: { host: 'acme-dc01' },
            description: `value ${index}`,
          },
        ])
        const response = await harness.post('prometheus', body)
        if (response.status !== 202) throw new Error(`ingest answered ${response.status}`)
        events++
      }
    }),
  )
  await harness.settled()
  return events
}

/** The naive bridge: every event fetches a token, looks up client and asset, searches, writes. */
const naiveDelivery = async (haloUrl: string, alerts: { key: string; statuses: string[] }[]) => {
  let requests = 0
  const call = async (path: string, init: RequestInit = {}) => {
    requests++
    const response = await fetch(`${haloUrl}${path}`, init)
    return response.json() as Promise<Record<string, unknown>>
  }
  let events = 0
  for (const { key, statuses } of alerts) {
    for (const status of statuses) {
      events++
      const token = await call('/auth/token', {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'halo-hooks-local',
          client_secret: 'local-sandbox-secret',
        }),
      })
      const headers = {
        authorization: `Bearer ${token.access_token}`,
        'content-type': 'application/json',
      }
      await call('/api/Client?search=Acme%20Dental', { headers })
      await call('/api/Asset?search=acme-dc01', { headers })
      const found = await call(`/api/Tickets?third_party_id_string=${key}&open_only=true`, {
        headers,
      })
      const open = (found.tickets as { id: number }[] | undefined)?.[0]
      if (open) {
        await call('/api/Actions', {
          method: 'POST',
          headers,
          body: JSON.stringify([
            {
              ticket_id: open.id,
              outcome: 'Private Note',
              note: status,
              ...(status === 'resolved' ? { new_status: 9 } : {}),
            },
          ]),
        })
      } else if (status === 'firing') {
        await call('/api/Tickets', {
          method: 'POST',
          headers,
          body: JSON.stringify([{ summary: key, client_id: 12, third_party_id_string: key }]),
        })
      }
    }
  }
  return requests / events
}

export const benchDelivery = async (): Promise<string[]> => {
  const lines: string[] = []
  const harness = await startTestGateway()
  try {
    // Steady state: 50 problems, each firing, repeating four times, then resolving.
    const steady = Array.from({ length: 50 }, (_, i) => ({
      key: `steady-${i}`,
      statuses: ['firing', 'firing', 'firing', 'firing', 'firing', 'resolved'] as (
        | 'firing'
        | 'resolved'
      )[],
    }))
    const before = harness.sandbox.requests().length
    const steadyEvents = await play(harness, steady)
    const steadyRequests = harness.sandbox.requests().length - before
    // A storm: 20 problems repeating 25 times each in a burst.
    const storm = Array.from({ length: 20 }, (_, i) => ({
      key: `storm-${i}`,
      statuses: Array.from({ length: 25 }, () => 'firing' as const),
    }))
    const beforeStorm = harness.sandbox.requests().length
    const stormEvents = await play(harness, storm)
    const stormRequests = harness.sandbox.requests().length - beforeStorm
    harness.sandbox.reset()
    const naiveSteady = await naiveDelivery(harness.gateway.haloUrl, steady.slice(0, 10))
    const naiveStorm = await naiveDelivery(harness.gateway.haloUrl, storm.slice(0, 4))
    const ours = steadyRequests / steadyEvents
    const oursStorm = stormRequests / stormEvents
    lines.push(
      'Halo requests per delivered event (Alertmanager through the gateway; one create, one note, counted repeats, one close per problem):',
      `  steady state: ${ours.toFixed(2)} requests/event (${steadyRequests} for ${steadyEvents} events; token and lookups cached) vs naive ${naiveSteady.toFixed(2)} → ratio ${(ours / naiveSteady).toFixed(3)}`,
      `  storm (20 alerts × 25 repeats): ${oursStorm.toFixed(3)} requests/event (${stormRequests} for ${stormEvents}) vs naive ${naiveStorm.toFixed(2)} → ratio ${(oursStorm / naiveStorm).toFixed(3)}`,
      `  per event that changes Halo (create, note, close): ${(steadyRequests / (steady.length * 3)).toFixed(2)} requests (${steadyRequests} for ${steady.length * 3} writes; the rest is one token, the discovery call and one asset lookup)`,
      '  method: requests counted by the Halo sandbox; the naive baseline (token + client lookup + asset lookup + ticket search + write per event) runs against the same sandbox in the same run.',
    )

    // End-to-end latency: 200 new problems one after another; from the 202 to the ticket in Halo.
    const latencies: number[] = []
    for (let i = 0; i < 200; i++) {
      const key = `latency-${i}`
      const response = await harness.post(
        'prometheus',
        alertmanagerNotification([{ fingerprint: key, status: 'firing' }]),
      )
      const accepted = performance.now()
      if (response.status !== 202) throw new Error(`ingest answered ${response.status}`)
      while (
        !harness.sandbox
          .tickets()
          .some(
            (ticket) =>
              (ticket as { third_party_id_string?: string }).third_party_id_string ===
              problemIdentity('prometheus', key),
          )
      ) {
        await new Promise((resolve) => setImmediate(resolve))
      }
      latencies.push(performance.now() - accepted)
    }
    const direct: number[] = []
    for (let i = 0; i < 200; i++) {
      const started = performance.now()
      await harness.gateway.halo.createTicket({ summary: `direct ${i}`, client_id: 12 })
      direct.push(performance.now() - started)
    }
    const p50 = percentile(latencies, 50)
    const p99 = percentile(latencies, 99)
    const base = percentile(direct, 50)
    lines.push(
      'End-to-end latency, webhook accepted (202) → ticket saved in Halo (sandbox, loopback, 200 sequential alerts):',
      `  p50 ${ms(p50)}, p99 ${ms(p99)}; a direct Halo create from the same process: p50 ${ms(base)} → ratio p50 ${(p50 / base).toFixed(2)}`,
      '  method: time from the ingest response to the ticket appearing in the sandbox (checked every event-loop turn); in AWS, SQS polling adds its own delay.',
    )
  } finally {
    await harness.gateway.close()
  }
  return lines
}
