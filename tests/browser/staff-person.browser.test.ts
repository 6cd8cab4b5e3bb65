import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertQueuedTransfer } from '../../db/transfer-repository.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import {
  accessibilityViolations,
  chromiumAvailable,
  launchBrowser,
  newContext,
  screenshot,
} from '../support/browser.ts'
import { sessionFor } from '../support/browser-session.ts'
import { repoRoot } from '../support/cli.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { paperScan } from '../support/signature-evidence.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

describe.runIf(chromiumAvailable)('finding a person in Chromium (1366×768)', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser
  let consentId: string

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    await seedAccounts(t.deps)
    server = await startTestServer(t.deps)
    // The Jobcenter holds a signed consent for Mira (ending within 30 days) and sent one summary.
    const jc = await sessionFor(t.deps, 'staff-jc')
    const post = (path: string, fields: [string, string][]) =>
      fetch(server.url + path, {
        method: 'POST',
        headers: { cookie: jc.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([['_csrf', jc.csrfToken], ...fields]).toString(),
        redirect: 'manual',
      })
    const prepared = await post('/staff/consents', [
      ['givenName', 'Mira'],
      ['familyName', 'Özdemir'],
      ['birthDate', '2007-11-03'],
      ['caseRef', 'JC-4711/26'],
      ['senders', 'jc-demo'],
      ['recipients', 'ja-demo'],
      ['purposes', 'hilfeplanung'],
      ['categories', 'schule'],
      ['categories', 'berufswahl'],
      ['validUntil', '2026-03-20'],
    ])
    expect(prepared.status).toBe(303)
    consentId = (prepared.headers.get('location') ?? '').split('/').pop() as string
    const signed = await post(`/staff/consents/${consentId}/paper-signature`, [
      ['role', 'youth'],
      ['name', 'Mira Özdemir'],
      ['scan', paperScan()],
    ])
    expect(signed.status).toBe(303)
    const { subject_pseudonym: pseudonym } = await t.deps.db
      .selectFrom('consents')
      .select('subject_pseudonym')
      .where('id', '=', consentId)
      .executeTakeFirstOrThrow()
    const at = t.clock.now()
    await insertQueuedTransfer(t.deps.db, {
      id: 'trf_person_browser',
      kind: 'transfer',
      senderAgencyId: 'jc-demo',
      recipientAgencyId: 'ja-demo',
      senderMailbox: 'jc@example.test',
      recipientMailbox: 'ja@example.test',
      staffId: 'staff-jc',
      consentId,
      purpose: 'hilfeplanung',
      categories: ['schule'],
      subjectPseudonym: pseudonym,
      plaintextSha256: 'a'.repeat(64),
      envelopeSha256: 'b'.repeat(64),
      messageId: '<trf_person_browser@example.test>',
      envelope: 'sealed',
      at,
      giveUpAt: new Date(at.getTime() + 86_400_000),
    })
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await t?.close()
  })

  /** No axe violation of any level; screenshot, copied into docs/images when asked. */
  async function check(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle')
    expect(await accessibilityViolations(page)).toEqual([])
    const path = await screenshot(page, `staff-i18-person-${name}`)
    if (process.env.UPDATE_GUIDE_SCREENSHOTS === '1') {
      mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true })
      copyFileSync(path, join(repoRoot, 'docs', 'images', `staff-i18-person-${name}.png`))
    }
  }

  it('when staff type a name without its umlaut into the search box, then they find the person and open their page by keyboard, with the actions that fit', async () => {
    const page = await (await newContext(browser)).newPage()
    await page.goto(`${server.url}/login`)
    await page.fill('#username', 'staff-jc')
    await page.fill('#password', testPassword)
    await page.click('button[type=submit]')
    await page.waitForURL(`${server.url}/staff`)

    await page.fill('#nav-person-q', 'ozdemir')
    await page.press('#nav-person-q', 'Enter')
    await page.waitForURL(`${server.url}/staff/people`)
    // The name was posted, not put into the address.
    expect(page.url()).not.toContain('ozdemir')
    expect(await page.textContent('[data-people-results]')).toContain('Özdemir, Mira')
    expect(await page.textContent('[data-people-results]')).toContain('03.11.2007')
    await check(page, 'search')

    await page.focus('[data-people-results] a')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/staff\/people\/psn_[0-9a-f]{32}$/)
    expect(page.url()).not.toContain('Mira')
    const consent = page.locator(`[data-person-consent="${consentId}"]`)
    expect(await consent.locator('[data-consent-status]').textContent()).toContain('Gültig')
    expect(await consent.textContent()).toMatch(/02\.03\.2026\s+–\s+20\.03\.2026/)
    expect(await consent.locator('[data-ending-soon]').textContent()).toContain('endet bald')
    for (const action of ['Öffnen', 'Senden', 'Verlängern / erneuern', 'Drucken'])
      expect(await consent.locator('.person-actions').textContent()).toContain(action)
    expect(await page.textContent('[data-person-transfers]')).toContain('Jugendamt')
    await consent.locator('summary').click()
    await check(page, 'page')

    await page.click('text=Neue Einwilligung für diese Person vorbereiten')
    await page.waitForURL(/\/staff\/consents\/new\?person=psn_/)
    expect(await page.inputValue('[name="familyName"]')).toBe('Özdemir')
    expect(await page.inputValue('[name="caseRef"]')).toBe('JC-4711/26')
  })
})
