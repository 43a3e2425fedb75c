import { randomUUID } from 'node:crypto'
import { Hono } from 'hono'
import { createFakeRecorder, serveFake } from './serve-fake.js'

type Matcher = { name: string; value: string; isRegex: boolean; isEqual: boolean }
type StoredSilence = {
  id: string
  matchers: Matcher[]
  startsAt: string
  endsAt: string
  createdBy: string
  comment: string
}

const isMatcher = (value: unknown): value is Matcher => {
  const m = value as Partial<Matcher> | null
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.name === 'string' &&
    typeof m.value === 'string' &&
    typeof m.isRegex === 'boolean' &&
    (m.isEqual === undefined || typeof m.isEqual === 'boolean')
  )
}

/**
 * Alertmanager's API v2 silences (outbound-apis.md §4): `POST /api/v2/silences` with a
 * `postableSilence` (all five fields required, `startsAt` before `endsAt`, `endsAt` not past;
 * 400 with a plain JSON string otherwise) answering `{silenceID}`, and `GET /api/v2/silences`
 * with `filter` matcher expressions (`name="value"`). Optional basic auth, as `--web.config.file`
 * allows.
 */
export const startAlertmanagerFake = async ({
  basicAuth,
  now = Date.now,
}: {
  basicAuth?: { username: string; password: string }
  now?: () => number
} = {}) => {
  const recorder = createFakeRecorder()
  const silences: StoredSilence[] = []
  const app = new Hono()
  const authorized = (header: string | undefined) =>
    !basicAuth ||
    header ===
      `Basic ${Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64')}`

  const state = (silence: StoredSilence) => {
    const at = now()
    if (Date.parse(silence.endsAt) <= at) return 'expired'
    return Date.parse(silence.startsAt) > at ? 'pending' : 'active'
  }

  app.get('/api/v2/silences', async (c) => {
    const { fault } = await recorder.record(c)
    if (fault) return fault
    if (!authorized(c.req.header('authorization'))) return c.body(null, 401)
    const filters = (c.req.queries('filter') ?? []).map((expression) => {
      const match = /^([a-zA-Z_][a-zA-Z0-9_]*)=(".*")$/.exec(expression)
      return match ? { name: match[1], value: JSON.parse(match[2] as string) as string } : null
    })
    if (filters.some((filter) => filter === null)) return c.json('bad matcher format', 400)
    const matching = silences.filter((silence) =>
      filters.every((filter) =>
        silence.matchers.some(
          (m) => m.name === filter?.name && m.value === filter.value && !m.isRegex,
        ),
      ),
    )
    return c.json(
      matching.map((silence) => ({
        ...silence,
        status: { state: state(silence) },
        updatedAt: silence.startsAt,
      })),
    )
  })

  app.post('/api/v2/silences', async (c) => {
    const { body, fault } = await recorder.record(c)
    if (fault) return fault
    if (!authorized(c.req.header('authorization'))) return c.body(null, 401)
    let silence: Partial<StoredSilence> & { matchers?: unknown }
    try {
      silence = JSON.parse(body)
    } catch {
      return c.json('body is not JSON', 400)
    }
    const { matchers, startsAt, endsAt, createdBy, comment } = silence
    if (!Array.isArray(matchers) || matchers.length === 0 || !matchers.every(isMatcher)) {
      return c.json('matchers: at least one {name, value, isRegex} is required', 400)
    }
    for (const [field, value] of Object.entries({ startsAt, endsAt, createdBy, comment })) {
      if (typeof value !== 'string' || value === '')
        return c.json(`${field} in body is required`, 400)
    }
    const start = Date.parse(startsAt as string)
    const end = Date.parse(endsAt as string)
    if (Number.isNaN(start) || Number.isNaN(end)) return c.json('invalid date-time', 400)
    if (start >= end)
      return c.json('failed to create silence: start time must be before end time', 400)
    if (end <= now()) return c.json("failed to create silence: end time can't be in the past", 400)
    const id = randomUUID()
    silences.push({
      id,
      matchers: matchers.map((m) => ({ ...m, isEqual: m.isEqual ?? true })),
      startsAt: startsAt as string,
      endsAt: endsAt as string,
      createdBy: createdBy as string,
      comment: comment as string,
    })
    return c.json({ silenceID: id })
  })

  const server = await serveFake(app)
  return {
    ...server,
    requests: recorder.requests,
    failNext: recorder.failNext,
    silences: () => structuredClone(silences),
  }
}
