import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import {
  chromiumAvailable,
  launchBrowser,
  newContext,
  screenshot,
  accessibilityViolations,
} from '../support/browser.ts'
import { sessionFor } from '../support/browser-session.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { paperScan } from '../support/signature-evidence.ts'

describe.runIf(chromiumAvailable)('staff requests inbox in Chromium (1366×768)', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser
  let consentId: string

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    await seedAccounts(t.deps)
    server = await startTestServer(t.deps)
    // The Jugendamt holds an active consent (signed on paper) to send school data to the Agentur.
    const ja = await sessionFor(t.deps, 'staff-ja')
    const post = (path: string, fields: [string, string][]) =>
      fetch(server.url + path, {
        method: 'POST',
        headers: { cookie: ja.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([['_csrf', ja.csrfToken], ...fields]).toString(),
        redirect: 'manual',
      })
    const prepared = await post('/staff/consents', [
      ['givenName', 'Leonie'],
      ['familyName', 'Quastenberg'],
      ['birthDate', '2005-06-10'],
      ['senders', 'ja-demo'],
      ['recipients', 'aa-demo'],
      ['purposes', 'hilfeplanung'],
      ['categories', 'schule'],
      ['categories', 'berufswahl'],
      ['validUntil', '2026-05-31'],
    ])
    expect(prepared.status).toBe(303)
    consentId = (prepared.headers.get('location') ?? '').split('/').pop() as string
    const signed = await post(`/staff/consents/${consentId}/paper-signature`, [
      ['role', 'youth'],
      ['name', 'Leonie Quastenberg'],
      ['scan', paperScan()],
    ])
    expect(signed.status).toBe(303)
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await t?.close()
  })

  async function signIn(page: Page, user: string): Promise<void> {
    await page.goto(`${server.url}/login`)
    await page.fill('#username', user)
    await page.fill('#password', testPassword)
    await page.click('button[type=submit]')
    await page.waitForURL(`${server.url}/staff`)
  }

  async function check(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, `staff-${name}`)
  }

  it('when the Agentur asks for more than the consent covers, then the form says why and keeps the choice; asked again for what it covers, the Jugendamt answers from its inbox', async () => {
    const aa = await (await newContext(browser)).newPage()
    await signIn(aa, 'staff-aa')
    await aa.click('nav >> text=Anfragen')
    await aa.waitForURL(`${server.url}/staff/requests`)
    await aa.click('text=Daten bei einer Partnerstelle anfragen')
    await aa.waitForURL(`${server.url}/staff/requests/new`)
    await aa.selectOption('#consent', consentId)
    await aa.selectOption('#from', 'ja-demo')
    await aa.selectOption('#purpose', 'hilfeplanung')
    await aa.check('#cat-schule')
    await aa.check('#cat-sucht')
    await check(aa, 'request-new')
    await aa.click('text=Anfrage senden')
    // «sucht» is not covered by the consent: the request is refused before anything is stored.
    await aa.waitForSelector('[role="alert"]')
    expect(await aa.textContent('[role="alert"]')).toContain(
      'Die Einwilligung deckt die Kategorien „Suchtmittel“ nicht',
    )
    expect(await aa.inputValue('#consent')).toBe(consentId)
    expect(await aa.inputValue('#from')).toBe('ja-demo')
    expect(await aa.isChecked('#cat-schule')).toBe(true)
    expect(await aa.isChecked('#cat-sucht')).toBe(true)
    await check(aa, 'request-refused')
    await aa.uncheck('#cat-sucht')
    await aa.click('text=Anfrage senden')
    await aa.waitForURL(`${server.url}/staff/requests`)
    expect(await aa.textContent('[data-requests="outgoing"]')).toContain('offen')

    const ja = await (await newContext(browser)).newPage()
    await signIn(ja, 'staff-ja')
    expect(await ja.textContent('[data-open-requests]')).toMatch(/1\s+offen/)
    await ja.click('nav >> text=Anfragen')
    await ja.waitForURL(`${server.url}/staff/requests`)
    expect(await ja.textContent('[data-requests="incoming"] [data-consent-covers]')).toContain(
      'Einwilligung deckt die Anfrage',
    )
    await check(ja, 'requests')
    await ja.click('[data-requests="incoming"] >> text=Antworten')
    await ja.waitForURL(/\/staff\/requests\/req_[\w-]+\/answer$/)
    expect(ja.url()).not.toContain('Quastenberg')
    expect(await ja.inputValue('#to')).toBe('aa-demo')
    const selects = ja.locator('[data-sections] [data-section-category]')
    const categories: string[] = []
    for (let i = 0; i < (await selects.count()); i++)
      categories.push(await selects.nth(i).inputValue())
    expect(categories).toEqual(['schule'])
    // The live dry run finds every requested category covered.
    await ja.waitForSelector('[data-dry-run] [data-decision]')
    expect(await ja.locator('[data-reason^="category_not_covered"]').count()).toBe(0)
    await check(ja, 'request-answer')
  })
})
