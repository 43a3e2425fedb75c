import { Hono } from 'hono'
import { createFakeRecorder, serveFake } from './serve-fake.js'

type Incident = { id: string; status: 'triggered' | 'acknowledged' | 'resolved'; log: string[] }

const pdError = (message: string, code: number, errors: string[] = []) => ({
  error: { message, code, errors },
})

/**
 * PagerDuty's REST API v2, as much as resolving an incident needs (outbound-apis.md §2):
 * `PUT /incidents/{id}` with `Authorization: Token token=…`, the version `Accept`, `From` and an
 * `incident_reference` body; PagerDuty's error bodies. Resolving a resolved incident answers
 * code 1001 (its HTTP status is not documented; 400 here).
 */
export const startPagerDutyFake = async ({ token = 'pd-test-token' } = {}) => {
  const recorder = createFakeRecorder()
  const incidents = new Map<string, Incident>()
  const app = new Hono()

  app.put('/incidents/:id', async (c) => {
    const { body, fault } = await recorder.record(c)
    if (fault) return fault
    if (c.req.header('authorization') !== `Token token=${token}`) {
      return c.json(pdError('Authentication failed', 2006), 401)
    }
    if (c.req.header('accept') !== 'application/vnd.pagerduty+json;version=2') {
      return c.json(pdError('Invalid Input Provided', 2001, ['Accept must pin version 2']), 400)
    }
    if (!c.req.header('from')) {
      return c.json(pdError('Requester User Not Found', 2011, ['From header missing']), 400)
    }
    const update = (() => {
      try {
        return JSON.parse(body) as {
          incident?: { type?: unknown; status?: unknown; resolution?: unknown }
        }
      } catch {
        return undefined
      }
    })()?.incident
    if (
      update?.type !== 'incident_reference' ||
      !['resolved', 'acknowledged'].includes(String(update.status))
    ) {
      return c.json(pdError('Invalid Input Provided', 2001, ['incident.type and status']), 400)
    }
    const incident = incidents.get(c.req.param('id'))
    if (!incident) return c.json(pdError('Not Found', 2100), 404)
    if (incident.status === 'resolved' && update.status === 'resolved') {
      return c.json(pdError('Incident Already Resolved', 1001), 400)
    }
    incident.status = update.status as Incident['status']
    if (typeof update.resolution === 'string') incident.log.push(update.resolution)
    return c.json({ incident: { id: incident.id, type: 'incident', status: incident.status } })
  })

  const server = await serveFake(app)
  return {
    ...server,
    token,
    requests: recorder.requests,
    failNext: recorder.failNext,
    /** Opens an incident the fake knows. */
    trigger: (id: string) => {
      incidents.set(id, { id, status: 'triggered', log: [] })
    },
    incident: (id: string) => structuredClone(incidents.get(id)),
  }
}
