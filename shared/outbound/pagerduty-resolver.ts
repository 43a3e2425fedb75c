import { SourceReferenceError } from '../errors.js'
import { jsonOf, type OutboundHttp, sendOutbound } from './outbound-request.js'
import { changeSummary, type SourceAlert, type SourceResolver } from './source-resolver.js'

export type PagerDutyResolverOptions = OutboundHttp & {
  baseUrl: string
  /** A user on the account, sent as `From` (required on incident updates). */
  from: string
  /** An account or user REST API key. */
  apiToken: string
}

const INCIDENT_KEY = /^pagerduty:incident:(.+)$/

/**
 * The incident an alert is about: the `pagerduty` source keys alerts by incident id; another
 * route may name it in an `incidentId` label.
 */
export const pagerDutyIncidentId = (alert: SourceAlert): string => {
  const id = INCIDENT_KEY.exec(alert.key)?.[1] ?? alert.labels.incidentId
  if (!id) {
    throw new SourceReferenceError(
      'the alert names no PagerDuty incident (key pagerduty:incident:<id>, or an incidentId label)',
    )
  }
  return id
}

/** PagerDuty's error code for "Incident Already Resolved" (REST API v2 errors). */
const ALREADY_RESOLVED = 1001

const errorCode = (text: string) =>
  (jsonOf(text) as { error?: { code?: unknown } } | undefined)?.error?.code

/**
 * Resolves the incident through PagerDuty's REST API v2 (`PUT /incidents/{id}`, `Authorization:
 * Token token=…`, `From`). Resolving twice is harmless: "already resolved" counts as done.
 */
export const createPagerDutyResolver = (options: PagerDutyResolverOptions): SourceResolver => ({
  async resolve(alert, ticket, change) {
    const incidentId = pagerDutyIncidentId(alert)
    const response = await sendOutbound(
      {
        target: 'pagerduty',
        endpoint: 'PUT /incidents/{id}',
        method: 'PUT',
        url: `${options.baseUrl.replace(/\/$/, '')}/incidents/${encodeURIComponent(incidentId)}`,
        headers: {
          authorization: `Token token=${options.apiToken}`,
          accept: 'application/vnd.pagerduty+json;version=2',
          'content-type': 'application/json',
          from: options.from,
        },
        body: JSON.stringify({
          incident: {
            type: 'incident_reference',
            status: 'resolved',
            // Lands in the incident's resolve log entry.
            resolution: changeSummary(ticket, change),
          },
        }),
        // The HTTP status that carries code 1001 is not documented; the code decides.
        accept: (status, text) => status < 500 && errorCode(text) === ALREADY_RESOLVED,
      },
      options,
    )
    return {
      target: 'pagerduty',
      reference: incidentId,
      outcome: response.status < 300 ? 'resolved' : 'already resolved',
    }
  },
})
