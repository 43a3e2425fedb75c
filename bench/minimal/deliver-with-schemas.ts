// The minimal deliver function with the deliver function's schemas beside it: zod/mini and every
// schema module of ours that deliver loads at init, and nothing else of ours. Measured against the
// minimal function, it shows how much of deliver's extra init is zod and its schemas, and so what
// reading deliver's messages, records and Halo's answers without zod could buy at most.

export * as envelope from '../../shared/envelope-schema.js'
export * as queries from '../../shared/halo/queries.js'
export * as halo from '../../shared/halo/schemas.js'
export * as correlation from '../../shared/lifecycle/correlation-store.js'
export * as heartbeat from '../../shared/lifecycle/heartbeat-policy.js'
export { handler } from './deliver-handler.js'
