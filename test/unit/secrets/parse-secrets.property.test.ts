import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseSettings } from '../../../shared/config/parse-settings.js'
import { ConfigError } from '../../../shared/errors.js'
import { parseSecrets } from '../../../shared/secrets/parse-secrets.js'
import { readSecrets } from '../../../shared/secrets/read-secrets.js'
import { SecretsSchema } from '../../../shared/secrets/secrets-schema.js'

// readSecrets answers for SecretsSchema on every cold start: whatever it answers must be exactly
// the schema's answer, and it must never answer a secret the schema refuses. parseSecrets, which
// falls back to the schema, must answer (or refuse, with the same issues) as the schema does.

/** Mostly a value of the right kind, sometimes a near miss or anything at all. */
const mostly = <T>(valid: fc.Arbitrary<T>, ...others: fc.Arbitrary<unknown>[]) =>
  fc.oneof(
    { arbitrary: valid, weight: 10 },
    ...others.map((arbitrary) => ({ arbitrary, weight: 1 })),
  )

const text = mostly(fc.string({ minLength: 1, maxLength: 12 }), fc.constant(''), fc.jsonValue())

const rotating = mostly(
  fc.record({ current: text, previous: text }, { requiredKeys: ['current'] }),
  fc.record({ current: text, other: text }),
  fc.constant(JSON.parse('{"current":"a","__proto__":"b"}')),
  fc.jsonValue(),
)

const names = fc.constantFrom('example-hmac', 'prometheus', 'github', '__proto__', 'a b', '')

const record = (value: fc.Arbitrary<unknown>) =>
  mostly(fc.dictionary(names, value, { maxKeys: 3 }), fc.jsonValue())

const halo = mostly(
  fc.record({ clientId: text, clientSecret: text }),
  fc.record({ clientId: text }),
  fc.record({ clientId: text, clientSecret: text, tenant: text }),
  fc.jsonValue(),
)

const secrets = mostly(
  fc.record(
    {
      halo,
      resolveAtSource: record(record(mostly(fc.string(), fc.jsonValue()))),
      routes: record(rotating),
    },
    { requiredKeys: [] },
  ),
  fc.record({ routes: record(rotating), extra: fc.jsonValue() }),
  fc.constant(JSON.parse('{"__proto__":{"routes":{}}}')),
  fc.jsonValue(),
)

const schemaAnswer = (json: unknown) => {
  try {
    return { secrets: parseSettings(SecretsSchema, json, 'secret in test') }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    return { issues: error.issues }
  }
}

describe('a secret read directly', () => {
  it('answers exactly as the schema does whenever it answers, and never for one it refuses', () => {
    let read = 0
    fc.assert(
      // Through JSON text, as a secret arrives (an own `__proto__` key included).
      fc.property(secrets, (value) => {
        const json = JSON.parse(JSON.stringify(value) ?? 'null')
        const direct = readSecrets(json)
        if (direct === undefined) return
        read++
        expect(schemaAnswer(JSON.parse(JSON.stringify(value)))).toEqual({ secrets: direct })
      }),
      { numRuns: 3_000 },
    )
    expect(read).toBeGreaterThan(300)
  })

  it('reads a secret as `npm run secrets` writes it without the schema', () => {
    const written = {
      routes: { 'example-hmac': { current: 'a' }, prometheus: { current: 'b', previous: 'c' } },
    }
    expect(readSecrets(written)).toEqual(written)
    expect(readSecrets({ halo: { clientId: 'id', clientSecret: 's' } })).toEqual({
      halo: { clientId: 'id', clientSecret: 's' },
      routes: {},
    })
  })

  it('answers through the schema otherwise: the same secrets, or the same issues', () => {
    fc.assert(
      fc.property(secrets, (value) => {
        const textValue = JSON.stringify(value) ?? 'null'
        const answer = schemaAnswer(JSON.parse(textValue))
        if (answer.secrets) expect(parseSecrets(textValue, 'test')).toEqual(answer.secrets)
        else {
          let issues: readonly string[] | undefined
          try {
            parseSecrets(textValue, 'test')
          } catch (error) {
            issues = (error as ConfigError).issues
          }
          expect(issues).toEqual(answer.issues)
        }
      }),
      { numRuns: 1_000 },
    )
  })
})
