import { OutboundApiError, SourceReferenceError } from '../errors.js'
import { jsonOf, type OutboundHttp, sendOutbound } from './outbound-request.js'
import { changeSummary, type SourceResolver } from './source-resolver.js'

export type AlertmanagerSilencerOptions = OutboundHttp & {
  /** Alertmanager's root URL, with its route prefix. */
  url: string
  silenceMinutes: number
  createdBy: string
  /** For an Alertmanager behind `basic_auth_users` or a proxy. */
  basicAuth?: { username: string; password: string } | undefined
}

type Matcher = { name: string; value: string; isRegex: false; isEqual: true }
type Silence = { id?: unknown; comment?: unknown; status?: { state?: unknown } }

/**
 * Silences the alert's exact label set until `silenceMinutes` after the close: Alertmanager
 * alerts cannot be resolved from outside, and a silence is the honest equivalent of "handled".
 * A retry first looks for the silence this change made (our reference in its comment), so one
 * change never makes two silences.
 */
export const createAlertmanagerSilencer = (
  options: AlertmanagerSilencerOptions,
): SourceResolver => {
  const root = `${options.url.replace(/\/$/, '')}/api/v2`
  const now = options.now ?? Date.now
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...(options.basicAuth
      ? {
          authorization: `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`,
        }
      : {}),
  }

  /** The unexpired silence carrying `reference`, if an earlier attempt made it. */
  const findSilence = async (matchers: Matcher[], reference: string) => {
    const filter = new URLSearchParams(
      matchers.map(({ name, value }): [string, string] => [
        'filter',
        `${name}=${JSON.stringify(value)}`,
      ]),
    )
    const response = await sendOutbound(
      {
        target: 'alertmanager',
        endpoint: 'GET /api/v2/silences',
        method: 'GET',
        url: `${root}/silences?${filter}`,
        headers,
      },
      options,
    )
    const silences = jsonOf(response.text)
    if (!Array.isArray(silences)) {
      throw new OutboundApiError(
        'alertmanager',
        'GET /api/v2/silences',
        response.status,
        'alertmanager GET /api/v2/silences: the answer is not a list',
      )
    }
    return (silences as Silence[]).find(
      (silence) =>
        typeof silence.comment === 'string' &&
        silence.comment.includes(reference) &&
        silence.status?.state !== 'expired',
    )
  }

  return {
    async resolve(alert, ticket, change) {
      const matchers: Matcher[] = Object.entries(alert.labels)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }))
      if (matchers.length === 0) {
        throw new SourceReferenceError('the alert has no labels to silence it by')
      }
      const reference = `[halo-hooks ref ${change.id}]`
      const found = await findSilence(matchers, reference)
      if (typeof found?.id === 'string') {
        return { target: 'alertmanager', reference: found.id, outcome: 'silenced' }
      }
      const startsAt = new Date(now())
      const endsAt = new Date(startsAt.getTime() + options.silenceMinutes * 60_000)
      const response = await sendOutbound(
        {
          target: 'alertmanager',
          endpoint: 'POST /api/v2/silences',
          method: 'POST',
          url: `${root}/silences`,
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({
            matchers,
            startsAt: startsAt.toISOString(),
            endsAt: endsAt.toISOString(),
            createdBy: options.createdBy,
            comment: changeSummary(ticket, change),
          }),
        },
        options,
      )
      const { silenceID } = (jsonOf(response.text) ?? {}) as { silenceID?: unknown }
      return {
        target: 'alertmanager',
        reference: typeof silenceID === 'string' ? silenceID : '',
        outcome: 'silenced',
      }
    },
  }
}
