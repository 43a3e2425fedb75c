import { type Browser, chromium } from 'playwright-core'

/** Debian's Chromium (`apt-get install chromium`); `.ci/run` installs it when it is missing. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Headless Chromium driven by playwright-core. Rejects, rather than skipping, when Chromium is
 * missing: the pages are tested in a real browser. The flags keep Chromium off the network (it
 * would otherwise look up Google's hosts at every start) and out of first-run work.
 */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
