import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCheckpoint } from '../../gateway/audit/write-checkpoint.ts'
import { seedAccounts } from '../support/accounts.ts'
import {
  chromiumAvailable,
  launchBrowser,
  newContext,
  screenshot,
  accessibilityViolations,
} from '../support/browser.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createRelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { createDraft, signInKiosk, signOnKiosk, trackWeight } from './kiosk-support.ts'

const tablet = { width: 1024, height: 768 }

describe.runIf(chromiumAvailable)('self-service page in Chromium (tablet 1024×768)', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser
  let tokens: Record<string, string>

  beforeAll(async () => {
    const relayPki = await createRelayPki()
    t = await createTestDeps('sqlite', { config: { relayPkiDir: relayPki.dir } })
    ;({ tokens } = await seedAccounts(t.deps))
    server = await startTestServer(t.deps)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await t?.close()
  })

  const transfer = (consentId: string) =>
    server.api('POST', '/transfers', {
      token: tokens['staff-jc'] as string,
      body: {
        consentId,
        to: 'ja-demo',
        purpose: 'hilfeplanung',
        necessity: 'Abstimmung des Hilfeplans mit dem Kooperationsplan.',
        sections: [
          { category: 'berufswahl', title: 'Berufswunsch', body: 'Ausbildung im Handwerk' },
        ],
      },
    })

  it('shows the transfers with verified audit proofs, revokes with one tap and a confirmation, and a later transfer is denied', async () => {
    const draft = await createDraft(server, tokens['staff-jc'] as string)
    const kiosk = await newContext(browser, tablet)
    const kioskPage = await kiosk.newPage()
    await signInKiosk(kioskPage, server)
    const code = await signOnKiosk(kioskPage, server, draft.kioskCode)
    await kioskPage.click('text=Fertig')
    await kiosk.close()

    const sent = await transfer(draft.id)
    expect(sent.status, JSON.stringify(sent.body)).toBe(202)
    const checkpoint = await writeCheckpoint(t.deps)
    expect(checkpoint).toBeTruthy()

    const phone = await newContext(browser, tablet)
    const page = await phone.newPage()
    const weight = trackWeight(page)
    // The QR code's link carries the code in the fragment; the page fills it in and drops it.
    await page.goto(`${server.url}/me#${code}`)
    expect(await page.inputValue('#receipt-code')).toBe(code)
    expect(page.url()).toBe(`${server.url}/me`)
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'self-service-entry')
    await page.fill('#birth-date', '2005-06-10')
    await page.click('button[type=submit].big')
    await page.waitForURL(`${server.url}/me/consents`)
    await page.waitForLoadState('networkidle')
    console.log(`[self-service page weight] consents=${(weight.bytes() / 1024).toFixed(1)}KB`)
    expect(weight.bytes()).toBeLessThan(150 * 1024)
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'self-service-consents')
    const cookies = await phone.cookies()
    const me = cookies.find((c) => c.name === 'brucke_me')
    expect(me).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/me' })
    expect(cookies.find((c) => c.name === 'brucke_session')).toBeUndefined()

    const transfers = await page.textContent('.transfer-list')
    expect(transfers).toContain('Berufswahl')
    expect(transfers).toContain('wartet auf den Versand')
    expect(transfers).not.toContain('queued')
    expect(await page.locator('.status-active', { hasText: 'Nachweis geprüft' }).count()).toBe(1)
    const proof = await page.request.get(
      `${server.url}${await page.getAttribute('a.proof-link', 'href')}`,
    )
    expect(JSON.parse(await proof.text())).toMatchObject({
      format: 'brucke-audit-inclusion-proof/v1',
    })

    await page.click('button.decline')
    expect(await page.textContent('h1')).toContain('Wirklich widerrufen')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'self-service-confirm-revoke')
    await page.click('text=Ja, widerrufen')
    await page.waitForURL(`${server.url}/me/consents?done=revoked`)
    expect(await page.textContent('.consent-card')).toContain('widerrufen')
    await screenshot(page, 'self-service-revoked')

    const denied = await transfer(draft.id)
    expect(denied.status).toBe(403)
    expect(denied.body).toMatchObject({ error: { code: 'transfer_denied' } })
    expect(
      (denied.body as { error: { details: { reasons: string[] } } }).error.details.reasons,
    ).toContain('consent_revoked')
    const revocation = await t.deps.db
      .selectFrom('consent_revocations')
      .select(['channel', 'by'])
      .where('consent_id', '=', draft.id)
      .executeTakeFirstOrThrow()
    expect(revocation.channel).toBe('self_service')
    expect(revocation.by).toBe(`youth:${draft.subjectPseudonym}`)
    await phone.close()
  })

  it('refuses a wrong date of birth, and stops guessing after five tries on one code', async () => {
    const context = await newContext(browser, tablet)
    const page = await context.newPage()
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      await page.goto(`${server.url}/me`)
      await page.fill('#receipt-code', 'ACDE-FGHJ-KMNP')
      await page.fill('#birth-date', '2001-01-01')
      const [response] = await Promise.all([
        page.waitForResponse(
          (r) => r.url() === `${server.url}/me` && r.request().method() === 'POST',
        ),
        page.click('button[type=submit].big'),
      ])
      statuses.push(response.status())
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
    expect(statuses[5]).toBe(429)
    expect(await page.getByRole('alert').textContent()).toContain('Zu viele Versuche')
    await context.close()
  })
})
