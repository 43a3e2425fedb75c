import config from '../halo-hooks.config.js'
import { alertmanagerNotification } from '../test/support/alertmanager.js'
import { contactConfig } from '../test/support/contact-config.js'
import { startTestGateway } from '../test/support/gateway-harness.js'
import { ratio } from './support/format.js'

// What `tenant.contact` costs in Halo requests: the same alerts through the local gateway into
// the Halo sandbox, on the shipped Prometheus route and on it with a contact per alert. The
// contacts of one client repeat across alerts: a few are found, one name matches two people and
// one address matches nobody (both kept only briefly, so they are asked again after 5 minutes).

const CONTACTS = [
  'priya.shah@acme-dental.example',
  'tom.okafor@acme-dental.example',
  't.okafor@acme-dental.example',
  'Tom Okafor',
  'nobody@acme-dental.example',
]
const ALERTS_PER_CONTACT = 10

type Run = { requests: number; userLookups: number; created: number; withUser: number }

const run = async (withContact: boolean): Promise<Run> => {
  const harness = await startTestGateway({ config: withContact ? contactConfig : config })
  try {
    const alerts = CONTACTS.flatMap((contact, c) =>
      Array.from({ length: ALERTS_PER_CONTACT }, (_, i) => ({
        fingerprint: `fp-contact-${c}-${i}`,
        status: 'firing' as const,
        labels: { customer: 'acme', contact },
      })),
    )
    // One notification per ten alerts, as Alertmanager groups them.
    for (let i = 0; i < alerts.length; i += 10) {
      const response = await harness.post(
        'prometheus',
        alertmanagerNotification(alerts.slice(i, i + 10)),
      )
      if (response.status !== 202) throw new Error(`ingest answered ${response.status}`)
    }
    await harness.settled()
    const requests = harness.sandbox.requests()
    const tickets = harness.sandbox.tickets() as { user_id?: number | null }[]
    return {
      requests: requests.filter((request) =>
        request.path.startsWith(`${request.method.toLowerCase()} /api/`),
      ).length,
      userLookups: requests.filter((request) => request.path === 'get /api/users').length,
      created: tickets.length,
      withUser: tickets.filter((ticket) => typeof ticket.user_id === 'number').length,
    }
  } finally {
    await harness.gateway.close()
  }
}

const line = (label: string, result: Run) =>
  `  ${label.padEnd(18)} ${(result.requests / result.created).toFixed(3)} Halo API requests per created ticket (${result.requests} for ${result.created}; ${result.userLookups} user lookups); tickets with an end user: ${result.withUser}`

export const benchContact = async (): Promise<string[]> => {
  const without = await run(false)
  const withContact = await run(true)
  return [
    `${CONTACTS.length * ALERTS_PER_CONTACT} new alerts of one client, ${ALERTS_PER_CONTACT} per contact; contacts: 3 found, 1 name of two people, 1 address of nobody`,
    line('no contact', without),
    line('tenant.contact', withContact),
    `  ratio with / without: ${ratio(withContact.requests, without.requests)}; user lookups per created ticket: ${(withContact.userLookups / withContact.created).toFixed(3)}`,
  ]
}
