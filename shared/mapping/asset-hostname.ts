/** `[host]` or `[host]:port`: an IPv6 literal in brackets, as in a URL authority. */
const BRACKETED = /^\[([^\]]+)\](?::\d{1,5})?$/

/** `host:port` with exactly one colon; a bare IPv6 address has several and no port. */
const WITH_PORT = /^([^:]+):\d{1,5}$/

/**
 * The host name an alert's resource names, in the form a Halo asset holds it: without a port
 * (`web01.example:9100`, as Prometheus sets the `instance` label of a node_exporter target),
 * without the brackets of an IPv6 literal (`[::1]:9100` → `::1`), trimmed and lower-cased (host
 * names are case-insensitive). Anything else is returned trimmed and lower-cased as it is.
 */
export const assetHostname = (resource: string): string => {
  const trimmed = resource.trim()
  const host = BRACKETED.exec(trimmed)?.[1] ?? WITH_PORT.exec(trimmed)?.[1] ?? trimmed
  return host.toLowerCase()
}
