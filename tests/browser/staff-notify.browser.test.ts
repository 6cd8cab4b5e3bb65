import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import {
  accessibilityViolations,
  chromiumAvailable,
  launchBrowser,
  newContext,
  screenshot,
} from '../support/browser.ts'
import { repoRoot } from '../support/cli.ts'
import { signAtKioskOverApi } from '../support/consents.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

describe.runIf(chromiumAvailable)('the notification centre in Chromium (1366×768)', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps('sqlite', {
      // The e-mail form shows only when the operator turned the notice on (no mail is sent here).
      config: { notifyEmail: true, smtpUrl: 'smtp://127.0.0.1:9' },
    })
    ;({ tokens } = await seedAccounts(t.deps))
    server = await startTestServer(t.deps)
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await t?.close()
  })

  async function draft(givenName: string, validUntil: string) {
    const res = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject: { givenName, familyName: 'Wendehals', birthDate: '2004-05-06' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil,
      },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as { id: string; kioskCode: string }
  }

  async function signAtKiosk(d: { id: string; kioskCode: string }, name: string) {
    const signed = await signAtKioskOverApi(server, {
      kioskToken: tokens['kiosk-jc'] ?? '',
      kioskCode: d.kioskCode,
      consentId: d.id,
      signature: { role: 'youth', name: `${name} Wendehals` },
    })
    expect(signed.status, JSON.stringify(signed.body)).toBe(200)
  }

  /** Every axe rule at every level; a screenshot, copied into docs/images on request. */
  async function check(page: Page, name: string): Promise<void> {
    expect(await accessibilityViolations(page)).toEqual([])
    const path = await screenshot(page, `staff-notify-${name}`)
    if (process.env.UPDATE_GUIDE_SCREENSHOTS === '1') {
      mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true })
      copyFileSync(path, join(repoRoot, 'docs', 'images', `staff-notify-${name}.png`))
    }
  }

  it('updates the draft page when the kiosk finishes, counts the news in the navigation live, lists them and marks them read', async () => {
    // One consent ending within 14 days (the clock stands at 2026-03-02), signed already.
    const ending = await draft('Ida', '2026-03-12')
    await signAtKiosk(ending, 'Ida')
    const waiting = await draft('Jonas', '2026-12-31')

    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${server.url}/login`)
    await page.fill('#username', 'staff-jc')
    await page.fill('#password', testPassword)
    await page.click('button[type=submit]')
    await page.waitForURL(`${server.url}/staff`)

    // The draft's page, open while the person signs at the kiosk: it reloads itself.
    await page.goto(`${server.url}/staff/consents/${waiting.id}`)
    await page.waitForSelector('[data-watch-consent]')
    await check(page, 'draft-waiting')
    await signAtKiosk(waiting, 'Jonas')
    await page.waitForSelector('[data-watch-consent]', { state: 'detached', timeout: 20_000 })
    await page.waitForLoadState('load')
    expect(await page.textContent('h1 .badge')).toMatch(/gültig|aktiv|wirksam/i)
    expect(await page.textContent('[data-notifications-unread]')).toMatch(/3 neu/)

    // The centre: signed (twice) and lapsing soon, newest first.
    await page.click('nav >> text=Benachrichtigungen')
    await page.waitForURL(`${server.url}/staff/notifications`)
    expect(await page.locator('[data-notification="signed"]').count()).toBe(2)
    expect(await page.locator('[data-notification="lapsing_soon"]').count()).toBe(1)
    expect(await page.textContent('[data-notification="lapsing_soon"]')).toContain('12.03.2026')
    await check(page, 'centre')

    await page.click('text=Alle als gelesen markieren')
    await page.waitForURL(`${server.url}/staff/notifications?done=read`)
    expect(await page.isHidden('[data-notifications-unread]')).toBe(true)
    await check(page, 'read')

    // Something happens while a draft's page is open (it polls every few seconds): the count
    // appears in the navigation without a reload, and a screen reader hears it.
    const another = await draft('Kai', '2026-12-31')
    await page.goto(`${server.url}/staff/consents/${another.id}`)
    const revoked = await server.api('POST', `/consents/${ending.id}/revocation`, {
      token: tokens['staff-jc'],
      body: { channel: 'staff' },
    })
    expect(revoked.status).toBe(200)
    await page.waitForSelector('[data-notifications-unread]:not([hidden])', { timeout: 20_000 })
    expect(await page.textContent('[data-notifications-unread]')).toMatch(/1 neu/)
    expect(await page.textContent('[data-notifications-live]')).toContain(
      'Neue Benachrichtigungen: 1',
    )
    await context.close()
  }, 120_000)
})
