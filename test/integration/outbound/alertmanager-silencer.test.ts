import { afterEach, describe, expect, it } from 'vitest'
import { classifyFailure } from '../../../shared/delivery/failure-policy.js'
import { SourceReferenceError } from '../../../shared/errors.js'
import { startAlertmanagerFake } from '../../support/outbound/alertmanager-fake.js'
import { closed, rejectionOf, resolverFor } from '../../support/outbound/resolve-harness.js'

const NOW = Date.parse('2026-11-28T12:00:00Z')
let alertmanager: Awaited<ReturnType<typeof startAlertmanagerFake>>
afterEach(() => alertmanager.close())

const ALERT = {
  key: 'fp-disk',
  labels: { severity: 'critical', alertname: 'DiskFull', instance: 'db01:9100' },
  title: 'Disk full',
}

const silencer = (credentials?: Record<string, string>) =>
  resolverFor(
    {
      kind: 'alertmanager',
      url: alertmanager.url,
      silenceMinutes: 120,
      createdBy: 'halo-hooks',
    },
    credentials,
    { now: () => NOW },
  )

describe('Alertmanager silencer (API v2 silences fake over HTTP)', () => {
  it("silences the alert's exact label set from the close for the chosen time", async () => {
    alertmanager = await startAlertmanagerFake({ now: () => NOW })

    const result = await silencer()(ALERT)

    const [silence] = alertmanager.silences()
    expect(result).toEqual({ target: 'alertmanager', reference: silence?.id, outcome: 'silenced' })
    expect(silence).toMatchObject({
      matchers: [
        { name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true },
        { name: 'instance', value: 'db01:9100', isRegex: false, isEqual: true },
        { name: 'severity', value: 'critical', isRegex: false, isEqual: true },
      ],
      startsAt: '2026-11-28T12:00:00.000Z',
      endsAt: '2026-11-28T14:00:00.000Z',
      createdBy: 'halo-hooks',
      comment: 'Halo ticket #1042 was closed by Sam Carter [halo-hooks ref halo-event-1]',
    })
  })

  it('makes one silence per change however often it is retried', async () => {
    alertmanager = await startAlertmanagerFake({ now: () => NOW })
    const silence = silencer()
    const first = await silence(ALERT)
    const again = await silence(ALERT)
    expect(again.reference).toBe(first.reference)
    expect(alertmanager.silences()).toHaveLength(1)
    await silence(ALERT, closed('halo-event-2')) // a later close is a new silence
    expect(alertmanager.silences()).toHaveLength(2)
  })

  it('defers a 503 and parks a 400 Alertmanager refuses', async () => {
    alertmanager = await startAlertmanagerFake({ now: () => NOW })
    alertmanager.failNext({ status: 503 })
    const busy = await rejectionOf(silencer()(ALERT))
    expect(busy).toMatchObject({ code: 'outbound_request_failed', retryable: true, status: 503 })
    alertmanager.failNext({ status: 200, body: '[]' }, { status: 400, body: '"bad matcher"' })
    const refused = await rejectionOf(silencer()(ALERT))
    expect(refused).toMatchObject({ retryable: false, status: 400 })
    expect(classifyFailure(refused, 1)).toMatchObject({ action: 'park' })
    expect(alertmanager.silences()).toEqual([])
  })

  it('sends basic auth from the secret, and parks wrong credentials', async () => {
    alertmanager = await startAlertmanagerFake({
      now: () => NOW,
      basicAuth: { username: 'halo', password: 'right' },
    })
    expect(await silencer({ username: 'halo', password: 'right' })(ALERT)).toMatchObject({
      outcome: 'silenced',
    })
    expect(
      await rejectionOf(silencer({ username: 'halo', password: 'wrong' })(ALERT)),
    ).toMatchObject({ code: 'outbound_credentials_refused', retryable: false })
  })

  it('refuses an alert without labels, without a request', async () => {
    alertmanager = await startAlertmanagerFake({ now: () => NOW })
    const error = await rejectionOf(silencer()({ key: 'k', labels: {}, title: 't' }))
    expect(error).toBeInstanceOf(SourceReferenceError)
    expect(alertmanager.requests).toEqual([])
  })
})
