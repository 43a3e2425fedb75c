import { AppError } from './errors.js'

/** Structured logging as the functions use it; Powertools' Logger satisfies this shape. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

type Level = 'debug' | 'info' | 'warn' | 'error'
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

const serializeError = (error: unknown): unknown => {
  if (error instanceof AppError) {
    const { name, message, code, retryable } = error
    return { name, message, code, retryable }
  }
  return error instanceof Error ? { name: error.name, message: error.message } : error
}

/**
 * One JSON object per line, for the local gateway and tests. `write` receives each line, so tests
 * can scan everything that was logged.
 */
export const createJsonLogger = (
  options: { level?: Level; write?: (line: string) => void; fields?: Record<string, unknown> } = {},
): Logger => {
  const threshold = ORDER[options.level ?? 'info']
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`))
  const log =
    (level: Level) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[level] < threshold) return
      const entry: Record<string, unknown> = {
        level,
        time: new Date().toISOString(),
        message,
        ...options.fields,
      }
      for (const [key, value] of Object.entries(fields)) {
        entry[key] = key === 'error' ? serializeError(value) : value
      }
      write(JSON.stringify(entry))
    }
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
}

/** A logger that drops everything (benchmarks). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
}
