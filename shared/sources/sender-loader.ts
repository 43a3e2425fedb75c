import type { WebhookSource } from './webhook-source.js'

/**
 * A sender that a function's bundle loads with the first request one of its routes gets, not at
 * cold start: one whose module loads zod (it validates every payload with a schema), so that its
 * schemas load only with a request to it and the other senders' cold starts never pay for them
 * (issue 15; `infra/bundling.ts` decides). What is read of a sender before that (its id, whether
 * it takes GET) was read from it at synth.
 */
export type SenderLoader = {
  readonly id: string
  readonly acceptsGet?: boolean
  load(): Promise<WebhookSource<unknown>>
}

/**
 * A {@link SenderLoader} that imports the sender once, however many requests wait for it. A load
 * that failed is tried again by the next request rather than failing every later one.
 */
export const senderLoader = (
  id: string,
  acceptsGet: boolean,
  load: () => Promise<WebhookSource<unknown>>,
): SenderLoader => {
  let loading: Promise<WebhookSource<unknown>> | undefined
  const start = () =>
    load().catch((error: unknown) => {
      loading = undefined
      throw error
    })
  return { id, ...(acceptsGet ? { acceptsGet } : {}), load: () => (loading ??= start()) }
}
