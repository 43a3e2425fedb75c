import { SANDBOX_CREDENTIALS } from './halo-sandbox.js'
import { parseSandboxRateLimit } from './sandbox-rate-limit.js'
import { startHaloSandbox } from './start-halo-sandbox.js'

// `npm run sandbox`: the Halo sandbox on its own. PORT picks the port (default 8788);
// HALO_SANDBOX_RATE_LIMIT=300 turns on hosted Halo's limit per rolling five minutes (or 60/30:
// 60 per rolling 30 s), with 429 and Retry-After beyond it;
// HALO_SANDBOX_TOKEN_LIFETIME=60 issues short-lived tokens (seconds) to watch renewal;
// HALO_SANDBOX_TENANT=acme expects ?tenant=acme, and HALO_SANDBOX_SCOPES='edit:tickets' allows the
// API application only those scopes, to see what `npm run doctor` says about either.
const port = Number(process.env.PORT ?? 8788)
const rateLimit = parseSandboxRateLimit(process.env.HALO_SANDBOX_RATE_LIMIT)
const tokenLifetime = Number(process.env.HALO_SANDBOX_TOKEN_LIFETIME ?? 0)
const tenant = process.env.HALO_SANDBOX_TENANT || undefined
const scopes = process.env.HALO_SANDBOX_SCOPES?.split(/\s+/).filter(Boolean)

const running = await startHaloSandbox({
  port,
  hostname: process.env.HOST ?? '127.0.0.1',
  ...(rateLimit ? { rateLimit: { ...rateLimit, retryAfter: true } } : {}),
  ...(tokenLifetime > 0 ? { tokenLifetimeSeconds: tokenLifetime } : {}),
  ...(tenant ? { tenant } : {}),
  ...(scopes?.length ? { scopes } : {}),
})

console.log(`Halo sandbox listening on ${running.url}`)
console.log(`  board:          ${running.url}/`)
console.log(`  token:          POST ${running.url}/auth/token`)
console.log(`  API:            ${running.url}/api/Tickets`)
console.log(`  client id:      ${SANDBOX_CREDENTIALS.clientId}`)
console.log(`  client secret:  ${SANDBOX_CREDENTIALS.clientSecret}`)
if (tenant) console.log(`  tenant:         ${tenant}`)
if (scopes?.length) console.log(`  scopes allowed: ${scopes.join(' ')}`)

const stop = () => {
  running.close().finally(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
