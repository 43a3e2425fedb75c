/** A request the client sent through {@link scriptedFetch}. */
export type RecordedCall = {
  method: string
  url: URL
  headers: Headers
  body: string | undefined
  /** The caller's abort signal (timeouts), so a script can behave like a hanging server. */
  signal: AbortSignal | undefined
}

/** What the script answers: a response, or an error to throw (a network failure). */
export type ScriptedAnswer = Response | Error

/**
 * A `fetch` that records every call and answers from `script`, called with the request and its
 * index. For unit tests of the client only; contract tests use the sandbox over real HTTP.
 */
export const scriptedFetch = (
  script: (call: RecordedCall, index: number) => ScriptedAnswer | Promise<ScriptedAnswer>,
) => {
  const calls: RecordedCall[] = []
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init)
    const call: RecordedCall = {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: init?.body === undefined || init.body === null ? undefined : String(init.body),
      signal: init?.signal ?? undefined,
    }
    calls.push(call)
    const answer = await script(call, calls.length - 1)
    if (answer instanceof Error) throw answer
    return answer
  }) as typeof globalThis.fetch
  return { fetch, calls }
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })

/** A token endpoint answer. */
export const tokenAnswer = (accessToken = 'token-1', expiresIn = 3600) =>
  json({ access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, scope: 'all' })

/** True for calls to the auth server's token endpoint. */
export const isTokenCall = (call: RecordedCall) => call.url.pathname.endsWith('/auth/token')

/** A manual clock plus a `sleep` that advances it instantly and records each wait. */
export const manualClock = (start = Date.parse('2026-01-01T00:00:00Z')) => {
  let current = start
  const sleeps: number[] = []
  return {
    now: () => current,
    advance: (ms: number) => {
      current += ms
    },
    sleep: async (ms: number) => {
      sleeps.push(ms)
      current += ms
    },
    sleeps,
  }
}
