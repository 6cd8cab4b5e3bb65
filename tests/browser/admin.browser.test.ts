import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listCertificateOverview } from '../../gateway/crypto/certificate-service.ts'
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

describe.runIf(chromiumAvailable)('admin page in Chromium', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser
  let adminPassword: string

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    const setup = await ensureDemoSetup(t.deps)
    adminPassword = setup.credentials.find((c) => c.id === 'demo-admin')?.password ?? ''
    // Move the clock to 10 days before the demo certificates end, inside the 30-day warning.
    const certificates = await listCertificateOverview(t.deps, { at: t.clock.now() })
    const firstEnd = Math.min(...certificates.map((c) => c.notAfter.getTime()))
    t.clock.set(new Date(firstEnd - 10 * 86_400_000))
    server = await startTestServer(t.deps)
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

  it('shows the certificate warning, adds an agency and a kiosk device; axe finds no violation of any level', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${server.url}/login`)
    await page.fill('#username', 'demo-admin')
    await page.fill('#password', adminPassword)
    await page.click('button[type=submit]')
    await page.waitForURL(`${server.url}/admin`)
    const warning = page.getByRole('alert').filter({ hasText: 'Zertifikate brauchen' })
    await expect(warning.textContent()).resolves.toMatch(
      /jc-demo: Zertifikat läuft am .* ab \(in 10\s+Tagen/s,
    )
    await expectAccessible(page, 'admin')

    await page.fill('#agency-id', 'traeger-nord')
    await page.fill('#agency-name', 'Jugendhilfe Nord gGmbH')
    await page.selectOption('#agency-kind', 'traeger')
    await page.fill('#agency-mailbox', 'fallteam@traeger-nord.example')
    await page.getByRole('button', { name: 'Behörde anlegen' }).click()
    await page.waitForURL(/added=agency:traeger-nord/)
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('traeger-nord')
    await expect(page.locator('table').first().textContent()).resolves.toContain(
      'Jugendhilfe Nord gGmbH',
    )
    // The new agency has no certificate yet: the warning names it too.
    await expect(warning.textContent()).resolves.toMatch(/traeger-nord: kein gültiges Zertifikat/)
    await expectAccessible(page, 'admin-agency-added')

    await page.fill('#account-id', 'kiosk-nord-1')
    await page.fill('#account-displayName', 'Tablet Empfang Nord')
    await page.selectOption('#account-role', 'kiosk')
    await page.selectOption('#account-agency', 'traeger-nord')
    await page.getByRole('button', { name: 'Konto anlegen' }).click()
    await expect(page.getByTestId('start-password').textContent()).resolves.toMatch(
      /^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/,
    )
    await expectAccessible(page, 'admin-account-created')
    await context.close()
  })

  it('disables a lost kiosk tablet with one button and sets a new password with another; axe finds no violation of any level', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${server.url}/login`)
    await page.fill('#username', 'demo-admin')
    await page.fill('#password', adminPassword)
    await page.click('button[type=submit]')
    await page.waitForURL(`${server.url}/admin`)
    const row = page.getByRole('row').filter({ hasText: 'demo-kiosk' })
    await page.getByRole('button', { name: 'Sperren (demo-kiosk)' }).click()
    await page.waitForURL(/done=disabled:demo-kiosk/)
    await expect(page.getByRole('status').first().textContent()).resolves.toMatch(
      /demo-kiosk gesperrt:.*Kiosk-Gerät geleert\./s,
    )
    await expect(row.textContent()).resolves.toContain('gesperrt')
    await expectAccessible(page, 'admin-kiosk-disabled')

    await page.getByRole('button', { name: 'Neues Passwort (demo-kiosk)' }).click()
    await expect(page.getByTestId('new-password').textContent()).resolves.toMatch(
      /^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/,
    )
    await expectAccessible(page, 'admin-password-reset')
    await context.close()
  })
})
