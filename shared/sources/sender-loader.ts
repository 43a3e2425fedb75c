import type { WebhookSource } from './webhook-source.js'

/**
 * A sender that a function's bundle loads with the first request one of its routes gets, not at
 * cold start: a bundle serving several senders compiles only those its requests need, and a
 * sender's payload schemas (and zod) load only with a request to it (issue 15). What is read of a
 * sender before that (its id, whether it takes GET) was read from it at synth.
 */
export type SenderLoader = {
  readonly id: string
  readonly acceptsGet?: boolean
  load(): Promise<WebhookSource<unknown>>
}

/** A {@link SenderLoader} that imports the sender once, however many requests wait for it. */
export const senderLoader = (
  id: string,
  acceptsGet: boolean,
  load: () => Promise<WebhookSource<unknown>>,
): SenderLoader => {
  let loading: Promise<WebhookSource<unknown>> | undefined
  return { id, ...(acceptsGet ? { acceptsGet } : {}), load: () => (loading ??= load()) }
}
