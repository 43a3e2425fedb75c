/**
 * `build`'s value, built on the first call and kept for every later one. For schemas whose shape
 * other code reads or extends: built when a request first needs them rather than at module load,
 * where every schema a bundle holds would cost each cold start (issue 15).
 */
export const once = <T>(build: () => T): (() => T) => {
  let built: { value: T } | undefined
  return () => {
    built ??= { value: build() }
    return built.value
  }
}
