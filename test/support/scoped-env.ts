/**
 * Sets environment variables for one test file (a Lambda bundle reads them when imported, its SDK
 * clients on first use) and returns what puts back the values they had. Files share their worker
 * (and its `process.env`) with the files run after them, so call it in `afterAll`:
 * `const restoreEnv = setEnv({ ... })` … `restoreEnv()`. A value `undefined` unsets the variable.
 */
export const setEnv = (values: Readonly<Record<string, string | undefined>>): (() => void) => {
  const before = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]))
  assign(values)
  return () => assign(before)
}

const assign = (values: Readonly<Record<string, string | undefined>>) => {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
}
