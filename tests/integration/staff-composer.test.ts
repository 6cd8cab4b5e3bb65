import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTestAccount, seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { paperScan } from '../support/signature-evidence.ts'

// The test clock starts at 2026-03-02T09:00Z (10:00 in Berlin).
type Session = { cookie: string; csrfToken: string }

describe.each(dialects)('the composer follows the consent on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>
  let jc: Session
  let jc2: Session

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    await addTestAccount(t.deps, { id: 'staff-jc-2', role: 'staff', agencyId: 'jc-demo' })
    server = await startTestServer(t.deps)
    jc = await sessionFor(t.deps, 'staff-jc')
    jc2 = await sessionFor(t.deps, 'staff-jc-2')
  })
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  const get = async (session: Session, path: string) => {
    const res = await fetch(server.url + path, {
      headers: { cookie: session.cookie },
      redirect: 'manual',
    })
    return { status: res.status, text: await res.text() }
  }
  const post = async (session: Session, path: string, fields: [string, string][]) => {
    const res = await fetch(server.url + path, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams([['_csrf', session.csrfToken], ...fields]).toString(),
      redirect: 'manual',
    })
    return { status: res.status, text: await res.text(), location: res.headers.get('location') }
  }

  /** A Jobcenter → Jugendamt consent for Hilfeplanung over school and career choice, signed on paper. */
  async function activeConsent(): Promise<string> {
    const created = await post(jc, '/staff/consents', [
      ['kind', 'einwilligung'],
      ['givenName', 'Leonie'],
      ['familyName', 'Quastenberg'],
      ['birthDate', '2005-06-10'],
      ['senders', 'jc-demo'],
      ['recipients', 'ja-demo'],
      ['purposes', 'hilfeplanung'],
      ['categories', 'schule'],
      ['categories', 'berufswahl'],
      ['validUntil', '2026-05-31'],
    ])
    expect(created.status, created.text.slice(0, 300)).toBe(303)
    const id = (created.location ?? '').split('/').pop() as string
    const signed = await post(jc, `/staff/consents/${id}/paper-signature`, [
      ['role', 'youth'],
      ['name', 'Leonie Quastenberg'],
      ['scan', paperScan()],
    ])
    expect(signed.status).toBe(303)
    return id
  }

  /** The `<option>` values inside the `<select>` with this id. */
  function optionsOf(page: string, selectId: string): string[] {
    const start = page.indexOf(`id="${selectId}"`)
    const select = page.slice(start, page.indexOf('</select>', start))
    return [...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]!)
  }

  it('when the consent is active, then only the covered recipients, purposes and categories are offered and sending starts disabled', async () => {
    const id = await activeConsent()
    const page = await get(jc, `/staff/compose/${id}`)
    expect(page.status).toBe(200)
    expect(optionsOf(page.text, 'to')).toEqual(['ja-demo'])
    expect(optionsOf(page.text, 'purpose')).toEqual(['hilfeplanung'])
    expect(optionsOf(page.text, 'sec-0-cat')).toEqual(['schule', 'berufswahl'])
    expect(optionsOf(page.text, 'pdf-category')).toEqual(['schule', 'berufswahl'])
    expect(page.text).not.toContain('value="gesundheit"')
    expect(page.text).toMatch(/<button\s+type="submit"\s+data-send\s+disabled/)
  })

  it('when the consent was revoked, then the page offers its renewal instead of a composer and never its old validity', async () => {
    const id = await activeConsent()
    expect(
      (await post(jc, `/staff/consents/${id}/revocation`, [['reason', 'Widerruf am Telefon']]))
        .status,
    ).toBe(303)
    const page = await get(jc, `/staff/compose/${id}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain(`href="/staff/consents/${id}/renewal"`)
    expect(page.text).toContain('verlängern / erneuern')
    expect(page.text).not.toContain('data-composer ')
    expect(page.text).not.toContain('data-send')
    expect(page.text).not.toContain('gültig bis')
    expect(page.text).not.toContain('31.05.2026')
  })

  it('when a draft is resumed, then its author gets the composer filled from it and a colleague gets "not found"', async () => {
    const id = await activeConsent()
    const created = await server.api('POST', '/composer-drafts', {
      token: tokens['staff-jc'],
      body: {
        consentId: id,
        name: 'Übergabe vor dem Hilfeplangespräch',
        to: 'ja-demo',
        purpose: 'hilfeplanung',
        form: 'fallkonferenz',
        necessity: 'Abstimmung des Kooperationsplans.',
        sections: [{ category: 'berufswahl', title: 'Beruf', body: 'Praktikum im Einzelhandel.' }],
      },
    })
    expect(created.status).toBe(201)
    const draftId = (created.body as { id: string }).id
    const composer = await get(jc, `/staff/compose/${id}`)
    expect(composer.text).toContain(`href="/staff/compose/${id}?draft=${draftId}"`)
    expect(composer.text).toContain('Übergabe vor dem Hilfeplangespräch')
    const resumed = await get(jc, `/staff/compose/${id}?draft=${draftId}`)
    expect(resumed.status).toBe(200)
    expect(resumed.text).toContain('Praktikum im Einzelhandel.</textarea>')
    expect(resumed.text).toContain('Abstimmung des Kooperationsplans.</textarea')
    expect(resumed.text).toMatch(/value="fallkonferenz"\s+selected/)
    expect(resumed.text).toContain(`data-draft-id="${draftId}"`)
    const colleague = await get(jc2, `/staff/compose/${id}?draft=${draftId}`)
    expect(colleague.status).toBe(404)
    expect(colleague.text).not.toContain('Praktikum')
    expect((await get(jc2, `/staff/compose/${id}`)).text).not.toContain(draftId)
    // A draft opens only under its own consent.
    const other = await activeConsent()
    expect((await get(jc, `/staff/compose/${other}?draft=${draftId}`)).status).toBe(404)
  })

  it('when the form is opened, then its proposed validity draws no warning and creating with it asks nothing more', async () => {
    const form = await get(jc, '/staff/consents/new')
    // Today is 2026-03-02: six calendar months, that day included.
    expect(form.text).toMatch(/id="validUntil"\s+name="validUntil"\s+value="2026-09-01"/)
    expect(form.text).toContain('Höchstens bis 01.03.2027')
    const created = await post(jc, '/staff/consents', [
      ['givenName', 'Jannik'],
      ['familyName', 'Oberländer'],
      ['birthDate', '2006-01-20'],
      ['senders', 'jc-demo'],
      ['recipients', 'ja-demo'],
      ['purposes', 'hilfeplanung'],
      ['categories', 'schule'],
      ['validFrom', '2026-03-02'],
      ['validUntil', '2026-09-01'],
    ])
    expect(created.status, created.text.slice(0, 300)).toBe(303)
  })

  it('when a choice is broad, then each warning stands beside its field with its own confirm box, in exact words', async () => {
    const res = await post(jc, '/staff/consents', [
      ['givenName', 'Jannik'],
      ['familyName', 'Oberländer'],
      ['birthDate', '2006-01-20'],
      ['senders', 'jc-demo'],
      ['recipients', 'ja-demo'],
      ['purposes', 'hilfeplanung'],
      ['categories', 'schule'],
      ['categories', 'gesundheit'],
      ['validFrom', '2026-03-02'],
      ['validUntil', '2026-10-01'],
    ])
    expect(res.status).toBe(200)
    const page = res.text
    expect(page).toContain('Lange Gültigkeit (7 Monate,')
    expect(page).not.toContain('etwa')
    // The validity warning and its box come right after the validity fields, before the next
    // fieldset; the category warning inside the categories' fieldset.
    const validity = page.indexOf('id="validUntil"')
    const validityWarning = page.indexOf('id="warn-long_validity"')
    const validityBox = page.indexOf('id="confirm-long_validity"')
    const nextFieldset = page.indexOf('<fieldset', validity)
    expect(validity).toBeGreaterThan(0)
    expect(validityWarning).toBeGreaterThan(validity)
    expect(validityBox).toBeGreaterThan(validityWarning)
    expect(validityBox).toBeLessThan(nextFieldset)
    const categories = page.indexOf('id="cat-gesundheit"')
    const categoryWarning = page.indexOf('id="warn-special_categories"')
    expect(categoryWarning).toBeGreaterThan(categories)
    expect(categoryWarning).toBeLessThan(page.indexOf('</fieldset>', categories))
    expect(page).toContain('href="#warn-long_validity"')
  })

  it('when a consent is created, then its detail page shows every field entered again, the case reference too', async () => {
    const created = await post(jc, '/staff/consents', [
      ['kind', 'schweigepflichtsentbindung'],
      ['releasedProfessionals', 'Sozialpädagogin Frau Brandt, Träger Lichtblick'],
      ['givenName', 'Jannik'],
      ['familyName', 'Oberländer'],
      ['birthDate', '2006-01-20'],
      ['caseRef', 'BG-4711-U25'],
      ['senders', 'jc-demo'],
      ['recipients', 'ja-demo'],
      ['purposes', 'hilfeplanung'],
      ['categories', 'schule'],
      ['validFrom', '2026-03-09'],
      ['validUntil', '2026-06-30'],
      ['language', 'de-ls'],
    ])
    expect(created.status, created.text.slice(0, 400)).toBe(303)
    const page = (await get(jc, created.location ?? '')).text
    for (const shown of [
      'Schweigepflichtsentbindung',
      'Jannik',
      'Oberländer',
      '20.01.2006',
      'BG-4711-U25',
      'Sozialpädagogin Frau Brandt, Träger Lichtblick',
      'Hilfeplanung',
      '09.03.2026',
      '30.06.2026',
      'Leichte Sprache',
    ])
      expect(page, shown).toContain(shown)
  })
})
