import type { AlertSchema } from './alert-schema.js'
import type * as z from './zod-mini.js'

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const

export type Alert = z.infer<typeof AlertSchema>
/** An alert before defaults are applied, as sources and templates produce it. */
export type AlertInput = z.input<typeof AlertSchema>

/** Maps the many severity words senders use onto ours; unknown words become `medium`. */
export const normalizeSeverity = (value: unknown): Alert['severity'] => {
  const word = String(value ?? '')
    .trim()
    .toLowerCase()
  if ((SEVERITIES as readonly string[]).includes(word)) return word as Alert['severity']
  if (['crit', 'fatal', 'disaster', 'emergency', 'p1', 'sev0', 'sev1', 'sev-1'].includes(word))
    return 'critical'
  if (['error', 'major', 'p2', 'sev2', 'sev-2', 'severe'].includes(word)) return 'high'
  if (['warning', 'warn', 'average', 'minor', 'moderate', 'p3', 'sev3'].includes(word))
    return 'medium'
  if (['notice', 'p4', 'sev4'].includes(word)) return 'low'
  if (['information', 'informational', 'debug', 'ok', 'p5', 'not_classified'].includes(word))
    return 'info'
  return 'medium'
}
