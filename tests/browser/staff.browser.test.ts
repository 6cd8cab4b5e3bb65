import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoPki } from '../../crypto/demo-pki.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { writeDemoPki } from '../../gateway/crypto/demo-pki-files.ts'
import { demoAgencies } from '../../gateway/demo-setup.ts'
import { runDeliveryRound, type DeliveryContext } from '../../gateway/relay/delivery-worker.ts'
import { newRevocationSweep } from '../../gateway/relay/revocation-notice.ts'
import { relaySettingsOf } from '../../gateway/relay/relay-settings.ts'
import { createSmtpMailer } from '../../gateway/relay/smtp-mailer.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import {
  chromiumAvailable,
  launchBrowser,
  newContext,
  screenshot,
  accessibilityViolations,
} from '../support/browser.ts'
import { repoRoot } from '../support/cli.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { drawSignature, signInKiosk } from './kiosk-support.ts'
import { signAtKioskOverApi } from '../support/consents.ts'
import { formatBerlinTime } from '../../templates/pages/view-models/format-berlin-time.ts'

/** A string that may appear only inside the encrypted message. */
const marker = 'KORMORAN-4410-Ausbildungswunsch'

/** The values of the options a locator finds. */
async function optionValues(options: Locator): Promise<(string | null)[]> {
  return Promise.all((await options.all()).map((o) => o.getAttribute('value')))
}

describe.runIf(chromiumAvailable)('staff workplace in Chromium (1366×768)', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser
  let pkiDir: string
  let smtp: SmtpCapture
  let delivery: DeliveryContext

  beforeAll(async () => {
    // The demo PKI exactly as `brucke pki demo --out DIR` writes it, issued at the test clock.
    pkiDir = mkdtempSync(join(tmpdir(), 'brucke-staff-demo-pki-'))
    smtp = await startSmtpCapture()
    t = await createTestDeps('sqlite', { config: { relayPkiDir: pkiDir } })
    writeDemoPki(pkiDir, (await createDemoPki({ at: t.clock.now(), agencies: demoAgencies })).files)
    await seedAccounts(t.deps)
    server = await startTestServer(t.deps)
    delivery = {
      deps: t.deps,
      mailer: createSmtpMailer(smtp.url),
      settings: relaySettingsOf(t.deps.config),
      workerId: 'browser-test-worker',
      revocationSweep: newRevocationSweep(),
      random: () => 0.5,
    }
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    delivery?.mailer.close()
    await browser?.close()
    await server?.close()
    await smtp?.close()
    await t?.close()
  })

  async function signInStaff(page: Page): Promise<void> {
    await page.goto(`${server.url}/login`)
    await page.fill('#username', 'staff-jc')
    await page.fill('#password', testPassword)
    await page.click('button[type=submit]')
    await page.waitForURL(`${server.url}/staff`)
  }

  /**
   * Screenshot for the test run. With UPDATE_GUIDE_SCREENSHOTS=1 the run also refreshes the
   * guide's copies under docs/images (a normal run leaves tracked files alone).
   */
  async function check(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle')
    expect(await accessibilityViolations(page)).toEqual([])
    const path = await screenshot(page, `staff-${name}`)
    if (process.env.UPDATE_GUIDE_SCREENSHOTS === '1') {
      mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true })
      copyFileSync(path, join(repoRoot, 'docs', 'images', `staff-${name}.png`))
    }
  }

  async function drain(): Promise<void> {
    while ((await runDeliveryRound(delivery)) > 0) {
      /* until nothing is due */
    }
  }

  it('prepares a consent, has it signed at the kiosk, names what is missing in the dry run, sends, and the delivered mail decrypts with openssl', async () => {
    const staffContext = await newContext(browser)
    const page = await staffContext.newPage()
    await signInStaff(page)
    await check(page, 'overview')

    await page.click('text=Einwilligung vorbereiten >> nth=0')
    await page.waitForURL(`${server.url}/staff/consents/new`)
    await page.fill('#givenName', 'Leonie')
    await page.fill('#familyName', 'Quastenberg')
    await page.fill('#birthDate', '2005-06-10')
    await page.check('#recipients-ja-demo')
    await page.check('#purpose-hilfeplanung')
    await page.check('#cat-schule')
    await page.check('#cat-berufswahl')
    await page.fill('#validUntil', '2026-08-31')
    await check(page, 'prepare')
    await page.click('text=Entwurf anlegen')
    await page.waitForURL(/\/staff\/consents\/[\w-]+$/)
    expect(page.url()).not.toContain('Quastenberg')
    const consentId = page.url().split('/').pop() as string
    const code = ((await page.textContent('.pickup-code')) ?? '').trim()
    expect(code.length).toBeGreaterThanOrEqual(4)
    await check(page, 'consent-draft')
    await page.click('text=Formular zum Drucken öffnen')
    await page.waitForURL(`${server.url}/staff/consents/${consentId}/print`)
    expect(await page.textContent('.consent-text')).toContain('§ 67b SGB X')
    await check(page, 'print')
    await page.goto(`${server.url}/staff/consents/${consentId}`)

    // The young person signs on the kiosk (the «Kiosk» issue's pages) with the pickup code.
    const kioskContext = await newContext(browser, { width: 1024, height: 768 })
    const kiosk = await kioskContext.newPage()
    await signInKiosk(kiosk, server)
    await kiosk.fill('#code', code.toLowerCase())
    await kiosk.click('text=Öffnen')
    await kiosk.waitForURL(`${server.url}/kiosk/read`)
    await kiosk.click('button.agree')
    await kiosk.waitForURL(`${server.url}/kiosk/choose`)
    await kiosk.click('button.agree')
    await kiosk.waitForURL(`${server.url}/kiosk/sign`)
    await drawSignature(kiosk)
    await kiosk.fill('#signer-name', 'Leonie Quastenberg')
    await kiosk.click('button.agree')
    await kiosk.waitForURL(`${server.url}/kiosk/receipt`)
    await kioskContext.close()

    await page.reload()
    expect(await page.getAttribute('.badge', 'class')).toContain('status-active')
    await check(page, 'consent-active')

    await page.click('text=Zusammenfassung verfassen')
    await page.waitForURL(`${server.url}/staff/compose/${consentId}`)
    // Before the statement of necessity the check is red, in German, and sending is disabled.
    await page.waitForSelector('[data-dry-run] [data-reason="necessity_missing"]')
    expect(await page.isDisabled('[data-send]')).toBe(true)
    await check(page, 'dry-run-denied')
    await page.fill(
      '#necessity',
      'Abstimmung des Kooperationsplans mit dem Hilfeplan vor dem Termin.',
    )
    const bodies = page.locator('[data-section-body]')
    await bodies.nth(0).fill(`Regelmäßiger Schulbesuch seit Januar. ${marker}`)
    await bodies.nth(1).fill('Praktikum im Einzelhandel geplant.')
    await page.waitForSelector('[data-decision="permit"]')

    // The composer offers only the categories the consent covers (issue 18 point 3); a section
    // added and removed again leaves the check green.
    await page.click('text=Abschnitt hinzufügen')
    const added = page.locator('[data-section]').nth(2)
    expect(await optionValues(added.locator('[data-section-category] option'))).toEqual([
      'schule',
      'berufswahl',
    ])
    await added.locator('[data-remove-section]').click()
    await page.waitForSelector('[data-decision="permit"]')
    expect(await page.locator('[data-section]').count()).toBe(2)
    await check(page, 'composer')

    // A file that only claims to be a PDF: the send is refused and the page says why, in German.
    await page.setInputFiles('[data-pdf-file]', {
      name: 'zeugnis.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('kein PDF, nur Text'),
    })
    await page.selectOption('[data-pdf-category]', 'schule')
    await page.waitForSelector('[data-decision="permit"]')
    await page.click('[data-send]')
    await page.waitForSelector('[data-send-result] .error')
    expect(await page.textContent('[data-send-result]')).toContain(
      'Die angehängte Datei ist kein PDF',
    )

    // An optional PDF attachment, tagged with a covered category.
    await page.setInputFiles('[data-pdf-file]', {
      name: 'zeugnis.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
    })
    await page.selectOption('[data-pdf-category]', 'schule')
    await page.waitForSelector('[data-decision="permit"]')
    // The answer is lost after the gateway committed (the connection breaks): the page says
    // so, and sending again gets that transfer back (same Idempotency-Key), not a second one.
    let lost = false
    await page.route('**/api/v1/transfers', async (route) => {
      if (lost || route.request().method() !== 'POST') return route.continue()
      lost = true
      await route.fetch()
      await route.abort('connectionreset')
    })
    await page.click('[data-send]')
    await page
      .locator('[data-send-result] .error', { hasText: 'Keine Antwort vom Server' })
      .waitFor()
    await page.unroute('**/api/v1/transfers')
    await page.click('[data-send]')
    await page.waitForURL(/\/staff\/transfers\/[\w-]+$/)
    const transferId = page.url().split('/').pop() as string
    const sentUnderConsent = await t.deps.db
      .selectFrom('transfers')
      .select('id')
      .where('consent_id', '=', consentId)
      .execute()
    expect(sentUnderConsent.map((r) => r.id)).toEqual([transferId])
    await page.waitForSelector('[data-transfer-status][data-status="queued"]')
    await drain()
    await page.waitForSelector('[data-transfer-status][data-status="delivered"]', {
      timeout: 10_000,
    })
    expect(await page.textContent('[data-detail]')).toMatch(/250/)
    await check(page, 'transfer-delivered')

    // The captured mail: no personal data outside, and openssl opens it with the recipient key.
    const message = smtp.messages.find((m) => m.raw.toString('latin1').includes(transferId))
    expect(message).toBeDefined()
    const outer = message!.raw.toString('latin1')
    expect(outer).not.toContain(marker)
    expect(outer).not.toContain('Quastenberg')
    const signed = execFileSync(
      'openssl',
      [
        'cms',
        '-decrypt',
        '-inform',
        'SMIME',
        '-recip',
        join(pkiDir, 'ja-demo.cert.pem'),
        '-inkey',
        join(pkiDir, 'ja-demo.key.pem'),
      ],
      { input: message!.raw, stdio: ['pipe', 'pipe', 'pipe'] },
    )
    const inner = execFileSync(
      'openssl',
      ['cms', '-verify', '-inform', 'SMIME', '-CAfile', join(pkiDir, 'ca.pem'), '-purpose', 'any'],
      { input: signed, stdio: ['pipe', 'pipe', 'pipe'] },
    ).toString('utf8')
    const decoded = [
      inner,
      ...[...inner.matchAll(/\r?\n\r?\n([A-Za-z0-9+/=\r\n]{40,})/g)].map((m) =>
        Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64').toString('utf8'),
      ),
    ].join('\n')
    expect(decoded).toContain(marker)
    expect(inner).toMatch(/filename="?zeugnis\.pdf/)

    await page.goto(`${server.url}/staff`)
    await page.waitForSelector('[data-transfer-rows] [data-status="delivered"]')
    expect(await page.textContent('[data-transfer-rows]')).toContain('Hilfeplanung')
    await check(page, 'overview-transfers')
    await staffContext.close()
  }, 120_000)

  const tokenFor = async (userId: string, role: 'staff' | 'kiosk') =>
    (
      await issueToken({
        key: t.deps.config.secrets.tokenKey,
        userId,
        role,
        agencyId: 'jc-demo',
        now: t.clock.now(),
        ttlMinutes: 60,
      })
    ).token

  /** An active consent (signed through the kiosk REST route) and a transfer queued on it. */
  async function queuedTransfer(): Promise<{ consentId: string; transferId: string }> {
    const draft = await server.api('POST', '/consents', {
      token: await tokenFor('staff-jc', 'staff'),
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Emre', familyName: 'Tannhäuser', birthDate: '2004-11-03' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil: '2026-06-30',
      },
    })
    const { id: consentId, kioskCode } = draft.body as { id: string; kioskCode: string }
    const signed = await signAtKioskOverApi(server, {
      kioskToken: await tokenFor('kiosk-jc', 'kiosk'),
      kioskCode,
      consentId,
      signature: { role: 'youth', name: 'Emre Tannhäuser' },
    })
    expect(signed.status).toBe(200)
    const sent = await server.api('POST', '/transfers', {
      token: await tokenFor('staff-jc', 'staff'),
      body: {
        consentId,
        to: 'ja-demo',
        purpose: 'hilfeplanung',
        necessity: 'Abstimmung vor dem gemeinsamen Hilfeplangespräch.',
        sections: [{ category: 'schule', title: 'Schule', body: 'Besucht die Berufsschule.' }],
      },
    })
    expect(sent.status).toBe(202)
    return { consentId, transferId: (sent.body as { id: string }).id }
  }

  it('when the mail server refuses for now and then for good, then the page shows the next attempt and then the SMTP reply', async () => {
    const { transferId } = await queuedTransfer()
    // A browser set to another zone still shows Berlin time (issue 18 point 6).
    const context = await browser.newContext({
      viewport: { width: 1366, height: 768 },
      locale: 'de-DE',
      timezoneId: 'America/New_York',
    })
    const page = await context.newPage()
    await signInStaff(page)
    smtp.mode = 'tempfail'
    await drain()
    await page.goto(`${server.url}/staff/transfers/${transferId}`)
    await page.waitForSelector('[data-transfer-status][data-status="retrying"]')
    expect(await page.textContent('[data-detail]')).toContain('Nächster Versuch:')
    const view = await server.api('GET', `/transfers/${transferId}`, {
      token: await tokenFor('staff-jc', 'staff'),
    })
    const next = (view.body as { nextAttemptAt: string }).nextAttemptAt
    expect(await page.textContent('[data-detail]')).toContain(
      `Nächster Versuch: ${formatBerlinTime(next)}`,
    )
    expect(await page.textContent('[data-detail]')).toMatch(/451/)
    await check(page, 'transfer-retrying')
    smtp.mode = 'permfail'
    // Past the next attempt time; the idle session has then expired, so sign in again.
    t.clock.advance(3600_000)
    await drain()
    await signInStaff(page)
    await page.goto(`${server.url}/staff/transfers/${transferId}`)
    await page.waitForSelector('[data-transfer-status][data-status="failed"]')
    expect(await page.textContent('[data-detail]')).toMatch(/554/)
    await check(page, 'transfer-failed')
    smtp.mode = 'accept'
    await context.close()
  }, 60_000)

  it('when the person revokes through staff, then a queued transfer is cancelled and the page says so', async () => {
    const { consentId, transferId } = await queuedTransfer()
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInStaff(page)
    await page.goto(`${server.url}/staff/transfers/${transferId}`)
    await page.waitForSelector('[data-transfer-status][data-status="queued"]')
    await page.goto(`${server.url}/staff/consents/${consentId}`)
    await page.fill('#revoke-reason', 'Hat am Telefon widerrufen')
    await check(page, 'revoke')
    await page.click('text=Widerruf erfassen')
    await page.waitForSelector('.badge.status-revoked')
    await drain()
    await page.goto(`${server.url}/staff/transfers/${transferId}`)
    await page.waitForSelector('[data-transfer-status][data-status="cancelled_revoked"]')
    expect(await page.textContent('[data-state]')).toContain('Einwilligung deckt es nicht mehr')
    await check(page, 'transfer-cancelled')
    expect(smtp.messages.some((m) => m.raw.toString('latin1').includes(transferId))).toBe(false)
    await context.close()
  }, 60_000)
})
