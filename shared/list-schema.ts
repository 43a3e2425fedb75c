import type { Parser } from './schema-reading.js'
import * as z from './zod-mini.js'

/**
 * `z.array(schema)`: a list read by the schema of its rows. A module of its own, loaded on first
 * use, so that loading it brings zod's arrays and not every export of `zod/mini`: importing
 * `zod-mini.js` itself by `import()` keeps all of them, every locale among them (400 KB).
 */
export const listSchemaOf = <T>(schema: Parser<T>): Parser<T[]> =>
  z.array(schema as unknown as Parameters<typeof z.array>[0]) as unknown as Parser<T[]>
