import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { runDeliveryRound, type DeliveryContext } from '../../gateway/relay/delivery-worker.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import {
  accessibilityViolations,
  chromiumAvailable,
  launchBrowser,
  newContext,
  screenshot,
} from '../support/browser.ts'
import { repoRoot } from '../support/cli.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import {
  createRelayPki,
  registerRelayPki,
  testDeliveryContext,
} from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

describe.runIf(chromiumAvailable)('what was sent, in Chromium (1366×768)', () => {
  let t: TestDeps
  let server: TestServer
  let smtp: SmtpCapture
  let delivery: DeliveryContext
  let browser: Browser
  let consentId: string
  let transferId: string

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    await seedAccounts(t.deps)
    await registerRelayPki(t.deps, await createRelayPki())
    server = await startTestServer(t.deps)
    smtp = await startSmtpCapture()
    delivery = testDeliveryContext(t.deps, smtp.url)
    const token = async (userId: 'staff-jc' | 'kiosk-jc') =>
      (
        await issueToken({
          key: t.deps.config.secrets.tokenKey,
          userId,
          role: userId === 'staff-jc' ? 'staff' : 'kiosk',
          agencyId: 'jc-demo',
          now: t.clock.now(),
          ttlMinutes: 60,
        })
      ).token
    consentId = await signedEinwilligung(server, {
      staffToken: await token('staff-jc'),
      kioskToken: await token('kiosk-jc'),
      subject: { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' },
      purpose: 'hilfeplanung',
      categories: ['schule', 'berufswahl'],
    })
    const res = await server.api('POST', '/transfers', {
      token: await token('staff-jc'),
      body: {
        consentId,
        to: 'ja-demo',
        purpose: 'hilfeplanung',
        necessity: 'Abstimmung des Kooperationsplans mit dem Hilfeplan vor dem Gespräch.',
        sections: [
          {
            category: 'schule',
            title: 'Schulische Situation',
            body: 'Realschulabschluss 2023, seit Januar unregelmäßiger Besuch der Berufsschule.',
          },
          {
            category: 'berufswahl',
            title: 'Berufswahl',
            body: 'Praktikum im Einzelhandel geplant.',
          },
        ],
      },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    transferId = (res.body as { id: string }).id
    while ((await runDeliveryRound(delivery)) > 0) {
      /* until delivered */
    }
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    delivery?.mailer.close()
    await smtp?.close()
    await server?.close()
    await t?.close()
  })

  /** axe at every level, a screenshot; UPDATE_GUIDE_SCREENSHOTS=1 refreshes the guide's copy. */
  async function check(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle')
    expect(await accessibilityViolations(page)).toEqual([])
    const path = await screenshot(page, `staff-sendercopy-${name}`)
    if (process.env.UPDATE_GUIDE_SCREENSHOTS === '1') {
      mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true })
      copyFileSync(path, join(repoRoot, 'docs', 'images', `staff-sendercopy-${name}.png`))
    }
  }

  it('when staff of the sending agency open the consent and then its transfer, then they read what was sent, its history and the link to the Aktenvermerk', async () => {
    const page = await (await newContext(browser)).newPage()
    await page.goto(`${server.url}/login`)
    await page.fill('#username', 'staff-jc')
    await page.fill('#password', testPassword)
    await page.click('button[type=submit]')
    await page.waitForURL(`${server.url}/staff`)

    await page.goto(`${server.url}/staff/consents/${consentId}`)
    const list = page.locator('[data-consent-transfers]')
    expect(await list.locator('[data-transfer-link]').count()).toBe(1)
    await list.scrollIntoViewIfNeeded()
    await check(page, 'consent')

    await list.locator('[data-transfer-link]').click()
    await page.waitForURL(`${server.url}/staff/transfers/${transferId}`)
    await expect
      .poll(() => page.getAttribute('[data-transfer-status]', 'data-status'))
      .toBe('delivered')
    expect(await page.locator('[data-person]').innerText()).toBe('Leonie Quastenberg')
    expect(await page.locator('[data-sections]').innerText()).toContain('Realschulabschluss 2023')
    expect(await page.locator('[data-transfer-history] li').count()).toBe(2)
    expect(await page.locator('[data-pdf-copy]').getAttribute('href')).toBe(
      `/staff/transfers/${transferId}/copy.pdf`,
    )
    await check(page, 'transfer')
  })
})
