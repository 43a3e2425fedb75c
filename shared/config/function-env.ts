/**
 * One environment variable a function reads at cold start, as plain data: the stack sets these,
 * so they are nearly always well formed, and a function reads them directly instead of building
 * a schema (and loading zod) at every cold start (issue 15). The same rules build the zod schema
 * that answers anything else (`envSchema`), so a bad value is named exactly as before and the two
 * cannot drift.
 */
export type EnvRule =
  /** A non-empty string. */
  | { readonly type: 'text'; readonly optional?: true }
  /** A URL (`z.url()`). */
  | { readonly type: 'url'; readonly optional?: true }
  /** A whole number of at least `min`, from its text (`z.coerce.number()`). */
  | {
      readonly type: 'int'
      readonly min: number
      readonly default?: number
      readonly optional?: true
    }
  /** Any number, from its text. */
  | { readonly type: 'number'; readonly optional?: true }
  /** One of `values`. */
  | {
      readonly type: 'enum'
      readonly values: readonly [string, ...string[]]
      readonly default: string
    }

export type EnvRules = Readonly<Record<string, EnvRule>>

type ValueOf<Rule> = Rule extends { type: 'text' | 'url' }
  ? string
  : Rule extends { type: 'int' | 'number' }
    ? number
    : Rule extends { values: readonly (infer Value)[] }
      ? Value
      : never
type IsOptional<Rule> = Rule extends { default: unknown }
  ? false
  : Rule extends { optional: true }
    ? true
    : false

/** The settings `rules` read: a default fills a missing value, an optional one may be absent. */
export type EnvOf<Rules extends EnvRules> = {
  -readonly [Name in keyof Rules as IsOptional<Rules[Name]> extends true ? never : Name]: ValueOf<
    Rules[Name]
  >
} & {
  -readonly [Name in keyof Rules as IsOptional<Rules[Name]> extends true ? Name : never]?: ValueOf<
    Rules[Name]
  >
}

const WHOLE = /^\d{1,15}$/
const DECIMAL = /^\d{1,15}(\.\d{1,15})?$/
/** What `z.url()` would trim or delete: such a value is left to it. */
const URL_UNUSUAL = /^\s|\s$|[\t\n\r]/

const invalid = Symbol('invalid')

/** A value as `rule` reads it when it is plainly well formed; `invalid` for anything else. */
const readValue = (rule: EnvRule, value: string): unknown => {
  switch (rule.type) {
    case 'text':
      return value.length > 0 ? value : invalid
    case 'url':
      return !URL_UNUSUAL.test(value) && URL.canParse(value) ? value : invalid
    case 'int':
      return WHOLE.test(value) && Number(value) >= rule.min ? Number(value) : invalid
    case 'number':
      return DECIMAL.test(value) ? Number(value) : invalid
    case 'enum':
      return rule.values.includes(value) ? value : invalid
  }
}

/**
 * `rules` read from `env` when every value is plainly well formed (as the stack sets them),
 * answering exactly as `envSchema` would; `undefined` when any is not, for the schema to
 * answer (test/unit/config/function-env.property.test.ts holds the two together).
 */
export const readEnv = <const Rules extends EnvRules>(
  rules: Rules,
  env: Readonly<Record<string, string | undefined>>,
): EnvOf<Rules> | undefined => {
  const settings: Record<string, unknown> = {}
  for (const [name, rule] of Object.entries(rules)) {
    const value = Object.hasOwn(env, name) ? env[name] : undefined
    if (value === undefined) {
      if ('default' in rule && rule.default !== undefined) settings[name] = rule.default
      else if (!('optional' in rule && rule.optional)) return undefined
      continue
    }
    const read = readValue(rule, value)
    if (read === invalid) return undefined
    settings[name] = read
  }
  return settings as EnvOf<Rules>
}

/**
 * A function's settings from its environment. Rejects with one `ConfigError` naming every variable
 * and the rule it broke (never a value), as `parseSettings` does; only then is the schema loaded.
 */
export const parseEnv = async <const Rules extends EnvRules>(
  rules: Rules,
  env: Readonly<Record<string, string | undefined>>,
  what: string,
): Promise<EnvOf<Rules>> =>
  readEnv(rules, env) ?? (await import('./function-env-schema.js')).parseEnvSchema(rules, env, what)
