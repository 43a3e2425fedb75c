import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { signers } from '../../../local/signers/registry.js'
import { sourceOptions, sources } from '../../../shared/sources/registry.js'
import type { WebhookSource } from '../../../shared/sources/webhook-source.js'
import { EVERY_SENDER_CONFIG } from '../../integration/hostile/every-sender.js'

// The "Adding a sender" checklist of docs/contributing.md, checked for every registered sender.
// Each gap is named by the file to add or change, so a failure reads as the next step to take.

const ROOT = new URL('../../../', import.meta.url)
const exists = (path: string) => existsSync(new URL(path, ROOT))
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8')

const README = read('README.md')

/** The fixture paths `test/fixtures/INDEX.md` has a row for (the first cell of each row). */
const INDEXED_FIXTURES = new Set(
  [...read('test/fixtures/INDEX.md').matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]),
)

/** The sources the hostile suite configures a route for. */
const HOSTILE_SOURCES = new Set<string>(
  Object.values(EVERY_SENDER_CONFIG.routes).map((route) => route.source),
)

/** A sender with a signature scheme of its own is one whose source verifies requests itself. */
const hasOwnScheme = (source: WebhookSource<unknown>) => typeof source.verify === 'function'

/**
 * A sender whose payload has a shape of its own, which the source reads. One whose routes must
 * template the key and title (`generic`) takes whatever its sender posts, so there is no
 * published sample to keep; any fixture it does have must still be indexed.
 */
const hasOwnPayload = (source: WebhookSource<unknown>) => {
  const templated = source.requiredAlertTemplates ?? []
  return !(templated.includes('key') && templated.includes('title'))
}

/** What sender `id` lacks of the checklist, each item naming the file it belongs in. */
const gapsOf = (id: string, source: WebhookSource<unknown>): string[] => {
  const gaps: string[] = []
  const page = `docs/sources/${id}.md`
  if (!exists(page)) gaps.push(`docs page ${page}`)
  else if (!read(page).includes(`Source id: \`${id}\``)) {
    gaps.push(`the line "Source id: \`${id}\`" in ${page}`)
  }
  if (!README.includes(`[\`${id}\`](${page})`)) {
    gaps.push(`a row linking ${page} in the README.md Senders table`)
  }
  const sample = `local/samples/${id}.json`
  if (!exists(sample)) gaps.push(`local sample ${sample}`)
  if (hasOwnScheme(source) && !Object.hasOwn(signers, id)) {
    gaps.push(`a local signer for "${id}" in local/signers/registry.ts (it has verify)`)
  }
  const folder = `test/fixtures/${id}/`
  const fixtures = exists(folder) ? readdirSync(new URL(folder, ROOT)) : []
  if (hasOwnPayload(source) && fixtures.length === 0) gaps.push(`published samples in ${folder}`)
  for (const file of fixtures) {
    if (!INDEXED_FIXTURES.has(`${id}/${file}`)) {
      gaps.push(`a row for \`${id}/${file}\` in test/fixtures/INDEX.md`)
    }
  }
  if (!HOSTILE_SOURCES.has(id)) {
    gaps.push(`a route with source "${id}" in test/integration/hostile/every-sender.ts`)
  }
  return gaps
}

describe('the sender checklist (docs/contributing.md, "Adding a sender")', () => {
  it.each(Object.entries(sources))('is complete for %s', (id, source) => {
    expect(gapsOf(id, source), `sender "${id}" lacks`).toEqual([])
  })

  it('has an options schema registered for every sender, and none for a sender that is not', () => {
    expect(Object.keys(sourceOptions).sort()).toEqual(Object.keys(sources).sort())
  })

  it('has no local signer for a sender that is not registered or has no scheme of its own', () => {
    const stale = Object.keys(signers).filter((id) => {
      const source = Object.hasOwn(sources, id) ? sources[id] : undefined
      return !source || !hasOwnScheme(source)
    })

    expect(stale).toEqual([])
  })
})
