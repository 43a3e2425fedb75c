import { defineConfig } from './shared/config/define-config.js'

/**
 * The routes halo-hooks serves: each is `POST /hooks/<name>`. Secrets are not here: they live in
 * the secret (Secrets Manager in AWS; HALO_HOOKS_SECRETS_FILE locally) under the route's name.
 * Templates are JSONata inside `{% %}`; see README.md "Configuration".
 */
export default defineConfig({
  $schema: './halo-hooks.schema.json',
  routes: {
    prometheus: {
      description:
        'Prometheus Alertmanager: one ticket per alert, noted on repeat, closed on resolve',
      source: 'alertmanager',
      auth: { type: 'bearer' },
      ticket: {
        summary: '[{% $uppercase(alert.severity) %}] {% alert.title %}',
        details: '{% alert.description %}\n\nHost: {% alert.resource %}\n{% alert.url %}',
        tickettype_id: 21,
        priority_id: '{% $lookup(maps.priority, alert.severity) %}',
        category_1: 'Monitoring>Prometheus',
      },
      maps: { priority: { critical: 1, high: 2, medium: 3, low: 4, info: 4 } },
      lifecycle: { repeat: 'note', noteEveryMinutes: 60, resolve: 'close', afterClosed: 'new' },
      tenant: {
        // The `tenant`/`customer` label of an alert, or the client its host belongs to in Halo.
        clients: { acme: 12, brightwater: 13, cobalt: 14 },
        lookupClientByName: true,
        asset: 'hostname',
        // Alerts of our own infrastructure (no customer label, unknown host) go to the internal client.
        fallbackClientId: 1,
      },
    },
    'example-hmac': {
      description: 'any JSON sender that signs the body with HMAC-SHA256 (hex, "sha256=" prefix)',
      source: 'generic',
      auth: { type: 'hmac', header: 'x-signature', encoding: 'hex', prefix: 'sha256=' },
      options: { deliveryIdHeader: 'x-delivery-id' },
      alert: {
        key: '{% payload.id %}',
        status: '{% payload.status %}',
        severity: '{% payload.severity %}',
        title: '{% payload.summary %}',
        description: '{% payload.message %}',
        resource: '{% payload.host %}',
        tenantName: '{% payload.customer %}',
        url: '{% payload.url %}',
        occurredAt: '{% payload.time %}',
      },
      ticket: {
        summary: '[{% $uppercase(alert.severity) %}] {% alert.title %}',
        details: '{% alert.description %}\n\nHost: {% alert.resource %}\n{% alert.url %}',
        tickettype_id: 21,
        client_id: 12,
      },
    },
    'example-bearer': {
      description: 'any JSON sender that can send a static bearer token',
      source: 'generic',
      auth: { type: 'bearer' },
      alert: {
        key: '{% payload.id %}',
        status: '{% payload.status %}',
        severity: '{% payload.severity %}',
        title: '{% payload.summary %}',
        description: '{% payload.message %}',
        resource: '{% payload.host %}',
      },
      ticket: {
        summary: '{% alert.title %}',
        details: '{% alert.description %}',
        tickettype_id: 21,
        client_id: 12,
      },
    },
    // Halo's own webhooks back to halo-hooks: a technician's close, reopen or delete updates the
    // state at once (docs/sources/halo.md). Locally, the sandbox sends them.
    halo: {
      description: "Halo's ticket events: a technician's close, reopen or delete",
      source: 'halo',
      auth: { type: 'basic', username: 'halo-hooks' },
      options: { agentId: 1 },
    },
  },
})
