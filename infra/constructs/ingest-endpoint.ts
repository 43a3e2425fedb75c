import type { IngestEndpointMetrics } from './operations.js'

/** Where senders post webhooks: the HTTP API or ingest's function URL (`deploy.endpoint`). */
export interface IngestEndpoint {
  /** The root URL, ending in `/`. */
  readonly baseUrl: string
  /** Where a sender posts a route's webhooks. */
  routeUrl(route: string): string
  /** What the endpoint reports about requests, for the alarms and the dashboard. */
  readonly metrics: IngestEndpointMetrics
}
