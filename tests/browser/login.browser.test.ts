import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import {
  chromiumAvailable,
  launchBrowser,
  newContext,
  screenshot,
  accessibilityViolations,
} from '../support/browser.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

describe.runIf(chromiumAvailable)('login page in Chromium', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser

  beforeAll(async () => {
    t = await createTestDeps('sqlite', { config: { cookieSecure: true } })
    await seedAccounts(t.deps)
    server = await startTestServer(t.deps)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await t?.close()
  })

  it('lets staff sign in with the keyboard alone and shows their workplace; axe finds nothing serious', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${server.url}/login`)
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'login')
    await page.keyboard.type('staff-jc')
    await page.keyboard.press('Tab')
    await page.keyboard.type(testPassword)
    await page.keyboard.press('Enter')
    await page.waitForURL(`${server.url}/staff`)
    expect(await page.textContent('h1')).toContain('Arbeitsplatz')
    expect(await accessibilityViolations(page)).toEqual([])
    const cookies = await context.cookies()
    expect(cookies.find((c) => c.name === 'brucke_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      secure: true,
    })
    await page.getByRole('button', { name: 'Abmelden' }).click()
    await page.waitForURL(`${server.url}/login`)
    await context.close()
  })

  it('shows a clear error for a wrong password', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${server.url}/login`)
    await page.fill('#username', 'staff-jc')
    await page.fill('#password', 'definitely wrong password')
    await page.click('button[type=submit]')
    await expect(page.getByRole('alert').textContent()).resolves.toContain('stimmen nicht')
    await context.close()
  })
})
