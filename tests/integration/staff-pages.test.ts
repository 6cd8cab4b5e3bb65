import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { findPushedDraft } from '../../db/kiosk-repository.ts'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { paperScan } from '../support/signature-evidence.ts'

// The test clock starts at 2026-03-02T09:00Z (10:00 in Berlin).
type Session = { cookie: string; csrfToken: string }

describe.each(dialects)('staff workplace pages on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let jc: Session
  let aa: Session

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    server = await startTestServer(t.deps)
    jc = await sessionFor(t.deps, 'staff-jc')
    aa = await sessionFor(t.deps, 'staff-aa')
  })
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  const get = async (session: Session, path: string, cookieExtra = '') => {
    const res = await fetch(server.url + path, {
      headers: { cookie: session.cookie + cookieExtra },
      redirect: 'manual',
    })
    return { status: res.status, text: await res.text(), headers: res.headers }
  }
  const post = async (session: Session, path: string, fields: [string, string][]) => {
    const body = new URLSearchParams([['_csrf', session.csrfToken], ...fields])
    const res = await fetch(server.url + path, {
      method: 'POST',
      headers: {
        cookie: session.cookie,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: body.toString(),
      redirect: 'manual',
    })
    return { status: res.status, text: await res.text(), headers: res.headers }
  }

  const baseForm = (extra: [string, string][] = []): [string, string][] => [
    ['kind', 'einwilligung'],
    ['givenName', 'Leonie'],
    ['familyName', 'Quastenberg'],
    ['birthDate', '2005-06-10'],
    ['senders', 'jc-demo'],
    ['recipients', 'ja-demo'],
    ['purposes', 'hilfeplanung'],
    ['categories', 'schule'],
    ['categories', 'berufswahl'],
    ...(extra.some(([k]) => k === 'validUntil')
      ? []
      : [['validUntil', '2026-05-31'] as [string, string]]),
    ...extra,
  ]

  const prepare = async (extra: [string, string][] = []): Promise<string> => {
    const res = await post(jc, '/staff/consents', baseForm(extra))
    expect(res.status).toBe(303)
    const location = res.headers.get('location') ?? ''
    expect(location).toMatch(/^\/staff\/consents\/[\w-]+$/)
    // The subject's name never appears in a URL.
    expect(location).not.toContain('Leonie')
    return location.split('/').pop() as string
  }

  it('when transfers and a revocation notice were delivered to the agency, then its overview lists them as received; the sender does not', async () => {
    // Rows as the delivery worker leaves them (the relay's own tests cover how they get there).
    const row = (id: string, kind: string, status: string) => ({
      id,
      kind,
      status,
      sender_agency_id: 'jc-demo',
      recipient_agency_id: 'aa-demo',
      staff_id: 'staff-jc',
      consent_id: 'cns_test',
      purpose: 'uebergabe',
      categories: JSON.stringify(['schule']),
      subject_pseudonym: 'p'.repeat(64),
      request_id: null,
      related_transfer_ids: '[]',
      plaintext_sha256: 'a'.repeat(64),
      envelope_sha256: 'b'.repeat(64),
      message_id: `<${id}@brucke.test>`,
      attempts: 1,
      next_attempt_at: null,
      give_up_at: '2026-03-03T09:00:00.000Z',
      last_error: null,
      smtp_response: status === 'delivered' ? '250 OK' : null,
      claimed_by: null,
      claim_expires_at: null,
      created_at: '2026-03-02T08:00:00.000Z',
      updated_at: '2026-03-02T08:01:00.000Z',
      delivered_at: status === 'delivered' ? '2026-03-02T08:01:00.000Z' : null,
    })
    await t.deps.db
      .insertInto('transfers')
      .values([
        row('trf_received_1', 'transfer', 'delivered'),
        row('trf_notice_1', 'revocation_notice', 'delivered'),
        row('trf_queued_1', 'transfer', 'queued'),
      ])
      .execute()
    const receiver = await get(aa, '/staff')
    const received = receiver.text.slice(receiver.text.indexOf('id="received-h"'))
    expect(received).toContain('Widerrufsmitteilung: weitere Nutzung einstellen')
    expect(received).toContain('Fallzusammenfassung')
    expect(received.match(/<tr>/g)?.length).toBe(3) // header + two delivered, not the queued one
    const sender = await get(jc, '/staff')
    expect(sender.text.slice(sender.text.indexOf('id="received-h"'))).toContain(
      'Noch nichts eingegangen.',
    )
  })

  it('when staff prepare a narrow consent, then the draft opens with its pickup code and who must sign', async () => {
    const id = await prepare()
    const page = await get(jc, `/staff/consents/${id}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Leonie Quastenberg')
    expect(page.text).toMatch(/class="pickup-code"[^>]*>\s*[A-Z0-9-]{4,}\s*</)
    expect(page.text).toContain('Es müssen noch unterschreiben:')
    expect(page.text).toContain('Junge Person')
  })

  it('when Jugendamt staff mark a category as entrusted, then the entrusting person must sign; other agencies see no such marks', async () => {
    const ja = await sessionFor(t.deps, 'staff-ja')
    const form = await get(ja, '/staff/consents/new')
    // Preselected: the vocabulary's usual § 65 category.
    expect(form.text).toMatch(/name="entrustedCategories"\s+value="hilfeplan"[^>]*checked/)
    expect((await get(jc, '/staff/consents/new')).text).not.toContain('name="entrustedCategories"')
    const res = await post(ja, '/staff/consents', [
      ['kind', 'einwilligung'],
      ['givenName', 'Leonie'],
      ['familyName', 'Quastenberg'],
      ['birthDate', '2005-06-10'],
      ['senders', 'ja-demo'],
      ['recipients', 'jc-demo'],
      ['purposes', 'hilfeplanung'],
      ['categories', 'schule'],
      ['validUntil', '2026-05-31'],
      ['entrustedMarked', 'yes'],
      ['entrustedCategories', 'schule'],
      // Marked, then unticked as a category: the mark is dropped, not refused.
      ['entrustedCategories', 'familie'],
      ['entrusting', 'other'],
      ['entrustingName', 'Petra Quastenberg'],
      ['entrustingRelation', 'Mutter'],
      ['entrustingName2', 'Jonas Quastenberg'],
      ['entrustingRelation2', 'Vater'],
      ['entrustingName3', ''],
    ])
    expect(res.status, res.text.slice(0, 400)).toBe(303)
    const page = await get(ja, res.headers.get('location') ?? '')
    expect(page.text).toContain('Anvertrauende Person (§ 65 SGB VIII)')
    expect(page.text).toContain('Zweite anvertrauende Person (§ 65 SGB VIII)')
    expect(page.text).not.toContain('Dritte anvertrauende Person')
  })

  it('when a choice is broad, then the form warns and creates nothing until staff confirm', async () => {
    const before = await get(jc, '/staff')
    const broad = baseForm([
      ['categories', 'gesundheit'],
      ['validUntil', '2027-02-28'],
    ])
    const warned = await post(jc, '/staff/consents', broad)
    expect(warned.status).toBe(200)
    expect(warned.text).toContain('id="broad-warnings"')
    expect(warned.text).toContain('Besondere Kategorien (Gesundheit')
    expect(warned.text).toContain('Lange Gültigkeit')
    // The entered values survive the round trip.
    expect(warned.text).toMatch(/id="cat-gesundheit"\s+checked/)
    const after = await get(jc, '/staff')
    expect(after.text.match(/\/staff\/consents\/cns/g)?.length).toBe(
      before.text.match(/\/staff\/consents\/cns/g)?.length,
    )
    // Each warning has its own confirm box beside it: one left unticked is not enough.
    const half = await post(jc, '/staff/consents', [
      ...broad,
      ['confirmBroad', 'special_categories'],
    ])
    expect(half.status).toBe(200)
    expect(half.text).toMatch(
      /id="confirm-special_categories"\s+aria-describedby="[^"]+"\s+checked/,
    )
    const confirmed = await post(jc, '/staff/consents', [
      ...broad,
      ['confirmBroad', 'special_categories'],
      ['confirmBroad', 'long_validity'],
    ])
    expect(confirmed.status).toBe(303)
  })

  it('when the validity exceeds the configured maximum, then the form says so with status 400', async () => {
    const res = await post(jc, '/staff/consents', baseForm([['validUntil', '2027-03-02']]))
    expect(res.status).toBe(400)
    expect(res.text).toContain('Die Gültigkeit ist länger als erlaubt.')
  })

  it('when a required field is missing, then the form is shown again with the field named', async () => {
    const res = await post(
      jc,
      '/staff/consents',
      baseForm().filter(([k]) => k !== 'birthDate'),
    )
    expect(res.status).toBe(400)
    expect(res.text).toContain('Bitte prüfen: Geburtsdatum')
  })

  it('when another agency opens the consent, its composer or its print view, then it is not found', async () => {
    const id = await prepare()
    for (const path of [
      `/staff/consents/${id}`,
      `/staff/compose/${id}`,
      `/staff/consents/${id}/print`,
    ])
      expect((await get(aa, path)).status).toBe(404)
    const revoke = await post(aa, `/staff/consents/${id}/revocation`, [['reason', 'x']])
    expect(revoke.status).toBe(404)
  })

  it('when the paper scan is recorded, then the consent is active, the scan kept in the consent store and only its hash audited', async () => {
    const id = await prepare()
    const print = await get(jc, `/staff/consents/${id}/print`)
    expect(print.status).toBe(200)
    expect(print.text).toContain('Unterschrift: Junge Person')
    const scan = paperScan()
    const scanSha256 = createHash('sha256').update(scan).digest('hex')
    const signed = await post(jc, `/staff/consents/${id}/paper-signature`, [
      ['role', 'youth'],
      ['name', 'Leonie Quastenberg'],
      ['scan', scan],
    ])
    expect(signed.status).toBe(303)
    const page = await get(jc, `/staff/consents/${id}`)
    expect(page.text).toContain('status-active')
    expect(page.text).toContain('auf Papier (Scan)')
    // The subject token for the SMTP ingress, ready to copy.
    expect(page.text).toMatch(
      new RegExp(`\\[Brücke consent=${id}\\s+purpose=hilfeplanung\\s+category=…\\]`),
    )
    const entries = await listAuditEntries(t.deps.db, { limit: 1000 })
    const signedEvent = entries.find(
      (e) => e.event.type === 'consent_signed' && JSON.stringify(e.event).includes(id),
    )
    expect(signedEvent).toBeDefined()
    expect(signedEvent!.event).toMatchObject({ evidenceSha256: scanSha256 })
    expect(JSON.stringify(signedEvent)).not.toContain('Leonie')
    const stored = await t.deps.db
      .selectFrom('consent_signatures')
      .select(['evidence', 'evidence_sha256'])
      .where('consent_id', '=', id)
      .executeTakeFirstOrThrow()
    expect(stored).toEqual({ evidence: scan, evidence_sha256: scanSha256 })
  })

  it('when staff push a draft to their agency’s kiosk, then that kiosk has it; another agency’s kiosk is not found', async () => {
    const id = await prepare()
    const page = await get(jc, `/staff/consents/${id}`)
    expect(page.text).toContain('value="kiosk-jc"')
    const pushed = await post(jc, `/staff/consents/${id}/push`, [['kioskId', 'kiosk-jc']])
    expect(pushed.status).toBe(200)
    expect(pushed.text).toContain('an den Kiosk kiosk-jc gesendet')
    expect(await findPushedDraft(t.deps.db, 'kiosk-jc')).toMatchObject({ consentId: id })
    const wrong = await post(jc, `/staff/consents/${id}/push`, [['kioskId', 'staff-aa']])
    expect(wrong.status).toBe(404)
    expect(wrong.text).toContain('ERR_KIOSK_NOT_FOUND')
  })

  it('when a paper signature lacks the scan or brings only a hash, then nothing is signed', async () => {
    const id = await prepare()
    for (const scan of ['', 'a'.repeat(64)]) {
      const res = await post(jc, `/staff/consents/${id}/paper-signature`, [
        ['role', 'youth'],
        ['name', 'Leonie Quastenberg'],
        ['scan', scan],
      ])
      expect(res.status).toBe(400)
    }
    expect((await get(jc, `/staff/consents/${id}`)).text).toContain('status-draft')
  })

  it('when staff revoke on the person’s behalf with a reason, then the consent is revoked on the staff channel', async () => {
    const id = await prepare()
    await post(jc, `/staff/consents/${id}/paper-signature`, [
      ['role', 'youth'],
      ['name', 'Leonie Quastenberg'],
      ['scan', paperScan()],
    ])
    const composer = await get(jc, `/staff/compose/${id}`)
    expect(composer.status).toBe(200)
    expect(composer.text).toContain('data-reason-texts=')
    expect(composer.text).toContain('category_not_covered:gesundheit')
    // A send refused for a missing key says so in German, not with the API's English message.
    expect(composer.text).toContain('data-error-texts=')
    expect(composer.text).toContain('Zum Zertifikat Ihrer Stelle fehlt der private Schlüssel')
    const revoked = await post(jc, `/staff/consents/${id}/revocation`, [
      ['reason', 'Person hat telefonisch widerrufen'],
    ])
    expect(revoked.status).toBe(303)
    const page = await get(jc, `/staff/consents/${id}`)
    expect(page.text).toContain('status-revoked')
    expect(page.text).toContain('Person hat telefonisch widerrufen')
    const again = await post(jc, `/staff/consents/${id}/revocation`, [['reason', 'nochmal']])
    expect(again.status).toBe(409)
    expect(again.text).toContain('Nicht möglich')
  })

  it('when a draft is discarded, then it shows as discarded and can no longer be signed', async () => {
    const id = await prepare()
    expect((await post(jc, `/staff/consents/${id}/discard`, [])).status).toBe(303)
    const sign = await post(jc, `/staff/consents/${id}/paper-signature`, [
      ['role', 'youth'],
      ['name', 'Leonie Quastenberg'],
      ['scan', paperScan()],
    ])
    expect(sign.status).toBe(409)
  })

  it('when staff switch to English, then the workplace speaks English and the choice is a cookie, not a URL', async () => {
    const res = await post(jc, '/staff/language', [
      ['language', 'en'],
      ['back', '/staff/consents/new'],
    ])
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/staff/consents/new')
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toContain('brucke_lang=en')
    const page = await get(jc, '/staff/consents/new', '; brucke_lang=en')
    expect(page.text).toContain('<html lang="en"')
    expect(page.text).toContain('Prepare a consent')
    const overview = await get(jc, '/staff', '; brucke_lang=en')
    expect(overview.text).toContain('Consents expiring soon')
  })

  it('when the language switch names a foreign place to go back to, then it stays in the workplace', async () => {
    const res = await post(jc, '/staff/language', [
      ['language', 'de'],
      ['back', '//evil.example/x'],
    ])
    expect(res.headers.get('location')).toBe('/staff')
  })

  it('when an active consent ends within 30 days, then the overview lists it as expiring soon', async () => {
    const id = await prepare([['validUntil', '2026-03-20']])
    await post(jc, `/staff/consents/${id}/paper-signature`, [
      ['role', 'youth'],
      ['name', 'Leonie Quastenberg'],
      ['scan', paperScan()],
    ])
    const overview = await get(jc, '/staff')
    const expiring = overview.text.split('id="expiring-h"')[1]?.split('</section>')[0] ?? ''
    expect(expiring).toContain(`/staff/consents/${id}`)
    const other = await get(aa, '/staff')
    expect(other.text).not.toContain(id)
  })
})
