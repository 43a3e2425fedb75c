import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { alertmanagerNotification } from '../support/alertmanager.js'
import { launchChromium } from '../support/chromium.js'
import { startTestGateway } from '../support/gateway-harness.js'
import { eventually } from '../support/processes.js'

let browser: Browser
let harness: Awaited<ReturnType<typeof startTestGateway>>

beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})
afterEach(async () => {
  harness.sandbox.clearFaults()
  await harness.gateway.close()
})

const fire = async (fingerprint: string) => {
  const response = await harness.post(
    'prometheus',
    alertmanagerNotification([{ fingerprint, status: 'firing' }]),
  )
  expect(response.status).toBe(202)
}

/** The newest history record of the alert with this key, once it has `outcome`. */
const outcomeOf = (key: string, outcome: string) =>
  eventually(async () => {
    const [record] = (await harness.gateway.history.list()).filter((r) => r.key === key)
    return record?.outcome === outcome ? record : undefined
  })

const row = (page: Page, key: string) => page.locator('tbody tr', { hasText: key })

describe('the deliveries page in headless Chromium', () => {
  it('shows delivered, deferred and parked envelopes, filters them, and replays the parked one into a ticket', async () => {
    // A deferral waits a minute, so the deferred envelope stays deferred while the page is read.
    harness = await startTestGateway({ retryBaseMs: 60_000 })

    await fire('fp-delivered')
    await outcomeOf('fp-delivered', 'delivered')
    const [delivered] = harness.ticketsOf('fp-delivered')
    expect(delivered).toBeDefined()

    // Halo refuses everything (400): permanent, so the envelope is parked with the reason.
    harness.sandbox.setFaults({ errorRate: 1, errorStatuses: [400] })
    await fire('fp-parked')
    await outcomeOf('fp-parked', 'parked')

    // Halo is down (503): transient, so the envelope is deferred to its next attempt.
    harness.sandbox.setFaults({ errorRate: 1, errorStatuses: [503] })
    await fire('fp-deferred')
    await outcomeOf('fp-deferred', 'deferred')

    const page = await browser.newPage()
    const response = await page.goto(`${harness.gateway.url}/deliveries`)
    expect(response?.status()).toBe(200)
    expect(await page.title()).toContain('Deliveries')

    const deliveredRow = row(page, 'fp-delivered')
    await expect.poll(() => deliveredRow.locator('.outcome').textContent()).toBe('delivered')
    const ticketLink = deliveredRow.getByRole('link', { name: `#${delivered?.id}` })
    expect(await ticketLink.getAttribute('href')).toBe(
      `${harness.gateway.url}/halo/#ticket-${delivered?.id}`,
    )
    expect(await row(page, 'fp-deferred').locator('.outcome').textContent()).toBe('deferred')
    expect(await row(page, 'fp-deferred').textContent()).toMatch(/next attempt/i)
    const parkedRow = row(page, 'fp-parked')
    expect(await parkedRow.locator('.outcome').textContent()).toBe('parked')
    expect(await parkedRow.textContent()).toContain('400')
    expect(await parkedRow.getByRole('button', { name: 'Replay' }).count()).toBe(1)
    // Only parked envelopes can be replayed.
    expect(await page.getByRole('button', { name: 'Replay' }).count()).toBe(1)

    // The filter is a plain form: choose, submit, and the query string carries it.
    await page.selectOption('select[name="outcome"]', 'parked')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/outcome=parked/)
    expect(await page.locator('tbody tr').count()).toBe(1)
    expect(await page.locator('tbody tr').textContent()).toContain('fp-parked')
    expect(await page.locator('select[name="outcome"]').inputValue()).toBe('parked')

    // The cause is removed (Halo answers again), then the parked envelope is replayed.
    harness.sandbox.clearFaults()
    await row(page, 'fp-parked').getByRole('button', { name: 'Replay' }).click()
    await page.waitForURL(/\/deliveries\?.*replayed=/)
    expect(await page.getByRole('status').textContent()).toMatch(/replayed/i)
    expect(page.url()).toContain('outcome=parked') // back where the technician was

    await outcomeOf('fp-parked', 'delivered')
    const [replayed] = harness.ticketsOf('fp-parked')
    expect(replayed).toBeDefined()

    await page.goto(`${harness.gateway.url}/deliveries?route=prometheus&outcome=delivered`)
    expect(await page.locator('tbody tr').count()).toBe(2)
    const replayedLink = row(page, 'fp-parked').getByRole('link', { name: `#${replayed?.id}` })
    await replayedLink.click()
    await page.waitForURL(/\/halo\/#ticket-/)
    expect(await page.locator(`#ticket-${replayed?.id} h2`).textContent()).toContain('fp-parked')
    await page.close()
  })
})
