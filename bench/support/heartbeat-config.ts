import { defineConfig } from '../../shared/config/define-config.js'

/** The config `npm run bench -- heartbeats` bundles the due sweep with: one heartbeat route. */
export default defineConfig({
  routes: {
    beats: {
      source: 'heartbeat',
      auth: { type: 'bearer' },
      heartbeat: { expectEveryMinutes: 5, graceMinutes: 2 },
      ticket: { summary: '{% alert.title %}', details: '{% alert.description %}', client_id: 1 },
    },
  },
})
