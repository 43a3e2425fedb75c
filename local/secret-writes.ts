import { ConfigError } from '../shared/errors.js'
import { onlyPart, type SecretPart, type Secrets } from '../shared/secrets/secret-store.js'

/** Where the two secrets of a deployment are, by the part each holds. */
export type SecretIds = Record<SecretPart, string>

/** One PutSecretValue to make. `value` is the new secret text: never print it. */
export type SecretWrite = {
  part: SecretPart
  secretId: string
  value: string
  /** What changes, by key names only. */
  summary: string
}

/** The writes that bring both secrets to what they should hold, Halo's first. */
export type SecretsPlan = { writes: SecretWrite[]; notes: string[] }

/** JSON with sorted keys, so that two equal values compare equal whatever their key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  )

const routeNames = (secrets: Secrets) => Object.keys(secrets.routes).sort().join(', ') || 'none'

/**
 * Plans the writes that make the signing secret hold exactly `wanted.routes` and the Halo secret
 * exactly `wanted.halo` and `wanted.resolveAtSource` (left as it is when `wanted` has no Halo credentials). A secret that
 * already holds what it should is not written, so running a plan twice writes nothing the
 * second time. The Halo secret comes first: credentials moved out of the signing secret are
 * always in one of the two.
 */
export const planSecretWrites = (
  current: Record<SecretPart, Secrets>,
  wanted: Secrets,
  ids: SecretIds,
): SecretsPlan => {
  const writes: SecretWrite[] = []
  const notes: string[] = []
  if (wanted.halo) {
    const { routes: _signing, ...halo } = onlyPart(wanted, 'halo')
    if (canonical({ ...current.halo }) !== canonical({ ...halo, routes: {} })) {
      const changes = [
        current.halo.halo
          ? 'replace halo (clientId, clientSecret)'
          : 'set halo (clientId, clientSecret)',
        ...(halo.resolveAtSource
          ? [`set resolveAtSource (${Object.keys(halo.resolveAtSource).sort().join(', ')})`]
          : []),
        ...(Object.keys(current.halo.routes).length ? ['remove routes'] : []),
      ]
      writes.push({
        part: 'halo',
        secretId: ids.halo,
        value: JSON.stringify(halo),
        summary: changes.join('; '),
      })
    } else {
      notes.push(`${ids.halo}: holds the Halo credentials already`)
    }
  } else if (!current.halo.halo) {
    notes.push(`${ids.halo}: no Halo credentials anywhere yet; deliveries wait until it has them`)
  }
  const signing = { routes: wanted.routes }
  if (canonical(current.routes) !== canonical(signing)) {
    const changes = [
      ...(current.routes.halo ? ['remove halo'] : []),
      ...(current.routes.resolveAtSource ? ['remove resolveAtSource'] : []),
      canonical(current.routes.routes) === canonical(wanted.routes)
        ? `keep routes ${routeNames(wanted)}`
        : `set routes ${routeNames(wanted)} (was: ${routeNames(current.routes)})`,
    ]
    writes.push({
      part: 'routes',
      secretId: ids.routes,
      value: JSON.stringify(signing),
      summary: changes.join('; '),
    })
  } else {
    notes.push(`${ids.routes}: holds the signing secrets (routes ${routeNames(wanted)}) already`)
  }
  return { writes, notes }
}

/**
 * The split of a secret from before there were two: the signing secret's Halo credentials (and
 * any `resolveAtSource` credentials) move to the Halo secret, its routes stay. Throws `ConfigError` when both hold Halo credentials and
 * they differ: which are right is the operator's call (`npm run secrets -- put <file>`).
 */
export const planSplit = (current: Record<SecretPart, Secrets>, ids: SecretIds): SecretsPlan => {
  const moving = current.routes.halo
  const present = current.halo.halo
  if (moving && present && canonical(moving) !== canonical(present)) {
    throw new ConfigError(
      `${ids.routes} and ${ids.halo} hold different Halo credentials; nothing was changed. ` +
        'Put the right ones with npm run secrets -- put <file>, which also removes them from the signing secret',
    )
  }
  const resolveAtSource = current.routes.resolveAtSource ?? current.halo.resolveAtSource
  return planSecretWrites(
    current,
    {
      routes: current.routes.routes,
      halo: moving ?? present,
      ...(resolveAtSource ? { resolveAtSource } : {}),
    },
    ids,
  )
}
