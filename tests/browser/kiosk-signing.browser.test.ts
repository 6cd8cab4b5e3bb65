import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts } from '../support/accounts.ts'
import {
  accessibilityViolations,
  chromiumAvailable,
  launchBrowser,
  newContext,
  screenshot,
} from '../support/browser.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { createDraft, signInKiosk } from './kiosk-support.ts'

/**
 * Signing for everyone and a receipt worth keeping (issue «The person's side», points 3 and 4):
 * a keyboard-only person signs by typing their name and ticking the confirmation; axe-core finds
 * no violation of any level on any kiosk page; the receipt is shown and printed, never
 * downloaded onto the shared tablet.
 */

const tablet = { width: 1024, height: 768 }

/** Presses Tab until the element matching `selector` has the focus (keyboard only). */
async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    if (
      await page
        .locator(selector)
        .evaluate((el) => el === (el.ownerDocument as { activeElement: unknown }).activeElement)
    )
      return
  }
  throw new Error(`Tab never reached ${selector}`)
}

describe.runIf(chromiumAvailable)('signing and receipt at the kiosk in Chromium', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    ;({ tokens } = await seedAccounts(t.deps))
    server = await startTestServer(t.deps)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await t?.close()
  })

  /** axe-core on the current page: no violation of any level, best practices included. */
  const accessible = async (page: Page, name: string) => {
    await page.waitForLoadState('networkidle')
    const violations = await accessibilityViolations(page)
    if (violations.length > 0) await screenshot(page, `axe-${name}`)
    expect(violations, name).toEqual([])
  }

  it('when a keyboard-only person types their name and ticks the confirmation, then the consent is signed (kiosk_typed), with no axe violation on any kiosk page', async () => {
    const draft = await createDraft(server, tokens['staff-jc'] as string)
    const context = await newContext(browser, tablet)
    const page = await context.newPage()
    const dispositions: string[] = []
    page.on('response', (response) => {
      const disposition = response.headers()['content-disposition']
      if (disposition) dispositions.push(`${response.url()}: ${disposition}`)
    })
    await signInKiosk(page, server)
    await accessible(page, 'start')

    await page.fill('#code', draft.kioskCode)
    await page.keyboard.press('Enter')
    await page.waitForURL(`${server.url}/kiosk/read`)
    await accessible(page, 'read')
    // The language choice, in a right-to-left language, and back.
    await tabTo(page, 'button[name=language][value=ar]')
    await page.keyboard.press('Enter')
    await page.waitForURL(`${server.url}/kiosk/read`)
    expect(await page.getAttribute('html', 'dir')).toBe('rtl')
    await accessible(page, 'read-ar')
    await page.click('button[name=language][value=de]')
    await page.waitForURL(`${server.url}/kiosk/read`)
    await tabTo(page, 'button.agree')
    await page.keyboard.press('Enter')
    await page.waitForURL(`${server.url}/kiosk/choose`)
    await accessible(page, 'choose')
    await tabTo(page, '#category-gesundheit')
    await page.keyboard.press('Space')
    await tabTo(page, 'form.choices button.agree')
    await page.keyboard.press('Enter')
    await page.waitForURL(`${server.url}/kiosk/sign`)
    await accessible(page, 'sign-drawn')
    await screenshot(page, 'kiosk-sign-drawn')

    // The typed way, found by its accessible name as a screen reader announces it.
    const typedWay = page.getByRole('radio', { name: /Namen tippen und mit einem Haken/ })
    await tabTo(page, '#way-drawn')
    await page.keyboard.press('ArrowDown')
    expect(await typedWay.isChecked()).toBe(true)
    // Only the chosen way is shown: the pad leaves the page, the confirmation comes.
    expect(await page.locator('#signature-pad').isVisible()).toBe(false)
    const confirm = page.getByRole('checkbox', {
      name: 'Ich stimme zu. Mein Name im Feld oben gilt als meine Unterschrift.',
    })
    expect(await confirm.isVisible()).toBe(true)
    await accessible(page, 'sign-typed')
    await screenshot(page, 'kiosk-sign-typed')
    await page.keyboard.press('Tab')
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { id: string } } }).document
            .activeElement.id,
      ),
    ).toBe('signer-name')
    await page.keyboard.type('Leonie Quastenberg')
    // Without the tick it is not a signature: refused, the message tied to the box.
    await tabTo(page, '#sign-form button.agree')
    await page.keyboard.press('Enter')
    await page.waitForURL(`${server.url}/kiosk/sign`)
    expect(await page.getByRole('alert').textContent()).toContain('Haken')
    expect(await confirm.getAttribute('aria-invalid')).toBe('true')
    expect(await typedWay.isChecked()).toBe(true)
    expect(await page.inputValue('#signer-name')).toBe('Leonie Quastenberg')
    await accessible(page, 'sign-typed-error')
    await tabTo(page, '#typed-confirm')
    await page.keyboard.press('Space')
    await tabTo(page, '#sign-form button.agree')
    await page.keyboard.press('Enter')
    await page.waitForURL(`${server.url}/kiosk/receipt`)
    await accessible(page, 'receipt')
    await screenshot(page, 'kiosk-receipt-typed')

    // The receipt: the kind's title, the method, the full texts, how to revoke.
    expect(await page.textContent('h1')).toBe('Beleg: Einwilligung')
    const receipt = (await page.textContent('.receipt')) ?? ''
    expect(receipt).toContain(
      'am Kiosk den Namen getippt und die Zustimmung mit einem Haken bestätigt',
    )
    expect(receipt).toContain('Leonie Quastenberg')
    expect(receipt).toContain('Ich willige in die beschriebene Übermittlung ein.')
    expect(receipt).toContain('So widerrufen Sie')
    expect(receipt).toContain('Jugendamt Demo-Stadt')
    // Health data, ticked by the person and signed typed: covered (§ 67b Abs. 2 S. 2 SGB X).
    expect(receipt).toContain('Gesundheit')
    const consent = await server.api('GET', `/consents/${draft.id}`, {
      token: tokens['staff-jc'] as string,
    })
    expect(consent.body).toMatchObject({
      status: 'active',
      signatures: [{ method: 'kiosk_typed', name: 'Leonie Quastenberg' }],
    })
    expect((consent.body as { coveredCategories: string[] }).coveredCategories).toContain(
      'gesundheit',
    )

    // Shown and printed, never downloaded: no link to a file, no attachment, no PDF route.
    expect(await page.locator('a[download], a[href$=".pdf"]').count()).toBe(0)
    const pdf = await page.request.get(`${server.url}/kiosk/receipt.pdf`)
    expect(pdf.status()).toBe(404)
    expect(pdf.headers()['content-disposition']).toBeUndefined()
    await page.evaluate(() => {
      const view = globalThis as unknown as { print: () => void; printed: number }
      view.printed = 0
      view.print = () => {
        view.printed++
      }
    })
    await page.getByRole('button', { name: 'Drucken' }).click()
    expect(await page.evaluate(() => (globalThis as unknown as { printed: number }).printed)).toBe(
      1,
    )
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('.receipt').isVisible()).toBe(true)
    expect(await page.getByRole('button', { name: 'Drucken' }).isVisible()).toBe(false)
    expect(await page.locator('.site-header').isVisible()).toBe(false)
    await page.emulateMedia({ media: 'screen' })

    await page.getByRole('button', { name: 'Fertig' }).click()
    await page.waitForURL(`${server.url}/kiosk/done`)
    await accessible(page, 'done')
    await page.goto(`${server.url}/kiosk/revoke`)
    await accessible(page, 'revoke')
    expect(dispositions).toEqual([])
    await context.close()
  }, 120_000)

  it('when the person signs by drawing in English, then the receipt is in English, names the drawing, and holds the English and the binding German text', async () => {
    const draft = await createDraft(server, tokens['staff-jc'] as string)
    const context = await newContext(browser, tablet)
    const page = await context.newPage()
    await signInKiosk(page, server)
    await page.fill('#code', draft.kioskCode)
    await page.click('text=Öffnen')
    await page.waitForURL(`${server.url}/kiosk/read`)
    await page.click('button[name=language][value=en]')
    await page.waitForURL(`${server.url}/kiosk/read`)
    await page.click('button.agree')
    await page.waitForURL(`${server.url}/kiosk/choose`)
    await page.click('button.agree')
    await page.waitForURL(`${server.url}/kiosk/sign`)
    await accessible(page, 'sign-drawn-en')
    const { drawSignature } = await import('./kiosk-support.ts')
    await drawSignature(page)
    await page.fill('#signer-name', 'Leonie Quastenberg')
    await page.click('#sign-form button.agree')
    await page.waitForURL(`${server.url}/kiosk/receipt`)
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    expect(await page.textContent('h1')).toBe('Receipt: consent (Einwilligung)')
    const image = page.getByRole('img', { name: 'Drawn signature: Leonie Quastenberg' })
    expect(await image.getAttribute('src')).toMatch(/^data:image\/png;base64,/)
    expect(await page.textContent('.receipt')).toContain('Binding German text')
    expect(await page.getAttribute('.receipt-text[lang=de]', 'dir')).toBe('ltr')
    await accessible(page, 'receipt-en')
    await screenshot(page, 'kiosk-receipt-drawn-en')
    await page.click('text=Done')
    await page.waitForURL(`${server.url}/kiosk/done?lang=en`)
    await context.close()
  }, 60_000)
})
