import { SANDBOX_CREDENTIALS } from './halo-sandbox.js'
import { startHaloSandbox } from './start-halo-sandbox.js'

// `npm run sandbox`: the Halo sandbox on its own. PORT picks the port (default 8788);
// HALO_SANDBOX_RATE_LIMIT=300 turns on hosted Halo's limit per rolling five minutes;
// HALO_SANDBOX_TOKEN_LIFETIME=60 issues short-lived tokens (seconds) to watch renewal.
const port = Number(process.env.PORT ?? 8788)
const rateLimit = Number(process.env.HALO_SANDBOX_RATE_LIMIT ?? 0)
const tokenLifetime = Number(process.env.HALO_SANDBOX_TOKEN_LIFETIME ?? 0)

const running = await startHaloSandbox({
  port,
  hostname: process.env.HOST ?? '127.0.0.1',
  ...(rateLimit > 0 ? { rateLimit: { limit: rateLimit, windowMs: 300_000 } } : {}),
  ...(tokenLifetime > 0 ? { tokenLifetimeSeconds: tokenLifetime } : {}),
})

console.log(`Halo sandbox listening on ${running.url}`)
console.log(`  board:          ${running.url}/`)
console.log(`  token:          POST ${running.url}/auth/token`)
console.log(`  API:            ${running.url}/api/Tickets`)
console.log(`  client id:      ${SANDBOX_CREDENTIALS.clientId}`)
console.log(`  client secret:  ${SANDBOX_CREDENTIALS.clientSecret}`)

const stop = () => {
  running.close().finally(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
