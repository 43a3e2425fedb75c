import { defineConfig } from '../../../shared/config/define-config.js'

/**
 * The config the request-count metering deploys: the shipped `prometheus` route of
 * `halo-hooks.config.ts` (bearer auth, templates, a priority map, tenant routing by the alert's
 * customer label), so each alert is created, counted when it repeats within the hour, and closed
 * when it resolves, as a typical MSP's monitoring route would be.
 */
export default defineConfig({
  routes: {
    prometheus: {
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
        clients: { acme: 12, brightwater: 13, cobalt: 14 },
        lookupClientByName: true,
        asset: 'hostname',
        fallbackClientId: 1,
      },
    },
  },
})
