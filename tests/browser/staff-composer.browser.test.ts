import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoPki } from '../../crypto/demo-pki.ts'
import { writeDemoPki } from '../../gateway/crypto/demo-pki-files.ts'
import { demoAgencies } from '../../gateway/demo-setup.ts'
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
 * Issue 18 points 3 and 8 in Chromium: the consent form's warnings beside their fields, the
 * detail page showing what was entered, the composer that follows the consent (covered choices
 * only, sending disabled while the check is red, one refusal box), drafts saved and resumed,
 * and an ended consent offering its renewal. One browser, one staff session.
 */
/** The values of the options a locator finds. */
async function optionValues(options: Locator): Promise<(string | null)[]> {
  return Promise.all((await options.all()).map((o) => o.getAttribute('value')))
}

describe.runIf(chromiumAvailable)('the caseworker’s composer in Chromium (1366×768)', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser
  let tokens: Record<string, string>

  beforeAll(async () => {
    const pkiDir = mkdtempSync(join(tmpdir(), 'brucke-composer-demo-pki-'))
    t = await createTestDeps('sqlite', { config: { relayPkiDir: pkiDir } })
    writeDemoPki(pkiDir, (await createDemoPki({ at: t.clock.now(), agencies: demoAgencies })).files)
    ;({ tokens } = await seedAccounts(t.deps))
    server = await startTestServer(t.deps)
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await t?.close()
  })

  /** No axe violation of any level; a screenshot (copied into docs/images on request). */
  async function check(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle')
    expect(await accessibilityViolations(page)).toEqual([])
    const path = await screenshot(page, `staff-composer-${name}`)
    if (process.env.UPDATE_GUIDE_SCREENSHOTS === '1') {
      mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true })
      copyFileSync(path, join(repoRoot, 'docs', 'images', `staff-composer-${name}.png`))
    }
  }

  /** A Jobcenter → Jugendamt consent for Hilfeplanung over school and career choice, signed. */
  async function activeConsent(): Promise<string> {
    const draft = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Emre', familyName: 'Tannhäuser', birthDate: '2004-11-03' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule', 'berufswahl'],
        validUntil: '2026-08-31',
      },
    })
    expect(draft.status).toBe(201)
    const { id, kioskCode } = draft.body as { id: string; kioskCode: string }
    const signed = await signAtKioskOverApi(server, {
      kioskToken: tokens['kiosk-jc']!,
      kioskCode,
      consentId: id,
      signature: { role: 'youth', name: 'Emre Tannhäuser' },
    })
    expect(signed.status).toBe(200)
    return id
  }

  it('warns beside the field, shows every field again, composes only what the consent covers, keeps a draft, refuses once, and offers renewal when it ended', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${server.url}/login`)
    await page.fill('#username', 'staff-jc')
    await page.fill('#password', testPassword)
    await page.click('button[type=submit]')
    await page.waitForURL(`${server.url}/staff`)

    // The form: its proposal does not warn; a long validity and a special category do, each
    // beside its field with its own confirm box.
    await page.goto(`${server.url}/staff/consents/new`)
    expect(await page.inputValue('#validUntil')).toBe('2026-09-01')
    await page.fill('#givenName', 'Leonie')
    await page.fill('#familyName', 'Quastenberg')
    await page.fill('#birthDate', '2005-06-10')
    await page.fill('#caseRef', 'BG-4711-U25')
    await page.check('#recipients-ja-demo')
    await page.check('#purpose-hilfeplanung')
    await page.check('#cat-schule')
    await page.check('#cat-gesundheit')
    await page.fill('#validUntil', '2026-10-01')
    await page.click('text=Entwurf anlegen')
    await page.waitForSelector('#warn-long_validity')
    expect(await page.textContent('#warn-long_validity')).toContain('7 Monate')
    await page.locator('#confirm-long_validity').scrollIntoViewIfNeeded()
    await check(page, 'form-warnings')
    await page.check('#confirm-long_validity')
    await page.check('#confirm-special_categories')
    await page.click('text=Entwurf anlegen')
    await page.waitForURL(/\/staff\/consents\/cns[\w-]+$/)
    expect(await page.textContent('[data-case-refs]')).toContain('BG-4711-U25')
    await check(page, 'consent-detail')

    // The composer of an active consent: red until the necessity is stated, sending disabled.
    const consentId = await activeConsent()
    await page.goto(`${server.url}/staff/compose/${consentId}`)
    await page.waitForSelector('[data-dry-run] [data-reason="necessity_missing"]')
    expect(await page.isDisabled('[data-send]')).toBe(true)
    expect(await optionValues(page.locator('#to option'))).toEqual(['ja-demo'])
    expect(await optionValues(page.locator('#sec-0-cat option'))).toEqual(['schule', 'berufswahl'])
    await check(page, 'check-red')
    await page.fill('#necessity', 'Abstimmung des Kooperationsplans mit dem Hilfeplan.')
    const bodies = page.locator('[data-section-body]')
    await bodies.nth(0).fill('Regelmäßiger Schulbesuch seit Januar.')
    await bodies.nth(1).fill('Praktikum im Einzelhandel geplant.')
    await page.waitForSelector('[data-decision="permit"]')
    await page.waitForFunction(
      () =>
        !(
          globalThis as unknown as { document: { querySelector(s: string): { disabled: boolean } } }
        ).document.querySelector('[data-send]').disabled,
    )

    // Put aside as a draft, and resumed from the list.
    await page.fill('#draft-name', 'Übergabe vor dem Hilfeplangespräch')
    await page.click('[data-save-draft]')
    await page.waitForSelector('[data-draft-saved]')
    await page.goto(`${server.url}/staff/compose/${consentId}`)
    await page.click('[data-draft-list] >> text=Übergabe vor dem Hilfeplangespräch')
    await page.waitForURL(/\?draft=drf_/)
    expect(await page.inputValue('[data-section-body] >> nth=1')).toBe(
      'Praktikum im Einzelhandel geplant.',
    )
    await page.waitForSelector('[data-decision="permit"]')
    await check(page, 'draft')

    // The consent is revoked while the page is open: sending is refused, and the refusal is the
    // one box of the check — not a second one — and sending is disabled again.
    const revoked = await server.api('POST', `/consents/${consentId}/revocation`, {
      token: tokens['staff-jc'],
      body: { channel: 'staff', reason: 'Widerruf am Telefon' },
    })
    expect(revoked.status).toBe(200)
    await page.click('[data-send]')
    await page.waitForSelector('[data-dry-run] [data-reason="consent_revoked"]')
    expect(await page.locator('.verdict.deny').count()).toBe(1)
    expect(await page.locator('[data-send-result] *').count()).toBe(0)
    expect(await page.isDisabled('[data-send]')).toBe(true)

    // Reopened, the ended consent offers its renewal instead of a composer.
    await page.goto(`${server.url}/staff/compose/${consentId}`)
    expect(await page.getAttribute('[data-renew]', 'href')).toBe(
      `/staff/consents/${consentId}/renewal`,
    )
    expect(await page.locator('[data-composer]').count()).toBe(0)
    expect(await page.textContent('main')).not.toContain('gültig bis')
    await check(page, 'ended')
    await context.close()
  }, 120_000)
})
