import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addTrustAnchor,
  importAgencyCertificate,
} from '../../gateway/crypto/certificate-service.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import {
  accessibilityViolations,
  chromiumAvailable,
  launchBrowser,
  newContext,
  screenshot,
} from '../support/browser.ts'
import { repoRoot } from '../support/cli.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { createTestPki, type TestPki } from '../support/test-pki.ts'

describe.runIf(chromiumAvailable)('admin desk in Chromium: certificates and kiosk devices', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser
  let pki: TestPki

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    await seedAccounts(t.deps)
    pki = await createTestPki()
    const dir = mkdtempSync(join(tmpdir(), 'brucke-admin-desk-browser-'))
    writeFileSync(join(dir, 'ca.crl.pem'), pki.crlPem)
    await addTrustAnchor(t.deps, {
      actor: 'system',
      certificate: Buffer.from(pki.ca.certificatePem),
      crlFile: join(dir, 'ca.crl.pem'),
    })
    for (const [agencyId, email, days] of [
      ['jc-demo', 'u25@jc-demo.example', 20],
      ['ja-demo', 'jugendhilfe@ja-demo.example', 400],
    ] as const) {
      const identity = await pki.issue({
        name: agencyId,
        email,
        keyAlgorithm: 'ec-p256',
        notAfter: new Date(pki.at.getTime() + days * 86_400_000),
      })
      await importAgencyCertificate(t.deps, {
        actor: 'system',
        agencyId,
        source: {
          kind: 'certificate',
          certificate: Buffer.from(identity.certificatePem),
          key: Buffer.from(identity.privateKeyPem),
        },
      })
    }
    // The jc-demo kiosk is signed in, so the kiosk page has a device in use.
    await sessionFor(t.deps, 'kiosk-jc')
    server = await startTestServer(t.deps)
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await t?.close()
  })

  /** axe at every level finds nothing; the screenshot goes to the operator guide on request. */
  async function check(page: Page, name: string): Promise<void> {
    expect(await accessibilityViolations(page), name).toEqual([])
    const path = await screenshot(page, name)
    if (process.env.UPDATE_GUIDE_SCREENSHOTS === '1') {
      mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true })
      copyFileSync(path, join(repoRoot, 'docs', 'images', `${name}.png`))
    }
  }

  it('rolls a key over, then locks a kiosk tablet out; axe finds no violation of any level', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${server.url}/login`)
    await page.fill('#username', 'admin')
    await page.fill('#password', testPassword)
    await page.click('button[type=submit]')
    await page.waitForURL(`${server.url}/admin`)
    await page
      .getByRole('navigation', { name: 'Verwaltung' })
      .getByRole('link', { name: 'Zertifikate' })
      .click()
    await page.waitForURL(`${server.url}/admin/certificates`)
    await expect(page.getByRole('region', { name: /jc-demo/ }).textContent()).resolves.toMatch(
      /läuft bald ab[\s\S]*noch 20 Tage/,
    )
    await check(page, 'admin-certificates')

    const next = await pki.issue({
      name: 'ja-demo',
      email: 'jugendhilfe@ja-demo.example',
      keyAlgorithm: 'ec-p256',
    })
    await page.selectOption('#import-agency', 'ja-demo')
    await page.check('#import-mode-rollover')
    await page.fill('#import-certificate', next.certificatePem)
    await page.fill('#import-key', next.privateKeyPem)
    await page.getByRole('button', { name: 'Einspielen' }).click()
    await page.waitForURL(/done=rolled-over:ja-demo/)
    await expect(page.getByRole('status').textContent()).resolves.toContain(
      'Schlüssel von ja-demo gewechselt',
    )
    await expect(page.getByRole('region', { name: /ja-demo/ }).textContent()).resolves.toContain(
      'außer Dienst ab',
    )
    await check(page, 'admin-certificates-rolled-over')

    await page.getByRole('link', { name: 'Kiosk-Geräte' }).click()
    await page.waitForURL(`${server.url}/admin/kiosks`)
    const row = page.getByRole('row').filter({ hasText: 'kiosk-jc' })
    await expect(row.textContent()).resolves.toContain('angemeldet, bereit')
    await check(page, 'admin-kiosks')
    await page.getByRole('button', { name: 'Sperren (kiosk-jc)' }).click()
    await page.waitForURL(/done=locked:kiosk-jc/)
    await expect(row.textContent()).resolves.toContain('gesperrt')
    await check(page, 'admin-kiosk-locked')
    await context.close()
  })
})
