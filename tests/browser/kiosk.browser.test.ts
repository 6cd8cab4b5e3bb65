import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { summarySha256Of } from '../../gateway/relay/transfer-service.ts'
import { seedAccounts } from '../support/accounts.ts'
import {
  chromiumAvailable,
  launchBrowser,
  newContext,
  screenshot,
  accessibilityViolations,
} from '../support/browser.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createRelayPki, registerRelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { reviewAllMajority } from '../../gateway/self-service/majority-review.ts'
import {
  createDraft,
  decisionFor,
  drawSignature,
  signInKiosk,
  signOnKiosk,
  trackWeight,
} from './kiosk-support.ts'

const tablet = { width: 1024, height: 768 }
const maxPageBytes = 150 * 1024

describe.runIf(chromiumAvailable)('signing kiosk in Chromium (tablet 1024×768)', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser
  let tokens: Record<string, string>
  const weights: Record<string, number> = {}

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    ;({ tokens } = await seedAccounts(t.deps))
    // The dry run checks both certificates as the transfer does (issue 16, point 8).
    await registerRelayPki(t.deps, await createRelayPki())
    server = await startTestServer(t.deps)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    console.log(
      `[kiosk page weight] ${Object.entries(weights)
        .map(([name, bytes]) => `${name}=${(bytes / 1024).toFixed(1)}KB`)
        .join(' ')}`,
    )
    await browser?.close()
    await server?.close()
    await t?.close()
  })

  it('takes an adult through read, choose, sign and receipt; a deselected category is then denied', async () => {
    const staff = tokens['staff-jc'] as string
    const draft = await createDraft(server, staff)
    const context = await newContext(browser, tablet)
    const page = await context.newPage()
    const weight = trackWeight(page)
    await signInKiosk(page, server)

    const step = async (name: string) => {
      await page.waitForLoadState('networkidle')
      weights[name] = weight.bytes()
      expect(weight.bytes()).toBeLessThan(maxPageBytes)
      expect(await accessibilityViolations(page)).toEqual([])
      await screenshot(page, `kiosk-adult-${name}`)
      weight.reset()
    }
    weight.reset()
    await page.goto(`${server.url}/kiosk`)
    await step('start')
    expect(await page.content()).not.toContain('Quastenberg')

    await page.fill('#code', draft.kioskCode.toLowerCase())
    await page.click('text=Öffnen')
    await page.waitForURL(`${server.url}/kiosk/read`)
    await step('read')
    expect(await page.textContent('#consent-text')).toContain('§ 67b SGB X')

    await page.click('button[name=language][value=en]')
    await page.waitForURL(`${server.url}/kiosk/read`)
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    expect(await page.textContent('.binding-note')).toContain('German text is legally binding')
    await step('read-en')

    await page.click('button.agree')
    await page.waitForURL(`${server.url}/kiosk/choose`)
    // Special categories are never preselected; ordinary ones are.
    expect(await page.isChecked('#category-gesundheit')).toBe(false)
    expect(await page.isChecked('#category-schule')).toBe(true)
    await step('choose')
    await page.uncheck('#category-schule')
    await page.click('button.agree')
    await page.waitForURL(`${server.url}/kiosk/sign`)
    await step('sign')

    await drawSignature(page)
    await page.fill('#signer-name', 'Leonie Quastenberg')
    await page.click('button.agree')
    await page.waitForURL(`${server.url}/kiosk/receipt`)
    await step('receipt')
    const code = (await page.textContent('.receipt-code'))?.trim() ?? ''
    expect(code).toMatch(/^[A-Z3-9]{4}-[A-Z3-9]{4}-[A-Z3-9]{4}$/)
    expect(await page.getAttribute('img.qr', 'src')).toMatch(/^data:image\/png;base64,/)

    // The shared tablet offers no file to download; the sealed PDF is the person's at /me.
    const pdf = await page.request.get(`${server.url}/kiosk/receipt.pdf`)
    expect(pdf.status()).toBe(404)

    // The person switched to English: the receipt and the thank-you follow.
    expect(await page.textContent('h1')).toBe('Receipt: consent (Einwilligung)')
    await page.click('text=Done')
    await page.waitForURL(`${server.url}/kiosk/done?lang=en`)
    expect(await page.textContent('h1')).toContain('Thank you')
    await page.goBack()
    await page.waitForLoadState()
    expect(await page.content()).not.toContain('Quastenberg')
    expect(await page.content()).not.toContain(code)

    // Deselected "schule" and the never-ticked "gesundheit" are denied; "berufswahl" passes.
    expect(await decisionFor(server, staff, draft.id, ['berufswahl'])).toMatchObject({
      decision: 'permit',
    })
    const denied = await decisionFor(server, staff, draft.id, ['berufswahl', 'schule'])
    expect(denied.decision).toBe('deny')
    expect(denied.reasons).toContain('category_not_covered:schule')
    const special = await decisionFor(server, staff, draft.id, ['gesundheit'])
    expect(special.reasons).toContain('category_not_covered:gesundheit')
    await context.close()
  }, 90_000)
  it('has a minor sign first, then the guardian on a step of their own; the receipt names both', async () => {
    const draft = await createDraft(server, tokens['staff-jc'] as string, {
      subject: { givenName: 'Emil', familyName: 'Zwirbelmann', birthDate: '2010-01-20' },
    })
    const context = await newContext(browser, tablet)
    const page = await context.newPage()
    await signInKiosk(page, server)
    await page.fill('#code', draft.kioskCode)
    await page.click('text=Öffnen')
    await page.waitForURL(`${server.url}/kiosk/read`)
    await page.click('button.agree')
    await page.click('button.agree')
    await page.waitForURL(`${server.url}/kiosk/sign`)
    expect(await page.textContent('h1')).toContain('Junge Person')
    await drawSignature(page)
    await page.fill('#signer-name', 'Emil Zwirbelmann')
    await page.click('button.agree')
    await page.waitForURL(`${server.url}/kiosk/sign`)
    expect(await page.textContent('h1')).toContain('Erziehungsberechtigte Person')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'kiosk-minor-guardian-sign')
    // An empty pad is refused, not signed.
    await page.fill('#signer-name', 'Petra Zwirbelmann')
    await page.click('button.agree')
    expect(await page.getByRole('alert').textContent()).toContain('unterschreiben')
    await drawSignature(page)
    await page.fill('#signer-name', 'Petra Zwirbelmann')
    await page.click('button.agree')
    await page.waitForURL(`${server.url}/kiosk/receipt`)
    const facts = await page.textContent('.receipt-signatures')
    expect(facts).toContain('Junge Person: Emil Zwirbelmann')
    expect(facts).toContain('Erziehungsberechtigte Person: Petra Zwirbelmann')
    await screenshot(page, 'kiosk-minor-receipt')
    const consent = await server.api('GET', `/consents/${draft.id}`, {
      token: tokens['staff-jc'] as string,
    })
    expect(consent.body).toMatchObject({ status: 'active' })
    await page.click('text=Fertig')
    await context.close()
  })

  it('when the person declines, then the kiosk wipes and only a declined entry is audited', async () => {
    const draft = await createDraft(server, tokens['staff-jc'] as string)
    const context = await newContext(browser, tablet)
    const page = await context.newPage()
    await signInKiosk(page, server)
    await page.fill('#code', draft.kioskCode)
    await page.click('text=Öffnen')
    await page.waitForURL(`${server.url}/kiosk/read`)
    // The reason is offered, never required; here the person gives one.
    await page.click('.decision-row details summary')
    await page.fill('.decision-row textarea[name=reason]', 'Ich frage erst meine Betreuerin.')
    await page.click('button.decline')
    await page.waitForURL(`${server.url}/kiosk/done`)
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'kiosk-declined')
    await page.goBack()
    await page.waitForLoadState()
    expect(page.url()).toBe(`${server.url}/kiosk`)
    expect(await page.content()).not.toContain('Quastenberg')
    const entries = await t.deps.db
      .selectFrom('audit_entries')
      .select(['type'])
      .where('consent_id', '=', draft.id)
      .orderBy('seq')
      .execute()
    expect(entries.map((e) => e.type)).toEqual(['consent_created', 'consent_declined'])
    const declined = await server.api('GET', `/consents/${draft.id}`, {
      token: tokens['staff-jc'] as string,
    })
    expect(declined.body).toMatchObject({
      status: 'declined',
      declineReason: 'Ich frage erst meine Betreuerin.',
      kioskCode: null,
    })
    const states = await t.deps.db.selectFrom('kiosk_states').selectAll().execute()
    expect(states).toEqual([])
    await context.close()
  })

  it('renders Arabic right to left and offers every language with a binding-German note', async () => {
    const draft = await createDraft(server, tokens['staff-jc'] as string)
    const context = await newContext(browser, tablet)
    const page = await context.newPage()
    await signInKiosk(page, server)
    await page.fill('#code', draft.kioskCode)
    await page.click('text=Öffnen')
    await page.waitForURL(`${server.url}/kiosk/read`)
    for (const lang of ['de-ls', 'tr', 'uk', 'ru', 'fa', 'ar']) {
      await page.click(`button[name=language][value=${lang}]`)
      await page.waitForURL(`${server.url}/kiosk/read`)
      expect(await page.getAttribute('html', 'lang')).toBe(lang === 'de-ls' ? 'de' : lang)
      expect((await page.textContent('.binding-note'))?.length).toBeGreaterThan(10)
      expect(await accessibilityViolations(page)).toEqual([])
    }
    expect(await page.getAttribute('html', 'dir')).toBe('rtl')
    // Runs in the page; typed loosely because the test project has no DOM lib.
    const direction = await page.$eval('#consent-text', (el) => {
      const view = globalThis as unknown as {
        getComputedStyle: (e: unknown) => { direction: string }
      }
      return view.getComputedStyle(el).direction
    })
    expect(direction).toBe('rtl')
    expect(await page.textContent('#consent-text')).toContain('موافقة')
    await screenshot(page, 'kiosk-read-ar')
    await page.click('button.agree')
    await page.waitForURL(`${server.url}/kiosk/choose`)
    expect(await page.getAttribute('html', 'dir')).toBe('rtl')
    await screenshot(page, 'kiosk-choose-ar')
    await page.click('button.decline')
    await page.waitForURL(`${server.url}/kiosk/done?lang=ar`)
    await context.close()
  }, 90_000)

  it('opens a draft staff pushed to this kiosk, and refuses a choice that leaves nothing', async () => {
    const draft = await createDraft(server, tokens['staff-jc'] as string)
    const pushed = await server.api('POST', '/kiosks/kiosk-jc/push', {
      token: tokens['staff-jc'] as string,
      body: { consentId: draft.id },
    })
    expect(pushed.status).toBe(200)
    const context = await newContext(browser, tablet)
    const page = await context.newPage()
    await signInKiosk(page, server)
    expect(await page.content()).not.toContain('Quastenberg')
    await page.click('text=Erklärung öffnen')
    await page.waitForURL(`${server.url}/kiosk/read`)
    await page.click('button.agree')
    await page.waitForURL(`${server.url}/kiosk/choose`)
    await page.uncheck('#category-schule')
    await page.uncheck('#category-berufswahl')
    await page.click('button.agree')
    expect(await page.getByRole('alert').textContent()).toContain('Mindestens')
    await screenshot(page, 'kiosk-choose-nothing-left')
    await page.click('button.decline')
    await page.waitForURL(`${server.url}/kiosk/done`)
    await context.close()
  })
  it('shows the exact case summary of a single-transfer consent before signing, and refuses another summary', async () => {
    const sections = [
      {
        category: 'berufswahl',
        title: 'Beratungsvermerk',
        body: 'Wunsch: Ausbildung zur Tischlerin.',
      },
    ]
    const staff = tokens['staff-jc'] as string
    const created = await server.api('POST', '/consents', {
      token: staff,
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['uebergabe'],
        categories: ['berufswahl'],
        validUntil: '2026-06-30',
        summarySha256: summarySha256Of(sections, []),
      },
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const id = (created.body as { id: string }).id
    const wrong = await server.api('POST', '/kiosks/kiosk-jc/push', {
      token: staff,
      body: { consentId: id, summary: { sections: [{ ...sections[0], body: 'Etwas anderes.' }] } },
    })
    expect(wrong.status).toBe(400)
    expect(wrong.body).toMatchObject({ error: { code: 'ERR_KIOSK_SUMMARY_MISMATCH' } })
    const pushed = await server.api('POST', '/kiosks/kiosk-jc/push', {
      token: staff,
      body: { consentId: id, summary: { sections } },
    })
    expect(pushed.status).toBe(200)
    const context = await newContext(browser, tablet)
    const page = await context.newPage()
    await signInKiosk(page, server)
    await page.click('text=Erklärung öffnen')
    await page.waitForURL(`${server.url}/kiosk/read`)
    await page.click('button.agree')
    await page.waitForURL(`${server.url}/kiosk/choose`)
    expect(await page.textContent('.summary')).toContain('Wunsch: Ausbildung zur Tischlerin.')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'kiosk-single-transfer-summary')
    await page.click('button.decline')
    await page.waitForURL(`${server.url}/kiosk/done`)
    await context.close()
  })
})

describe.runIf(chromiumAvailable)('kiosk idle wipe in Chromium', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps('sqlite', { config: { kioskIdleSeconds: 6 } })
    ;({ tokens } = await seedAccounts(t.deps))
    server = await startTestServer(t.deps)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await t?.close()
  })

  it('when nobody touches the kiosk, then it wipes and the back button shows nothing of the person', async () => {
    const draft = await createDraft(server, tokens['staff-jc'] as string)
    const context = await newContext(browser, tablet)
    const page = await context.newPage()
    await signInKiosk(page, server)
    await page.fill('#code', draft.kioskCode)
    await page.click('text=Öffnen')
    await page.waitForURL(`${server.url}/kiosk/read`)
    await page.click('button.agree')
    await page.waitForURL(`${server.url}/kiosk/choose`)
    expect(await page.content()).toContain('Jugendamt')
    // No input for longer than KIOSK_IDLE_SECONDS (6 s here, room for a slow machine to run
    // axe and take screenshots on the other pages): the page replaces itself.
    await page.waitForURL(`${server.url}/kiosk`, { timeout: 30_000 })
    await screenshot(page, 'kiosk-after-idle-wipe')
    expect(await t.deps.db.selectFrom('kiosk_states').selectAll().execute()).toEqual([])
    await page.goBack()
    await page.waitForLoadState()
    expect(page.url()).toBe(`${server.url}/kiosk`)
    await page.goBack()
    await page.waitForLoadState()
    expect(page.url()).not.toContain('/kiosk/choose')
    expect(page.url()).not.toContain('/kiosk/read')
    const html = await page.content()
    expect(html).not.toContain('Hilfeplan')
    expect(html).not.toContain(draft.kioskCode)
    // Runs in the page; typed loosely because the test project has no DOM lib.
    const storage = await page.evaluate(() => {
      const view = globalThis as unknown as {
        localStorage: { length: number }
        sessionStorage: { length: number }
      }
      return { local: view.localStorage.length, session: view.sessionStorage.length }
    })
    expect(storage).toEqual({ local: 0, session: 0 })
    await context.close()
  })

  it('when the script never ran, then the server wipes an idle session on the next request', async () => {
    const draft = await createDraft(server, tokens['staff-jc'] as string)
    const context = await newContext(browser, tablet)
    const page = await context.newPage()
    await signInKiosk(page, server)
    await page.fill('#code', draft.kioskCode)
    await page.click('text=Öffnen')
    await page.waitForURL(`${server.url}/kiosk/read`)
    t.clock.advance(7_000)
    const response = await page.request.get(`${server.url}/kiosk/read`, { maxRedirects: 0 })
    expect(response.status()).toBe(303)
    expect(response.headers()['location']).toBe('/kiosk')
    await context.close()
  })

  it('when staff push a consent for the young adult to confirm at 18, then the kiosk shows the text and records their own drawn confirmation', async () => {
    // 17 today (2026-03-02), 18 on 2026-03-10: signs with a guardian now, confirms after.
    const draft = await createDraft(server, tokens['staff-jc'] as string, {
      subject: { givenName: 'Ole', familyName: 'Brandhorst', birthDate: '2008-03-10' },
      categories: ['schule'],
      recipients: ['ja-demo'],
    })
    const first = await newContext(browser, tablet)
    const signing = await first.newPage()
    await signInKiosk(signing, server)
    await signOnKiosk(signing, server, draft.kioskCode, ['Ole Brandhorst', 'Maren Brandhorst'])
    await signing.click('text=Fertig')
    await first.close()
    t.clock.advance(10 * 24 * 3600_000) // 2026-03-12: of age, flagged on the next look
    await reviewAllMajority(t.deps)
    const staff = (
      await issueToken({
        key: t.deps.config.secrets.tokenKey,
        userId: 'staff-jc',
        role: 'staff',
        agencyId: 'jc-demo',
        now: t.clock.now(),
        ttlMinutes: 60,
      })
    ).token
    const pushed = await server.api('POST', '/kiosks/kiosk-jc/push', {
      token: staff,
      body: { consentId: draft.id, purpose: 'confirm_majority' },
    })
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200)
    const context = await newContext(browser, tablet)
    const page = await context.newPage()
    await signInKiosk(page, server)
    await page.click('text=Erklärung öffnen')
    await page.waitForURL(`${server.url}/kiosk/read`)
    expect(await page.textContent('.consent-text')).toContain('Selbst bestätigen (ab 18)')
    await page.click('button.agree')
    await page.waitForURL(`${server.url}/kiosk/sign`)
    expect(await page.textContent('h1')).toContain('Selbst bestätigen')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'kiosk-majority-confirm')
    await drawSignature(page)
    await page.fill('#signer-name', 'Ole Brandhorst')
    await page.click('button.agree')
    await page.waitForURL(`${server.url}/kiosk/done?confirmed=1`)
    expect(await page.textContent('main')).toContain('selbst bestätigt')
    const reviews = await server.api('GET', '/majority-reviews', { token: staff })
    expect(
      (
        reviews.body as { reviews: { consentId: string; state: string; confirmation: unknown }[] }
      ).reviews.find((r) => r.consentId === draft.id),
    ).toMatchObject({
      state: 'confirmed',
      confirmation: { by: 'kiosk:kiosk-jc', method: 'kiosk_drawn' },
    })
    await context.close()
  }, 60_000)
})
