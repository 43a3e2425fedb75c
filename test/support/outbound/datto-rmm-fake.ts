import { Hono } from 'hono'
import { createFakeRecorder, serveFake } from './serve-fake.js'

/**
 * Datto RMM's API v2, as much as resolving an alert needs (outbound-apis.md §3): the password
 * grant at `POST /auth/oauth/token` (outside `/api`, client `public-client:public`, the API key
 * and secret as username and password) and `POST /api/v2/alert/{uid}/resolve` with the bearer
 * token; 401 for a token it does not know or that expired, 409 for an alert already resolved.
 */
export const startDattoRmmFake = ({
  apiKey = 'datto-key',
  apiSecret = 'datto-secret',
  tokenLifetimeSeconds = 360_000,
} = {}) => {
  const recorder = createFakeRecorder()
  const tokens = new Set<string>()
  const alerts = new Map<string, { resolved: boolean }>()
  let issued = 0
  const app = new Hono()

  app.post('/auth/oauth/token', async (c) => {
    const { body, fault } = await recorder.record(c)
    if (fault) return fault
    const client = `Basic ${Buffer.from('public-client:public').toString('base64')}`
    if (c.req.header('authorization') !== client) return c.json({ error: 'unauthorized' }, 401)
    const form = new URLSearchParams(body)
    if (form.get('grant_type') !== 'password') {
      return c.json({ error: 'unsupported_grant_type' }, 400)
    }
    if (form.get('username') !== apiKey || form.get('password') !== apiSecret) {
      return c.json({ error: 'invalid_grant', error_description: 'Bad credentials' }, 400)
    }
    const token = `datto-token-${++issued}`
    tokens.add(token)
    return c.json({
      access_token: token,
      token_type: 'bearer',
      expires_in: tokenLifetimeSeconds,
      scope: 'default',
    })
  })

  app.post('/api/v2/alert/:uid/resolve', async (c) => {
    const { fault } = await recorder.record(c)
    if (fault) return fault
    const token = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1]
    if (!token || !tokens.has(token)) return c.json({ error: 'invalid_token' }, 401)
    const alert = alerts.get(c.req.param('uid'))
    if (!alert) return c.json({ message: 'Alert not found' }, 404)
    if (alert.resolved) return c.json({ message: 'Alert already resolved' }, 409)
    alert.resolved = true
    return c.body(null, 200)
  })

  return serveFake(app).then((server) => ({
    ...server,
    apiKey,
    apiSecret,
    requests: recorder.requests,
    failNext: recorder.failNext,
    /** How many tokens were issued so far. */
    tokensIssued: () => issued,
    /** Invalidates every issued token, as Datto does after 100 hours. */
    expireTokens: () => tokens.clear(),
    /** An open alert the fake knows. */
    raise: (uid: string) => {
      alerts.set(uid, { resolved: false })
    },
    isResolved: (uid: string) => alerts.get(uid)?.resolved === true,
  }))
}
