import type { Signer } from './signer.js'

/**
 * Graph authenticates with the `clientState` inside each notification, not with a header, and a
 * signer cannot rewrite the body: the payload sent must already carry the route's secret as its
 * `clientState` (the shipped sample carries `secretClientValue`).
 */
export const signMicrosoftGraph: Signer = ({ url }) => ({
  headers: { 'content-type': 'application/json' },
  url,
})
