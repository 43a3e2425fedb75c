/** What a sender would send: the headers it adds and the URL it posts to. */
export type SignedRequest = { headers: Record<string, string>; url: URL }

export type SignInput = {
  /** The exact bytes that will be sent. */
  body: string
  secret: string
  url: URL
  now: Date
  /** The route's validated source options. */
  options: unknown
}

/**
 * Signs a request the way one sender does, for `npm run send` (tests prefer the vendor's own
 * library where one exists). One per sender with a signature scheme of its own.
 */
export type Signer = (input: SignInput) => SignedRequest
