import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { configJsonSchema } from '../shared/config/config-json-schema.js'

const target = fileURLToPath(new URL('../halo-hooks.schema.json', import.meta.url))
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`)
process.stdout.write(`wrote ${target}\n`)
