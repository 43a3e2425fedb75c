import type * as z from 'zod'

const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number
      row[j] = Math.min(
        above + 1,
        (row[j - 1] as number) + 1,
        diagonal + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
      diagonal = above
    }
  }
  return row[b.length] as number
}

/** The known word closest to a misspelt one, if it is close enough to be what was meant. */
export const closestWord = (word: string, known: readonly string[]): string | undefined => {
  let best: { word: string; cost: number } | undefined
  for (const candidate of known) {
    const cost = distance(word.toLowerCase(), candidate.toLowerCase())
    if (cost <= Math.max(1, Math.floor(candidate.length / 3)) && (!best || cost < best.cost)) {
      best = { word: candidate, cost }
    }
  }
  return best?.word
}

/**
 * One zod issue as `<key path>: <rule broken>`, flattening record-key and union details and
 * suggesting the intended key for a misspelt one. Never includes the value.
 */
export const describeConfigIssues = (
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[],
  knownKeys: readonly string[],
): string[] =>
  issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path].map(String).join('.') || '(root)'
    if (issue.code === 'invalid_key') {
      return describeConfigIssues(issue.issues, [...prefix, ...issue.path], knownKeys).map((line) =>
        line.replace(/^([^:]*):/, `$1 (key):`),
      )
    }
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const guess = closestWord(key, knownKeys)
        return `${path}.${key}: unknown key${guess ? ` (did you mean "${guess}"?)` : ''}`
      })
    }
    return [`${path}: ${issue.message}`]
  })
