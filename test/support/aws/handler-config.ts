import { defineConfig } from '../../../shared/config/define-config.js'

/** The config the bundled-handler tests deploy: one HMAC route, one that always fails mapping. */
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
  },
})
