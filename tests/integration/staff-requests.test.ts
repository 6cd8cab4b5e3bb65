import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listDataRequests } from '../../db/data-request-repository.ts'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { paperScan } from '../support/signature-evidence.ts'

type Session = { cookie: string; csrfToken: string }

describe.each(dialects)('staff requests inbox on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let ja: Session
  let aa: Session
  let jc: Session
  let consentId: string

  const get = async (session: Session, path: string) => {
    const res = await fetch(server.url + path, {
      headers: { cookie: session.cookie },
      redirect: 'manual',
    })
    return { status: res.status, text: await res.text(), headers: res.headers }
  }
  const post = async (session: Session, path: string, fields: [string, string][]) => {
    const body = new URLSearchParams([['_csrf', session.csrfToken], ...fields])
    const res = await fetch(server.url + path, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
      redirect: 'manual',
    })
    return { status: res.status, text: await res.text(), headers: res.headers }
  }

  /** The table row of one request on a rendered inbox page. */
  const rowOf = (page: string, requestId: string): string => {
    const start = page.indexOf(`data-request-id="${requestId}"`)
    expect(start, `row of ${requestId}`).toBeGreaterThan(-1)
    return page.slice(start, page.indexOf('</tr>', start))
  }

  /** The Jugendamt prepares a consent to send school and career data to the Agentur; signed on paper. */
  const activeConsent = async (): Promise<string> => {
    const prepared = await post(ja, '/staff/consents', [
      ['kind', 'einwilligung'],
      ['givenName', 'Leonie'],
      ['familyName', 'Quastenberg'],
      ['birthDate', '2005-06-10'],
      ['senders', 'ja-demo'],
      ['recipients', 'aa-demo'],
      ['purposes', 'hilfeplanung'],
      ['categories', 'schule'],
      ['categories', 'berufswahl'],
      ['validUntil', '2026-05-31'],
    ])
    expect(prepared.status, prepared.text).toBe(303)
    const id = (prepared.headers.get('location') ?? '').split('/').pop() as string
    const signed = await post(ja, `/staff/consents/${id}/paper-signature`, [
      ['role', 'youth'],
      ['name', 'Leonie Quastenberg'],
      ['scan', paperScan()],
    ])
    expect(signed.status, signed.text).toBe(303)
    return id
  }

  /** staff-aa asks ja-demo through the form; returns the new request's id. */
  const ask = async (categories: string[], under = consentId): Promise<string> => {
    const before = await listDataRequests(t.deps.db, {
      agencyId: 'aa-demo',
      direction: 'outgoing',
      limit: 100,
    })
    const res = await post(aa, '/staff/requests/new', [
      ['consentId', under],
      ['from', 'ja-demo'],
      ['purpose', 'hilfeplanung'],
      ...categories.map((c): [string, string] => ['categories', c]),
    ])
    expect(res.status, res.text).toBe(303)
    expect(res.headers.get('location')).toBe('/staff/requests')
    const after = await listDataRequests(t.deps.db, {
      agencyId: 'aa-demo',
      direction: 'outgoing',
      limit: 100,
    })
    const created = after.filter((r) => !before.some((b) => b.id === r.id))
    expect(created).toHaveLength(1)
    return created[0]!.id
  }

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    server = await startTestServer(t.deps)
    ja = await sessionFor(t.deps, 'staff-ja')
    aa = await sessionFor(t.deps, 'staff-aa')
    jc = await sessionFor(t.deps, 'staff-jc')
    // The Jugendamt holds an active consent to send school and career data to the Agentur.
    consentId = await activeConsent()
  })
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  it('when the Agentur asks the Jugendamt for covered categories, then the Jugendamt inbox shows it open with the consent badge and the open count', async () => {
    const requestId = await ask(['schule', 'berufswahl'])
    const inbox = await get(ja, '/staff/requests')
    expect(inbox.status).toBe(200)
    const row = rowOf(inbox.text, requestId)
    expect(row).toContain('Agentur für Arbeit Demo-Stadt') // the requesting agency's name
    expect(row).toContain('Hilfeplanung')
    expect(row).toContain('data-request-status="open"')
    expect(row).toContain('data-consent-covers="yes"')
    expect(row).toContain('Einwilligung deckt die Anfrage')
    expect(row).toContain(`href="/staff/requests/${requestId}/answer"`)
    // The navigation on every staff page counts the open incoming requests.
    const overview = await get(ja, '/staff')
    expect(overview.text).toMatch(
      /href="\/staff\/requests"[^]*?data-open-requests\s*>\s*\d+\s+offen/,
    )
    // The Agentur sees it among its own requests, without an answer action.
    const mine = await get(aa, '/staff/requests')
    const outgoing = mine.text.slice(mine.text.indexOf('data-requests="outgoing"'))
    expect(rowOf(outgoing, requestId)).toContain('data-request-status="open"')
    expect(mine.text).not.toContain(`/staff/requests/${requestId}/answer`)
  })

  it('when the Jugendamt answers, then the composer opens pre-filled with recipient, purpose, one section per category and the request id', async () => {
    const requestId = await ask(['schule', 'berufswahl'])
    const res = await get(ja, `/staff/requests/${requestId}/answer`)
    expect(res.status).toBe(200)
    expect(res.text).toContain(`data-consent-id="${consentId}"`)
    expect(res.text).toContain(`data-request-id="${requestId}"`)
    expect(res.text).toMatch(/<option value="aa-demo"\s+selected/)
    expect(res.text).toMatch(/<option value="hilfeplanung"\s+selected/)
    // The sections before the (hidden) template for new ones.
    const form = res.text.slice(0, res.text.indexOf('data-section-template'))
    const sections = form.split('data-section>').slice(1)
    expect(sections).toHaveLength(2)
    expect(sections[0]).toMatch(/<option value="schule"\s+selected/)
    expect(sections[1]).toMatch(/<option value="berufswahl"\s+selected/)
    // Only record ids in the URL: the person's name never is.
    expect(`/staff/requests/${requestId}/answer`).not.toContain('Leonie')
  })

  it('when another agency looks, then it neither lists the request nor opens its answer', async () => {
    const requestId = await ask(['schule'])
    const other = await get(jc, '/staff/requests')
    expect(other.status).toBe(200)
    expect(other.text).not.toContain(requestId)
    const answer = await get(jc, `/staff/requests/${requestId}/answer`)
    expect(answer.status).toBe(404)
    // The requester cannot answer its own request either.
    expect((await get(aa, `/staff/requests/${requestId}/answer`)).status).toBe(404)
  })

  it('when the consent is revoked after the request, then the inbox says there is no matching consent', async () => {
    const revokedLater = await activeConsent()
    const requestId = await ask(['schule'], revokedLater)
    const revoked = await post(ja, `/staff/consents/${revokedLater}/revocation`, [
      ['reason', 'Die Person hat telefonisch widerrufen.'],
    ])
    expect(revoked.status, revoked.text).toBe(303)
    const inbox = await get(ja, '/staff/requests')
    const row = rowOf(inbox.text, requestId)
    expect(row).toContain('data-consent-covers="no"')
    expect(row).toContain('keine passende Einwilligung')
  })

  it('when a request asks for a category the consent does not cover, then it is refused and the form names the category', async () => {
    const res = await post(aa, '/staff/requests/new', [
      ['consentId', consentId],
      ['from', 'ja-demo'],
      ['purpose', 'hilfeplanung'],
      ['categories', 'schule'],
      ['categories', 'sucht'],
    ])
    expect(res.status).toBe(400)
    expect(res.text).toContain('Die Einwilligung deckt die Kategorien „Suchtmittel“ nicht')
    expect(res.text).toMatch(/id="cat-sucht"\s+name="categories"\s+value="sucht"\s+checked/)
  })

  it('when the form lacks categories or names a consent the agency is no party to, then nothing is requested', async () => {
    const before = await listDataRequests(t.deps.db, {
      agencyId: 'ja-demo',
      direction: 'incoming',
      limit: 100,
    })
    const empty = await post(aa, '/staff/requests/new', [
      ['consentId', consentId],
      ['from', 'ja-demo'],
      ['purpose', 'hilfeplanung'],
    ])
    expect(empty.status).toBe(400)
    const foreign = await post(jc, '/staff/requests/new', [
      ['consentId', consentId],
      ['from', 'ja-demo'],
      ['purpose', 'hilfeplanung'],
      ['categories', 'schule'],
    ])
    expect(foreign.status).toBe(404)
    const after = await listDataRequests(t.deps.db, {
      agencyId: 'ja-demo',
      direction: 'incoming',
      limit: 100,
    })
    expect(after).toHaveLength(before.length)
  })

  it('when staff open the request form, then it offers their active consents and partner agencies but not their own', async () => {
    const form = await get(aa, `/staff/requests/new?consent=${consentId}`)
    expect(form.status).toBe(200)
    expect(form.text).toMatch(new RegExp(`<option value="${consentId}"\\s+selected`))
    expect(form.text).toContain('<option value="ja-demo"')
    expect(form.text).not.toContain('<option value="aa-demo"')
  })
})
