import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueToken } from '../../gateway/auth/tokens.ts'
import type { Role } from '../../accounts/roles.ts'
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

/**
 * "verlängern / erneuern" (issue 18 point 5) as a caseworker meets it: the offer on an ending
 * consent, the prefilled form, the new draft for the kiosk, and the old consent once the new one
 * is signed — every page without an accessibility violation of any level.
 */
describe.runIf(chromiumAvailable)('consent renewal in Chromium (1366×768)', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    await seedAccounts(t.deps)
    server = await startTestServer(t.deps)
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await t?.close()
  })

  async function token(userId: string, role: Role): Promise<string> {
    const issued = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId,
      role,
      agencyId: 'jc-demo',
      now: t.clock.now(),
      ttlMinutes: 60,
    })
    return issued.token
  }

  /** Screenshot for the run; UPDATE_GUIDE_SCREENSHOTS=1 refreshes the guide's copy too. */
  async function check(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle')
    expect(await accessibilityViolations(page)).toEqual([])
    const path = await screenshot(page, `staff-i18-renewal-${name}`)
    if (process.env.UPDATE_GUIDE_SCREENSHOTS === '1') {
      mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true })
      copyFileSync(path, join(repoRoot, 'docs', 'images', `staff-i18-renewal-${name}.png`))
    }
  }

  it('renews an ending consent: offer, prefilled form, draft for the kiosk, and the old consent ended', async () => {
    const draft = await server.api('POST', '/consents', {
      token: await token('staff-jc', 'staff'),
      body: {
        kind: 'einwilligung',
        subject: {
          givenName: 'Leonie',
          familyName: 'Quastenberg',
          birthDate: '2005-06-10',
          caseRefs: { 'jc-demo': 'BG-4711' },
        },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule', 'berufswahl'],
        validUntil: '2026-03-20',
      },
    })
    const { id: oldId, kioskCode } = draft.body as { id: string; kioskCode: string }
    const kioskToken = await token('kiosk-jc', 'kiosk')
    const signOld = await signAtKioskOverApi(server, {
      kioskToken,
      kioskCode,
      consentId: oldId,
      signature: { role: 'youth', name: 'Leonie Quastenberg' },
    })
    expect(signOld.status).toBe(200)

    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${server.url}/login`)
    await page.fill('#username', 'staff-jc')
    await page.fill('#password', testPassword)
    await page.click('button[type=submit]')
    await page.waitForURL(`${server.url}/staff`)

    await page.goto(`${server.url}/staff/consents/${oldId}`)
    await check(page, 'offer')
    await page.click('a:has-text("verlängern / erneuern")')
    await page.waitForURL(`${server.url}/staff/consents/${oldId}/renewal`)
    expect(await page.inputValue('#givenName')).toBe('Leonie')
    expect(await page.inputValue('#caseRef')).toBe('BG-4711')
    expect(await page.isChecked('#cat-schule')).toBe(true)
    await check(page, 'form')

    await page.click('text=Entwurf anlegen')
    await page.waitForLoadState('networkidle')
    // The form's default validity may ask for the broad-choice talk first: confirm and send.
    if (await page.isVisible('#confirmBroad')) {
      await page.check('#confirmBroad')
      await page.click('text=Entwurf anlegen')
    }
    await page.waitForURL(/\/staff\/consents\/cns_[\w-]+$/)
    const newId = page.url().split('/').pop() as string
    expect(newId).not.toBe(oldId)
    expect(await page.textContent('main')).toContain('erneuert eine bisherige Einwilligung')
    const newCode = ((await page.textContent('.pickup-code')) ?? '').trim()
    await check(page, 'draft')

    // The person signs the renewal at the kiosk; the old consent ends.
    t.clock.advance(60_000)
    const signNew = await signAtKioskOverApi(server, {
      kioskToken: await token('kiosk-jc', 'kiosk'),
      kioskCode: newCode,
      consentId: newId,
      signature: { role: 'youth', name: 'Leonie Quastenberg' },
    })
    expect(signNew.status).toBe(200)
    await page.goto(`${server.url}/staff/consents/${oldId}`)
    expect(await page.textContent('main')).toContain('Erneuert (durch neue Einwilligung ersetzt)')
    expect(await page.isVisible('a:has-text("verlängern / erneuern")')).toBe(false)
    await check(page, 'renewed')
    await context.close()
  })
})
