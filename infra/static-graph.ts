import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/**
 * Every file a bundle's `index.mjs` imports statically, itself included: what a cold start reads,
 * compiles and evaluates before the handler runs. Chunks loaded with `import()` are not in it.
 */
export const staticGraph = (entry: string): string[] => {
  const seen = new Set<string>()
  const walk = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const code = readFileSync(file, 'utf8')
    // Minified static imports: `import{a as b}from"./chunks/x.mjs"` or `import"./chunks/x.mjs"`.
    for (const [, path] of code.matchAll(/import(?:[\w$*{}\s,]+from)?\s*"(\.[^"]+)"/g)) {
      walk(resolve(dirname(file), path as string))
    }
  }
  walk(entry)
  return [...seen]
}
