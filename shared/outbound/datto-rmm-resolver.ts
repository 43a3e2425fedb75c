import { OutboundApiError, SourceReferenceError } from '../errors.js'
import type { DattoRmmTokenSource } from './datto-rmm-token-source.js'
import { type OutboundHttp, sendOutbound } from './outbound-request.js'
import type { SourceAlert, SourceResolver } from './source-resolver.js'

export type DattoRmmResolverOptions = OutboundHttp & {
  /** `https://<platform>-api.centrastage.net`, without `/api`. */
  apiUrl: string
  tokens: DattoRmmTokenSource
}

const ALERT_KEY = /^datto-rmm:(.+)$/

/** The alert's uid: the `datto-rmm` source keys alerts by it; another route may label it. */
export const dattoAlertUid = (alert: SourceAlert): string => {
  const uid = ALERT_KEY.exec(alert.key)?.[1] ?? alert.labels.alertUID
  if (!uid) {
    throw new SourceReferenceError(
      'the alert names no Datto RMM alert (key datto-rmm:<alertUID>, or an alertUID label)',
    )
  }
  return uid
}

/**
 * Resolves the alert through Datto RMM's API v2 (`POST /api/v2/alert/{uid}/resolve`, no body,
 * bearer token). A token refused with 401 (expired early, revoked) is renewed once. Datto lists
 * 409 Conflict for this call; we read it as "already resolved".
 */
export const createDattoRmmResolver = (options: DattoRmmResolverOptions): SourceResolver => {
  const resolveWith = (token: string, uid: string) =>
    sendOutbound(
      {
        target: 'datto-rmm',
        endpoint: 'POST /api/v2/alert/{uid}/resolve',
        method: 'POST',
        url: `${options.apiUrl.replace(/\/$/, '')}/api/v2/alert/${encodeURIComponent(uid)}/resolve`,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        accept: (status) => status === 409,
      },
      options,
    )

  return {
    async resolve(alert) {
      const uid = dattoAlertUid(alert)
      const token = await options.tokens.token()
      const response = await resolveWith(token, uid).catch(async (error: unknown) => {
        if (!(error instanceof OutboundApiError) || error.status !== 401) throw error
        options.tokens.invalidate(token)
        return resolveWith(await options.tokens.token(), uid)
      })
      return {
        target: 'datto-rmm',
        reference: uid,
        outcome: response.status === 409 ? 'already resolved' : 'resolved',
      }
    },
  }
}
