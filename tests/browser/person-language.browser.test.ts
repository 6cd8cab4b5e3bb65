import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeCheckpoint } from '../../gateway/audit/write-checkpoint.ts'
import { stringsFor, type PersonLanguage } from '../../templates/pages/i18n/person-language.ts'
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
import { createDraft, drawSignature, signInKiosk } from './kiosk-support.ts'
import {
  germanLeftovers,
  htmlLangAndDir,
  rawCodes,
  scrollWidth,
} from './person-language-support.ts'

const tablet = { width: 1024, height: 768 }
const phone = { width: 390, height: 844 }

/** What each walk expects of its language. */
const walks: { language: PersonLanguage; lang: string; dir: 'rtl' | 'ltr'; name: string }[] = [
  { language: 'ar', lang: 'ar', dir: 'rtl', name: 'Arabic' },
  { language: 'de-ls', lang: 'de', dir: 'ltr', name: 'Leichte Sprache' },
]

describe.runIf(chromiumAvailable)('one language from start to finish, in Chromium', () => {
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

  /** Every person page: language and direction on <html>, no German leftovers, accessible. */
  const checkPage = async (
    page: Page,
    walk: (typeof walks)[number],
    name: string,
    /** German legal names a page pairs with their translation on purpose (the receipt's kind). */
    legalTerms: readonly string[] = [],
  ) => {
    await page.waitForLoadState()
    expect(await htmlLangAndDir(page), name).toEqual({ lang: walk.lang, dir: walk.dir })
    expect(
      (await germanLeftovers(page, walk.language)).filter((p) => !legalTerms.includes(p)),
      name,
    ).toEqual([])
    expect(await rawCodes(page), name).toEqual([])
    expect(await accessibilityViolations(page), name).toEqual([])
    await screenshot(page, `person-${walk.language}-${name}`)
  }

  const transfer = (consentId: string, categories: string[]) =>
    server.api('POST', '/transfers', {
      token: tokens['staff-jc'] as string,
      body: {
        consentId,
        to: 'ja-demo',
        purpose: 'hilfeplanung',
        necessity: 'Abstimmung des Hilfeplans mit dem Kooperationsplan.',
        sections: categories.map((category) => ({ category, title: 'Abschnitt', body: 'Text' })),
      },
    })

  for (const walk of walks)
    it(`when the person picks ${walk.name} on the kiosk, then the kiosk, the receipt, its PDF, the done page and /me (sign-in, overview, export, revoke) stay in ${walk.name}`, async () => {
      const s = stringsFor(walk.language)
      const draft = await createDraft(server, tokens['staff-jc'] as string)
      const kiosk = await newContext(browser, tablet)
      const page = await kiosk.newPage()
      await signInKiosk(page, server)

      // Start: the language is picked before the code is typed, and carried into the flow.
      await page.click(`button[name=lang][value=${walk.language}]`)
      await page.waitForURL(`${server.url}/kiosk?lang=${walk.language}`)
      expect(await page.textContent('h1')).toBe(s.welcome)
      await checkPage(page, walk, 'start')
      await page.fill('#code', draft.kioskCode)
      await page.click(`text=${s.open}`)
      await page.waitForURL(`${server.url}/kiosk/read`)
      expect(await page.textContent('h1')).toBe(s.read)
      expect(await page.textContent('.binding-note')).toBe(s.bindingNote)
      await checkPage(page, walk, 'read')

      await page.click('button.agree')
      await page.waitForURL(`${server.url}/kiosk/choose`)
      expect(await page.textContent('h1')).toBe(s.choose)
      await checkPage(page, walk, 'choose')
      await page.click('button.agree')
      await page.waitForURL(`${server.url}/kiosk/sign`)
      expect(await page.textContent('h1')).toContain(s.roleYouth)
      expect(await page.textContent('body')).toContain(s.signingMethodLegend)
      await checkPage(page, walk, 'sign')
      // An empty pad is refused in the person's language.
      await page.fill('#signer-name', 'Leonie Quastenberg')
      await page.click('button.agree')
      expect(await page.getByRole('alert').first().textContent()).toContain(s.signingErrorDrawing)
      await checkPage(page, walk, 'sign-error')
      await drawSignature(page)
      await page.fill('#signer-name', 'Leonie Quastenberg')
      await page.click('button.agree')
      await page.waitForURL(`${server.url}/kiosk/receipt`)

      expect(await page.textContent('h1')).toBe(s.receiptTitleEinwilligung)
      const code = (await page.textContent('.receipt-code'))?.trim() ?? ''
      expect(code).toMatch(/^[A-Z3-9]{4}-[A-Z3-9]{4}-[A-Z3-9]{4}$/)
      expect(await page.textContent('.receipt-signatures')).toContain(s.receiptRoleYouth)
      const receiptText = (await page.textContent('.receipt')) ?? ''
      for (const words of [
        s.receiptKindEinwilligung,
        s.receiptRevokeHeading,
        s.receiptStatusActive,
      ])
        expect(receiptText).toContain(words)
      // Names and dates keep their own direction inside the person's text.
      expect(
        await page.locator('.receipt-signature bdi', { hasText: 'Leonie Quastenberg' }).count(),
      ).toBe(1)
      // The kind keeps its German legal name beside the translation, in every language.
      await checkPage(page, walk, 'receipt', ['Einwilligung (§ 67b SGB X)', 'Einwilligung'])
      // The shared tablet offers no file; the sealed PDF is the person's at /me.
      expect((await page.request.get(`${server.url}/kiosk/receipt.pdf`)).status()).toBe(404)

      await page.click('form[action="/kiosk/finish"] button')
      await page.waitForURL(`${server.url}/kiosk/done?lang=${walk.language}`)
      expect(await page.textContent('h1')).toBe(s.doneThanks)
      await checkPage(page, walk, 'done')
      await kiosk.close()

      // Something to see on /me: one transfer, one refused attempt, proofs checkpointed.
      expect((await transfer(draft.id, ['berufswahl'])).status).toBe(202)
      expect((await transfer(draft.id, ['gesundheit'])).status).toBe(403)
      await writeCheckpoint(t.deps)

      const mobile = await newContext(browser, phone)
      const me = await mobile.newPage()
      // The receipt's QR code leads here: /me in the person's language, the code in the fragment.
      await me.goto(`${server.url}/me?lang=${walk.language}#${code}`)
      expect(await me.inputValue('#receipt-code')).toBe(code)
      expect(await me.textContent('h1')).toBe(s.meTitle)
      expect(await scrollWidth(me)).toBeLessThanOrEqual(phone.width)
      await checkPage(me, walk, 'me-entry')
      // A wrong birth date is refused in the person's language.
      await me.fill('#birth-date', '2001-01-01')
      await me.click('button[type=submit].big')
      expect(await me.getByRole('alert').textContent()).toBe(s.errorCodeOrBirthDate)
      await checkPage(me, walk, 'me-entry-error')
      await me.fill('#receipt-code', code)
      await me.fill('#birth-date', '2005-06-10')
      await me.click('button[type=submit].big')
      await me.waitForURL(`${server.url}/me/consents`)
      expect(await me.textContent('.consent-card')).toContain(s.statusActive)
      expect(await me.textContent('.transfer-list')).toContain(s.transferQueued)
      expect(await scrollWidth(me)).toBeLessThanOrEqual(phone.width)
      await checkPage(me, walk, 'me-overview')

      const json = await me.request.get(`${server.url}/me/export.json`)
      expect(json.headers()['content-disposition']).toMatch(
        /^attachment; filename="auskunft-.*\.json"$/,
      )
      const exported = JSON.parse(await json.text()) as {
        language: string
        person: { givenName: string; birthDate: string }
        consents: {
          status: { id: string; label: string }
          text: { body: string; language: string }
          transfers: { status: { id: string; label: string } }[]
          refusedAttempts: { reasons: { id: string; label: string }[] }[]
          history: { event: { id: string; label: string }; by: { label: string } }[]
        }[]
      }
      expect(exported.language).toBe(walk.language)
      expect(exported.person).toMatchObject({ givenName: 'Leonie', birthDate: '2005-06-10' })
      const [consent] = exported.consents
      expect(consent?.status).toEqual({ id: 'active', label: s.statusActive })
      expect(consent?.text.language).toBe(walk.language)
      expect(consent?.transfers.map((tr) => tr.status)).toEqual([
        { id: 'queued', label: s.transferQueued },
      ])
      expect(consent?.refusedAttempts[0]?.reasons).toContainEqual({
        id: 'category_not_covered:gesundheit',
        label: s.reasonNotCovered,
      })
      expect(consent?.history.map((h) => h.event.label)).toEqual(
        expect.arrayContaining([s.eventConsentSigned, s.eventTransferDenied, s.eventReceiptIssued]),
      )
      const exportPdf = await me.request.get(`${server.url}/me/export.pdf`)
      expect(exportPdf.headers()['content-type']).toContain('application/pdf')
      expect(exportPdf.headers()['content-disposition']).toMatch(/^attachment; filename=/)
      expect((await exportPdf.body()).toString('latin1')).toContain(`/Lang (${walk.lang})`)

      await me.click('.consent-card button.decline')
      expect(await me.textContent('h1')).toBe(s.confirmRevokeHeading)
      expect(await scrollWidth(me)).toBeLessThanOrEqual(phone.width)
      await checkPage(me, walk, 'me-confirm-revoke')
      await me.click(`text=${s.confirmRevokeYes}`)
      await me.waitForURL(`${server.url}/me/consents?done=revoked`)
      expect(await me.getByRole('status').textContent()).toBe(s.revokedNotice)
      expect(await me.textContent('.consent-card')).toContain(s.statusRevoked)
      expect(await scrollWidth(me)).toBeLessThanOrEqual(phone.width)
      await checkPage(me, walk, 'me-revoked')
      await mobile.close()
    }, 120_000)

  it('when the person revokes at the kiosk in Arabic, then the form and its refusal are Arabic, right to left', async () => {
    const walk = walks[0] as (typeof walks)[number]
    const s = stringsFor('ar')
    const kiosk = await newContext(browser, tablet)
    const page = await kiosk.newPage()
    await signInKiosk(page, server)
    await page.click('button[name=lang][value=ar]')
    await page.click(`a:has-text("${s.revoke}")`)
    await page.waitForURL(`${server.url}/kiosk/revoke?lang=ar`)
    expect(await page.textContent('h1')).toBe(s.revokeHeading)
    await checkPage(page, walk, 'kiosk-revoke')
    await page.fill('#receipt-code', 'ACDE-FGHJ-KMNP')
    await page.fill('#birth-date', '2001-01-01')
    await page.check('#confirm')
    await page.click('button.decline')
    expect(await page.getByRole('alert').textContent()).toBe(s.errorCodeOrBirthDate)
    await checkPage(page, walk, 'kiosk-revoke-error')
    await kiosk.close()
  })
})
