import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { testPassword } from '../support/accounts.ts'
import type { TestServer } from '../support/http-client.ts'

/** Sum of transferred bytes of every response a page load makes (page weight, issue point 9). */
export function trackWeight(page: Page): { bytes: () => number; reset: () => void } {
  let total = 0
  page.on('response', (response) => {
    void response
      .body()
      .then((body) => {
        total += body.length + JSON.stringify(response.headers()).length
      })
      .catch(() => undefined)
  })
  return {
    bytes: () => total,
    reset: () => {
      total = 0
    },
  }
}

export async function signInKiosk(page: Page, server: TestServer): Promise<void> {
  await page.goto(`${server.url}/login`)
  await page.fill('#username', 'kiosk-jc')
  await page.fill('#password', testPassword)
  await page.click('button[type=submit]')
  await page.waitForURL(`${server.url}/kiosk`)
}

/** Draws a stroke on the signature canvas with the mouse (pointer events). */
export async function drawSignature(page: Page): Promise<void> {
  // Below the way of signing and the name on a tablet: scrolled to, as a person would.
  await page.locator('#signature-pad').scrollIntoViewIfNeeded()
  const box = await page.locator('#signature-pad').boundingBox()
  if (!box) throw new Error('no signature pad')
  await page.mouse.move(box.x + 40, box.y + box.height / 2)
  await page.mouse.down()
  for (let i = 1; i <= 12; i++)
    await page.mouse.move(box.x + 40 + i * 30, box.y + box.height / 2 + (i % 2 ? -30 : 30))
  await page.mouse.up()
}

export interface DraftInput {
  subject?: { givenName: string; familyName: string; birthDate: string }
  categories?: string[]
  recipients?: string[]
  language?: string
}

/** Staff prepare a draft through the REST API and get its pickup code. */
export async function createDraft(
  server: TestServer,
  staffToken: string,
  input: DraftInput = {},
): Promise<{ id: string; kioskCode: string; subjectPseudonym: string }> {
  const response = await server.api('POST', '/consents', {
    token: staffToken,
    body: {
      kind: 'einwilligung',
      subject: input.subject ?? {
        givenName: 'Leonie',
        familyName: 'Quastenberg',
        birthDate: '2005-06-10',
      },
      senders: ['jc-demo'],
      recipients: input.recipients ?? ['ja-demo', 'aa-demo'],
      purposes: ['hilfeplanung'],
      categories: input.categories ?? ['schule', 'berufswahl', 'gesundheit'],
      validUntil: '2026-12-31',
      ...(input.language ? { language: input.language } : {}),
    },
  })
  expect(response.status).toBe(201)
  return response.body as { id: string; kioskCode: string; subjectPseudonym: string }
}

/** The decision dry run (POST /api/v1/decisions) for a category set. */
export async function decisionFor(
  server: TestServer,
  staffToken: string,
  consentId: string,
  categories: string[],
  to = 'ja-demo',
): Promise<{ decision: string; reasons: string[] }> {
  const response = await server.api('POST', '/decisions', {
    token: staffToken,
    body: { consentId, to, purpose: 'hilfeplanung', categories },
  })
  expect(response.status).toBe(200)
  return response.body as { decision: string; reasons: string[] }
}

/**
 * The kiosk flow from pickup code to receipt with the default choice (special categories left
 * unticked); signs for every required signatory in turn. Returns the receipt code.
 */
export async function signOnKiosk(
  page: Page,
  server: TestServer,
  kioskCode: string,
  signers: string[] = ['Leonie Quastenberg'],
): Promise<string> {
  await page.goto(`${server.url}/kiosk`)
  await page.fill('#code', kioskCode)
  await page.click('text=Öffnen')
  await page.waitForURL(`${server.url}/kiosk/read`)
  await page.click('button.agree')
  await page.waitForURL(`${server.url}/kiosk/choose`)
  await page.click('button.agree')
  for (const name of signers) {
    await page.waitForURL(`${server.url}/kiosk/sign`)
    await drawSignature(page)
    await page.fill('#signer-name', name)
    await page.click('button.agree')
  }
  await page.waitForURL(`${server.url}/kiosk/receipt`)
  return (await page.textContent('.receipt-code'))?.trim() ?? ''
}
