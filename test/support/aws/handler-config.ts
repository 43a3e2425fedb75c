import { defineConfig } from '../../../shared/config/define-config.js'

/** The config the bundled-handler tests deploy: one HMAC route, and Halo's webhooks. */
export default defineConfig({
  routes: {
    alerts: {
      source: 'generic',
      auth: { type: 'hmac', header: 'x-signature', encoding: 'hex', prefix: 'sha256=' },
      alert: {
        key: '{% payload.id %}',
        status: '{% payload.status %}',
        severity: '{% payload.severity %}',
        title: '{% payload.summary %}',
      },
      ticket: { summary: '{% alert.title %}', details: 'from halo-hooks', client_id: 1 },
    },
    // Halo's webhooks: ticket events applied to the state of the tickets the alerts opened.
    halo: { source: 'halo', auth: { type: 'basic', username: 'halo-hooks' } },
  },
})
