import * as z from '../zod-mini.js'
import type { EnvOf, EnvRule, EnvRules } from './function-env.js'
import { parseSettings } from './parse-settings.js'

const ruleSchema = (rule: EnvRule): z.ZodMiniType => {
  const inner =
    rule.type === 'text'
      ? z.string().check(z.minLength(1))
      : rule.type === 'url'
        ? z.url()
        : rule.type === 'int'
          ? z.coerce.number().check(z.int(), z.gte(rule.min))
          : rule.type === 'number'
            ? z.coerce.number()
            : z.enum(rule.values)
  if ('default' in rule && rule.default !== undefined) return z._default(inner, rule.default)
  return 'optional' in rule && rule.optional ? z.optional(inner) : inner
}

/** The zod schema of `rules`: what answers an environment `readEnv` does not read. */
export const envSchema = (rules: EnvRules) =>
  z.object(
    Object.fromEntries(Object.entries(rules).map(([name, rule]) => [name, ruleSchema(rule)])),
  )

/** `rules` read from `env` by their schema: the settings, or one `ConfigError` naming each issue. */
export const parseEnvSchema = <Rules extends EnvRules>(
  rules: Rules,
  env: Readonly<Record<string, string | undefined>>,
  what: string,
): EnvOf<Rules> => parseSettings(envSchema(rules), env, what) as EnvOf<Rules>
