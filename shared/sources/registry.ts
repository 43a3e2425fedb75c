import { genericSource } from './generic/generic-source.js'
import type { WebhookSource } from './webhook-source.js'

/** Every sender halo-hooks understands, by the id a route names in `source`. */
export const sources: Readonly<Record<string, WebhookSource<never>>> = {
  generic: genericSource as WebhookSource<never>,
}

export const findSource = (id: string): WebhookSource<unknown> | undefined =>
  Object.hasOwn(sources, id) ? (sources[id] as WebhookSource<unknown>) : undefined
