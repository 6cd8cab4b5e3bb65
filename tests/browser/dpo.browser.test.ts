import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { writeCheckpoint } from '../../gateway/audit/write-checkpoint.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { ensureDemoSetup } from '../../gateway/demo-setup.ts'
import {
  chromiumAvailable,
  launchBrowser,
  newContext,
  screenshot,
  accessibilityViolations,
} from '../support/browser.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { signAtKioskOverApi } from '../support/consents.ts'

describe.runIf(chromiumAvailable)('DPO workplace in Chromium', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser
  let dpoPassword: string
  let revokedPseudonym: string

  beforeAll(async () => {
    // Its tokens live 10 hours (the clock moves on below); the gateway refuses tokens that
    // outlive TOKEN_TTL_MINUTES, so the test configures that much.
    t = await createTestDeps('sqlite', { config: { tokenTtlMinutes: 600 } })
    // The demo setup as `npm start` creates it: agencies, demo PKI, demo-dpo and the others.
    const setup = await ensureDemoSetup(t.deps)
    dpoPassword = setup.credentials.find((c) => c.id === 'demo-dpo')?.password ?? ''
    server = await startTestServer(t.deps)
    const token = async (userId: string, role: 'staff' | 'kiosk', agencyId: string) =>
      (
        await issueToken({
          key: t.deps.config.secrets.tokenKey,
          userId,
          role,
          agencyId,
          now: t.clock.now(),
          ttlMinutes: 600,
        })
      ).token
    const staff = await token('demo-jc', 'staff', 'jc-demo')
    const kiosk = await token('demo-kiosk', 'kiosk', 'jc-demo')
    // Audit entries through the real services: a consent prepared, signed and revoked, then
    // transfers attempted on it and denied.
    const created = await server.api('POST', '/consents', {
      token: staff,
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule', 'berufswahl'],
        validUntil: '2026-12-31',
      },
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const consent = created.body as { id: string; subjectPseudonym: string; kioskCode: string }
    revokedPseudonym = consent.subjectPseudonym
    const signed = await signAtKioskOverApi(server, {
      kioskToken: kiosk,
      kioskCode: consent.kioskCode,
      consentId: consent.id,
      signature: { role: 'youth', name: 'Leonie Quastenberg' },
    })
    expect(signed.status, JSON.stringify(signed.body)).toBe(200)
    t.clock.advance(3600_000)
    const revoked = await server.api('POST', `/consents/${consent.id}/revocation`, {
      token: staff,
      body: { channel: 'staff' },
    })
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200)
    for (let i = 0; i < 2; i++) {
      t.clock.advance(60_000)
      const denied = await server.api('POST', '/transfers', {
        token: staff,
        body: {
          consentId: consent.id,
          to: 'ja-demo',
          purpose: 'hilfeplanung',
          necessity: 'Abstimmung des Kooperationsplans mit dem Hilfeplan.',
          sections: [{ category: 'schule', title: 'Schule', body: 'Besucht die Berufsschule.' }],
        },
      })
      expect(denied.status, JSON.stringify(denied.body)).toBe(403)
      expect(denied.body).toMatchObject({ error: { code: 'transfer_denied' } })
    }
    await writeCheckpoint(t.deps)
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await t?.close()
  })

  async function expectAccessible(page: Page, name: string): Promise<void> {
    expect(await accessibilityViolations(page), name).toEqual([])
    await screenshot(page, name)
  }

  it('lets demo-dpo filter, open an entry with its proof, export CSV, read the charts and re-identify; axe finds no violation of any level', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${server.url}/login`)
    await page.fill('#username', 'demo-dpo')
    await page.fill('#password', dpoPassword)
    await page.click('button[type=submit]')
    await page.waitForURL(`${server.url}/dpo`)
    await expect(page.getByTestId('latest-checkpoint').textContent()).resolves.toMatch(
      /Checkpoint \d+ · .* Signatur\s+gültig/s,
    )
    await expectAccessible(page, 'dpo-log')
    // At 1280 px the log table needs no sideways scrolling (issue 18).
    await page.setViewportSize({ width: 1280, height: 800 })
    const overflow = await page.evaluate(`[document.documentElement,
      ...document.querySelectorAll('.table-scroll, .log-table')]
      .filter((el) => el.scrollWidth > el.clientWidth + 1)
      .map((el) => (el.className || el.tagName) + ': ' + el.scrollWidth + ' > ' + el.clientWidth)`)
    expect(overflow).toEqual([])
    // Times in the one format, Berlin time: "02.03.2026, 11:00", no seconds.
    await expect(page.locator('.log-table time').first().textContent()).resolves.toMatch(
      /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/,
    )
    await page.setViewportSize({ width: 1366, height: 768 })

    // Filter with the keyboard-operable form: denied transfers only.
    await page.selectOption('#f-type', 'transfer_denied')
    await page.getByRole('button', { name: 'Suchen' }).click()
    await page.waitForURL(/type=transfer_denied/)
    await expect(page.getByTestId('result-count').textContent()).resolves.toContain('2 Einträge')
    await expectAccessible(page, 'dpo-log-filtered')

    // Export exactly this view as CSV: a real download of the streamed route.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Als CSV exportieren' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^brucke-audit-.*\.csv$/)
    const csv = readFileSync(await download.path(), 'utf8')
      .trim()
      .split(/\r?\n/)
    expect(csv).toHaveLength(3)
    expect(csv.slice(1).every((line) => line.includes('transfer_denied'))).toBe(true)
    const exported = (await listAuditEntries(t.deps.db, { limit: 10_000 })).at(-1)
    expect(exported?.event).toMatchObject({ type: 'audit_exported', format: 'csv', entries: 2 })

    // Open the first (newest) entry: its full record and its verified inclusion proof.
    await page
      .getByRole('link', { name: /^Eintrag \d+ öffnen$/ })
      .first()
      .click()
    await page.waitForURL(/\/dpo\/entries\/\d+$/)
    await expect(page.getByTestId('proof-status').textContent()).resolves.toMatch(
      /Bewiesen bis Checkpoint \d+/,
    )
    await expect(page.locator('dl.record').textContent()).resolves.toContain('consent_revoked')
    await expectAccessible(page, 'dpo-entry')

    // Reports: the charts are there, accessible, with their data tables.
    await page.getByRole('link', { name: 'Berichte' }).click()
    await page.waitForURL(`${server.url}/dpo/reports`)
    const chart = page.locator('#chart-denials svg[role="img"]')
    await expect(chart.isVisible()).resolves.toBe(true)
    await expect(chart.locator('title').textContent()).resolves.toBe(
      'Verweigerte Übermittlungen nach Grund',
    )
    // The reason in words (issue 18), not the code `consent_revoked`.
    await expect(page.locator('#chart-denials table').textContent()).resolves.toContain(
      'Einwilligung widerrufen',
    )
    await expectAccessible(page, 'dpo-reports')

    // Re-identification: a deliberate act with a stated reason, then visible in the log.
    await page.goto(`${server.url}/dpo/reidentify?subject=${revokedPseudonym}`)
    await expectAccessible(page, 'dpo-reidentify')
    await page.fill('#reid-reason', 'Auskunftsersuchen nach Art. 15 DSGVO, Az. 2026-17')
    await page.check('#reid-confirm')
    await page.getByRole('button', { name: 'Pseudonym auflösen' }).click()
    await expect(page.getByTestId('reidentified').textContent()).resolves.toContain('Quastenberg')
    await expectAccessible(page, 'dpo-reidentify-result')
    await page.goto(`${server.url}/dpo?type=pseudonym_resolved`)
    await expect(page.getByTestId('result-count').textContent()).resolves.toContain('1 Eintrag')

    // Keyboard only: Tab to the pseudonym field, type, Enter submits the search.
    await page.goto(`${server.url}/dpo`)
    const focusedId = () =>
      page.evaluate(() => {
        const scope = globalThis as unknown as {
          document: { activeElement: { id: string } | null }
        }
        return scope.document.activeElement?.id ?? ''
      })
    for (let i = 0; i < 40 && (await focusedId()) !== 'f-subject'; i++)
      await page.keyboard.press('Tab')
    expect(await focusedId()).toBe('f-subject')
    await page.keyboard.type(revokedPseudonym)
    await page.keyboard.press('Enter')
    await page.waitForURL(/subject=psn_/)
    const expected = (await listAuditEntries(t.deps.db, { limit: 10_000 })).filter(
      (e) => 'subjectPseudonym' in e.event && e.event.subjectPseudonym === revokedPseudonym,
    ).length
    expect(expected).toBeGreaterThanOrEqual(6) // created, signed, revoked, 2 denials, resolved, …
    await expect(page.getByTestId('result-count').textContent()).resolves.toContain(
      `${expected} Einträge`,
    )
    await context.close()
  })
})
