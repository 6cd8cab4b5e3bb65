import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { honourEndingNotice } from '../../gateway/inbox/honour-notice.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import {
  chromiumAvailable,
  launchBrowser,
  newContext,
  screenshot,
  accessibilityViolations,
} from '../support/browser.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { deliverCaseSummary, deliverEndingNotice } from '../support/inbox-fixtures.ts'
import { createRelayPki, registerRelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

describe.runIf(chromiumAvailable)('staff inbox in Chromium (1366×768)', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser
  let itemId: string

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    await seedAccounts(t.deps)
    await registerRelayPki(t.deps, await createRelayPki())
    server = await startTestServer(t.deps)
    // The Jobcenter sent the Jugendamt a case summary, then the consent was revoked.
    ;({ id: itemId } = await deliverCaseSummary(t.deps, {
      from: 'jc-demo',
      to: 'ja-demo',
      consentId: 'cns_browser1',
      person: { name: 'Leonie Quastenberg', birthDate: '2005-06-10' },
      sections: [
        { category: 'schule', title: 'Schulische Situation', body: 'Realschulabschluss 2023.' },
      ],
      at: t.clock.now(),
    }))
    const notice = await deliverEndingNotice(t.deps, {
      from: 'jc-demo',
      to: 'ja-demo',
      consentId: 'cns_browser1',
      ending: 'revoked',
      relatedTransferIds: ['trf_browser'],
      at: t.clock.now(),
    })
    await honourEndingNotice(t.deps.db, {
      recipientAgencyId: 'ja-demo',
      consentId: 'cns_browser1',
      noticeItemId: notice.id,
      at: t.clock.now(),
    })
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await t?.close()
  })

  async function check(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, `staff-inbox-${name}`)
  }

  it('when the Jugendamt opens its inbox, then it sees the banner, opens the stopped item and acknowledges it', async () => {
    const page = await (await newContext(browser)).newPage()
    await page.goto(`${server.url}/login`)
    await page.fill('#username', 'staff-ja')
    await page.fill('#password', testPassword)
    await page.click('button[type=submit]')
    await page.waitForURL(`${server.url}/staff`)
    await expect.poll(() => page.locator('[data-inbox-banner]').count()).toBe(1)

    await page.click('nav >> text=Posteingang')
    await page.waitForURL(`${server.url}/staff/inbox`)
    expect(await page.locator('[data-inbox-item]').count()).toBe(2)
    await check(page, 'list')

    await page.click(`[data-inbox-item="${itemId}"] a`)
    await page.waitForURL(`${server.url}/staff/inbox/${itemId}`)
    expect(await page.textContent('[data-use-stopped-notice]')).toContain(
      'Weitere Verwendung muss beendet werden',
    )
    expect(await page.textContent('[data-person]')).toBe('Leonie Quastenberg')
    expect(await page.textContent('[data-sections]')).toContain('Realschulabschluss 2023.')
    await check(page, 'item')

    // Keyboard only: focus the button and press Enter.
    await page.focus('[data-acknowledge]')
    await page.keyboard.press('Enter')
    await page.waitForSelector('[data-acknowledged]')
    expect(await page.locator('[data-acknowledge]').count()).toBe(0)
    // The notice still waits to be acknowledged, so the banner stays until then.
    expect(await page.locator('[data-inbox-banner]').count()).toBe(1)
    await check(page, 'acknowledged')
  }, 120_000)
})
