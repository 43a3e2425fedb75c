import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { READER_SCHEMAS } from '../infra/reader-schemas.js'
import { compileReaders } from '../infra/schema-readers.js'

const target = fileURLToPath(new URL('../shared/schema-readers.generated.ts', import.meta.url))
writeFileSync(target, compileReaders(READER_SCHEMAS))
process.stdout.write(`wrote ${target}\n`)
