import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertQueuedTransfer } from '../../db/transfer-repository.ts'
import { recordPartnerReceipt } from '../../gateway/receipts/record-partner-receipt.ts'
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

/**
 * The staff pages show the partner gateway's receipt (issue 16 point 7). The receipts are recorded
 * through `recordPartnerReceipt` as the inbound listener hands them over; that they are signed,
 * sealed, delivered and verified is tested in tests/integration/partner-receipts.test.ts.
 */
describe.runIf(chromiumAvailable)('partner receipts on the staff pages in Chromium', () => {
  let t: TestDeps
  let server: TestServer
  let browser: Browser

  /** A transfer of the Jobcenter to the Jugendamt, delivered at the test clock. */
  async function deliveredTransfer(id: string): Promise<void> {
    const at = t.clock.now()
    await t.deps.db.transaction().execute(async (trx) => {
      await insertQueuedTransfer(trx, {
        id,
        kind: 'transfer',
        senderAgencyId: 'jc-demo',
        recipientAgencyId: 'ja-demo',
        senderMailbox: 'u25@jc-demo.example',
        recipientMailbox: 'jugendhilfe@ja-demo.example',
        staffId: 'staff-jc',
        consentId: 'cns_browser',
        purpose: 'hilfeplanung',
        categories: ['schule'],
        subjectPseudonym: 'psn_browser',
        plaintextSha256: 'a'.repeat(64),
        envelopeSha256: 'b'.repeat(64),
        messageId: `<${id}@jc-demo.example>`,
        envelope: 'sealed',
        at,
        giveUpAt: new Date(at.getTime() + 86_400_000),
      })
      await trx
        .updateTable('transfers')
        .set({ status: 'delivered', delivered_at: at.toISOString(), smtp_response: '250 OK' })
        .where('id', '=', id)
        .execute()
    })
  }

  async function receipt(id: string, outcome: 'accepted' | 'refused', reason?: string) {
    const result = await recordPartnerReceipt(t.deps, {
      signerAgencyId: 'ja-demo',
      receipt: {
        receiptFor: id,
        receivedMessageId: `<${id}@jc-demo.example>`,
        outcome,
        ...(reason ? { reason } : {}),
        sender: 'ja-demo',
        recipient: 'jc-demo',
        envelopeSha256: 'b'.repeat(64),
      },
    })
    expect(result).toEqual({ ok: true, transferId: id })
  }

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    await seedAccounts(t.deps)
    server = await startTestServer(t.deps)
    browser = await launchBrowser()
    await deliveredTransfer('trf_browser_accepted')
    await receipt('trf_browser_accepted', 'accepted')
    await deliveredTransfer('trf_browser_refused')
    await receipt('trf_browser_refused', 'refused', 'attestation_mismatch')
    await deliveredTransfer('trf_browser_unknown_code')
    await receipt('trf_browser_unknown_code', 'refused', 'strange_new_code')
    await deliveredTransfer('trf_browser_pending')
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await t?.close()
  })

  async function signInStaff(page: Page): Promise<void> {
    await page.goto(`${server.url}/login`)
    await page.fill('#username', 'staff-jc')
    await page.fill('#password', testPassword)
    await page.click('button[type=submit]')
    await page.waitForURL(`${server.url}/staff`)
  }

  async function receiptLine(page: Page, id: string, outcome: string): Promise<string> {
    await page.goto(`${server.url}/staff/transfers/${id}`)
    await page.waitForSelector(`[data-partner-receipt][data-outcome="${outcome}"]`)
    return (await page.textContent('[data-partner-receipt]')) ?? ''
  }

  it('when the partner accepted or refused, then the transfer page says so in German, with the reason in plain words', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInStaff(page)
    expect(await receiptLine(page, 'trf_browser_accepted', 'accepted')).toMatch(
      /^Empfangsbestätigung der Partnerstelle: angenommen am \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/,
    )
    await page.waitForLoadState('networkidle')
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, 'staff-transfer-partner-receipt')
    expect(await receiptLine(page, 'trf_browser_refused', 'refused')).toBe(
      'Empfangsbestätigung der Partnerstelle: abgelehnt: Die Übermittlung lag nicht innerhalb der mitgeschickten Einwilligung.',
    )
    expect(await receiptLine(page, 'trf_browser_unknown_code', 'refused')).toBe(
      'Empfangsbestätigung der Partnerstelle: abgelehnt: Die Partnerstelle hat die Übermittlung bei der Prüfung abgelehnt (Code: strange_new_code)',
    )
    expect(await receiptLine(page, 'trf_browser_pending', 'none')).toBe(
      'Noch keine Empfangsbestätigung der Partnerstelle.',
    )
    await context.close()
  }, 60_000)

  it("when the partner's receipt is recorded, then the overview's status column names it", async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInStaff(page)
    const cell = (id: string) =>
      page
        .locator('[data-transfer-rows] tr', {
          has: page.locator(`a[href="/staff/transfers/${id}"]`),
        })
        .locator('td[data-status]')
    await page.waitForSelector(
      '[data-transfer-rows] a[href="/staff/transfers/trf_browser_pending"]',
    )
    expect(await cell('trf_browser_accepted').textContent()).toBe('Zugestellt · bestätigt')
    expect(await cell('trf_browser_refused').textContent()).toBe(
      'Zugestellt · von der Partnerstelle abgelehnt',
    )
    expect(await cell('trf_browser_pending').textContent()).toBe('Zugestellt')
    await context.close()
  }, 60_000)
})
