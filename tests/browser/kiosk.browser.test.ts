import { existsSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts } from '../support/accounts.ts'
import {
  browserRequired,
  chromiumPath,
  launchBrowser,
  newContext,
  screenshot,
  seriousAccessibilityViolations,
} from '../support/browser.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import {
  createDraft,
  decisionFor,
  drawSignature,
  signInKiosk,
  trackWeight,
} from './kiosk-support.ts'

const available = existsSync(chromiumPath)
if (!available && browserRequired)
  throw new Error(`CI=true but ${chromiumPath} is missing: browser tests must run in CI`)

const tablet = { width: 1024, height: 768 }
const maxPageBytes = 150 * 1024

describe.runIf(available)('signing kiosk in Chromium (tablet 1024×768)', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser
  let tokens: Record<string, string>
  const weights: Record<string, number> = {}

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    ;({ tokens } = await seedAccounts(t.deps))
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
      expect(await seriousAccessibilityViolations(page)).toEqual([])
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

    const pdf = await page.request.get(`${server.url}/kiosk/receipt.pdf`)
    expect(pdf.headers()['content-type']).toContain('application/pdf')
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-')

    await page.click('text=Fertig')
    await page.waitForURL(`${server.url}/kiosk/done`)
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
  })
})
