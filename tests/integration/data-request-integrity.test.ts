import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addAgency, addUser } from '../../gateway/accounts/account-service.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { insertDataRequest } from '../../db/data-request-repository.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { signAtKioskOverApi } from '../support/consents.ts'

type Session = { cookie: string; csrfToken: string }
type Body = { consentId: string; from: string; purpose: string; categories: string[] }

/**
 * Issue 8 point 7: `POST /requests` admits only a covered recipient asking a sender of the consent
 * for terms of the vocabulary the consent covers; everything else is a 4xx with a clear code and
 * stores nothing — no row, no audit entry, nothing in any inbox. Lists and pages never show an
 * agency a consent id it is no party to, not even for rows stored before the rule.
 */
describe.each(dialects)('data request integrity on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>
  /** Jobcenter → Jugendamt and Agentur; the youth deselected the Agentur and `familie`. */
  let consentId: string
  /** The same, revoked. */
  let revokedId: string

  const agencies = ['jc-demo', 'aa-demo', 'ja-demo', 'tr-demo']

  const ask = (user: string, body: Body) =>
    server.api('POST', '/requests', { token: tokens[user] as string, body })

  /** Everything a request could leave behind: rows, audit entries, every agency's lists. */
  const footprint = async () => {
    const rows = await t.deps.db
      .selectFrom('data_requests')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow()
    const audit = await t.deps.db
      .selectFrom('audit_entries')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow()
    const lists: Record<string, unknown> = {}
    for (const agency of agencies) {
      const user = `staff-${agency.slice(0, 2)}`
      for (const direction of ['incoming', 'outgoing']) {
        const res = await server.api('GET', `/requests?direction=${direction}`, {
          token: tokens[user] as string,
        })
        expect(res.status).toBe(200)
        lists[`${agency} ${direction}`] = res.body
      }
    }
    return { rows: Number(rows.n), audit: Number(audit.n), lists }
  }

  const createConsent = async (): Promise<string> => {
    const draft = await server.api('POST', '/consents', {
      token: tokens['staff-jc'] as string,
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Mira', familyName: 'Anfragewald', birthDate: '2004-02-11' },
        senders: ['jc-demo'],
        recipients: ['ja-demo', 'aa-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule', 'berufswahl', 'familie'],
        validUntil: '2026-12-31',
      },
    })
    expect(draft.status, JSON.stringify(draft.body)).toBe(201)
    const { id, kioskCode } = draft.body as { id: string; kioskCode: string }
    const signed = await signAtKioskOverApi(server, {
      kioskToken: tokens['kiosk-jc'] as string,
      kioskCode,
      consentId: id,
      signature: {
        role: 'youth',
        name: 'Mira Anfragewald',
        deselectedCategories: ['familie'],
        deselectedRecipients: ['aa-demo'],
      },
    })
    expect(signed.status, JSON.stringify(signed.body)).toBe(200)
    expect(signed.body).toMatchObject({ status: 'active', coveredRecipients: ['ja-demo'] })
    return id
  }

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    // A youth-welfare provider registered here but party to none of these consents.
    await addAgency(t.deps, {
      actor: 'system',
      agency: {
        id: 'tr-demo',
        name: 'Träger Demo-Stadt',
        kind: 'traeger',
        mailbox: 'hilfe@tr-demo.example',
      },
    })
    await addUser(t.deps, {
      actor: 'system',
      user: {
        id: 'staff-tr',
        role: 'staff',
        agencyId: 'tr-demo',
        displayName: 'Test staff-tr',
        password: testPassword,
      },
    })
    tokens['staff-tr'] = (
      await issueToken({
        key: t.deps.config.secrets.tokenKey,
        userId: 'staff-tr',
        role: 'staff',
        agencyId: 'tr-demo',
        now: t.deps.clock.now(),
        ttlMinutes: 60,
      })
    ).token
    server = await startTestServer(t.deps)
    consentId = await createConsent()
    revokedId = await createConsent()
    const revoked = await server.api('POST', `/consents/${revokedId}/revocation`, {
      token: tokens['staff-jc'] as string,
      body: { channel: 'staff' },
    })
    expect(revoked.status).toBe(200)
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  const good = (): Body => ({
    consentId,
    from: 'jc-demo',
    purpose: 'hilfeplanung',
    categories: ['schule'],
  })

  it('when the Jugendamt (a covered recipient) asks the Jobcenter (the sender) for covered data, then the request is stored, audited and in the Jobcenter inbox', async () => {
    const before = await footprint()
    const res = await ask('staff-ja', { ...good(), categories: ['schule', 'berufswahl', 'schule'] })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body).toMatchObject({
      status: 'open',
      requesterAgencyId: 'ja-demo',
      holderAgencyId: 'jc-demo',
      consentId,
      categories: ['schule', 'berufswahl'],
      consentCovers: true,
    })
    const after = await footprint()
    expect(after.rows).toBe(before.rows + 1)
    expect(after.audit).toBe(before.audit + 1)
    const inbox = after.lists['jc-demo incoming'] as { requests: { id: string }[] }
    expect(inbox.requests.map((r) => r.id)).toContain((res.body as { id: string }).id)
  })

  const refusals: [string, string, Partial<Body>, number, string, Record<string, unknown>?][] = [
    // Each bad `from`.
    [
      'an agency that does not exist (was a 500)',
      'staff-ja',
      { from: 'nowhere-demo' },
      400,
      'ERR_REQUEST_UNKNOWN_AGENCY',
    ],
    ["the caller's own agency", 'staff-ja', { from: 'ja-demo' }, 400, 'ERR_REQUEST_SELF'],
    ['an agency that is no party', 'staff-ja', { from: 'tr-demo' }, 400, 'ERR_REQUEST_NOT_PARTY'],
    [
      'a recipient instead of a sender',
      'staff-ja',
      { from: 'aa-demo' },
      400,
      'ERR_REQUEST_NOT_SENDER',
    ],
    // Vocabulary and coverage.
    [
      'an unknown purpose',
      'staff-ja',
      { purpose: 'zauberei' },
      400,
      'ERR_REQUEST_UNKNOWN_PURPOSE',
      { purpose: 'zauberei' },
    ],
    [
      'an unknown category',
      'staff-ja',
      { categories: ['schule', 'geheim'] },
      400,
      'ERR_REQUEST_UNKNOWN_CATEGORY',
      { categories: ['geheim'] },
    ],
    [
      'a category the youth deselected',
      'staff-ja',
      { categories: ['schule', 'familie'] },
      400,
      'ERR_REQUEST_NOT_COVERED',
      { categories: ['familie'] },
    ],
    [
      'a purpose the consent does not name',
      'staff-ja',
      { purpose: 'fallkonferenz' },
      400,
      'ERR_REQUEST_NOT_COVERED',
      { purpose: 'fallkonferenz' },
    ],
    // The caller's own place in the consent.
    [
      'a requester that is the sender',
      'staff-jc',
      { from: 'ja-demo' },
      403,
      'ERR_REQUEST_NOT_RECIPIENT',
    ],
    ['a requester the youth deselected', 'staff-aa', {}, 403, 'ERR_REQUEST_NOT_RECIPIENT'],
    ['a requester that is no party', 'staff-tr', {}, 404, 'ERR_REQUEST_CONSENT_NOT_FOUND'],
  ]
  it.each(refusals)(
    'when the request names %s, then it is refused with a clear code and nothing is stored',
    async (_name, user, overrides, status, code, details) => {
      const before = await footprint()
      const res = await ask(user, { ...good(), ...overrides })
      expect(res.status, JSON.stringify(res.body)).toBe(status)
      expect(res.body).toMatchObject({ error: { code, ...(details ? { details } : {}) } })
      expect(await footprint()).toEqual(before)
    },
  )

  it('when the consent is revoked, then a request under it is refused and nothing is stored', async () => {
    const before = await footprint()
    const res = await ask('staff-ja', { ...good(), consentId: revokedId })
    expect(res.status).toBe(409)
    expect(res.body).toMatchObject({ error: { code: 'ERR_REQUEST_CONSENT_NOT_ACTIVE' } })
    expect(await footprint()).toEqual(before)
  })

  it('when an agency that is no party names the consent, then the answer is the very answer for a consent that does not exist', async () => {
    for (const from of ['jc-demo', 'aa-demo', 'ja-demo']) {
      const foreign = await ask('staff-tr', { ...good(), from })
      const absent = await ask('staff-tr', { ...good(), from, consentId: 'cns_no_such_consent' })
      expect(foreign.status).toBe(404)
      expect(foreign.body).toMatchObject({ error: { code: 'ERR_REQUEST_CONSENT_NOT_FOUND' } })
      expect(foreign.body).toEqual(absent.body)
    }
  })

  it('when rows stored before the rule name a holder or requester that is no party, then no list, count or answer page shows them that consent', async () => {
    const stale = async (holder: string, requester: string): Promise<string> => {
      const id = `req_stale_${holder}_${requester}`.replace(/-/g, '_')
      await insertDataRequest(t.deps.db, {
        id,
        requesterAgencyId: requester,
        requesterStaffId: `staff-${requester.slice(0, 2)}`,
        holderAgencyId: holder,
        consentId,
        subjectPseudonym: 'psn_stale',
        purpose: 'hilfeplanung',
        categories: ['schule'],
        createdAt: t.clock.now().toISOString(),
      })
      return id
    }
    const toProvider = await stale('tr-demo', 'ja-demo')
    const fromProvider = await stale('jc-demo', 'tr-demo')

    for (const direction of ['incoming', 'outgoing']) {
      const res = await server.api('GET', `/requests?direction=${direction}`, {
        token: tokens['staff-tr'] as string,
      })
      expect(res.status).toBe(200)
      expect(JSON.stringify(res.body)).not.toContain(consentId)
    }
    const tr: Session = await sessionFor(t.deps, 'staff-tr')
    const page = await fetch(`${server.url}/staff/requests`, { headers: { cookie: tr.cookie } })
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(html).not.toContain(consentId)
    expect(html).not.toContain(toProvider)
    expect(html).not.toContain('data-open-requests') // the navigation counts nothing open
    const answer = await fetch(`${server.url}/staff/requests/${toProvider}/answer`, {
      headers: { cookie: tr.cookie },
      redirect: 'manual',
    })
    expect(answer.status).toBe(404)
    expect(await answer.text()).not.toContain(consentId)

    // The Jobcenter is the consent's sender: a request to it stays visible there.
    const jc = await server.api('GET', '/requests?direction=incoming', {
      token: tokens['staff-jc'] as string,
    })
    const ids = (jc.body as { requests: { id: string }[] }).requests.map((r) => r.id)
    expect(ids).toContain(fromProvider)
    expect(ids).not.toContain(toProvider)
  })

  describe('the request form', () => {
    const post = async (session: Session, fields: [string, string][]) => {
      const res = await fetch(`${server.url}/staff/requests/new`, {
        method: 'POST',
        headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([['_csrf', session.csrfToken], ...fields]).toString(),
        redirect: 'manual',
      })
      return { status: res.status, text: await res.text() }
    }
    const fields = (from: string, categories: string[]): [string, string][] => [
      ['consentId', consentId],
      ['from', from],
      ['purpose', 'hilfeplanung'],
      ...categories.map((c): [string, string] => ['categories', c]),
    ]

    it('when the agency asked is only a recipient, then the form says so in German and keeps what was chosen', async () => {
      const ja = await sessionFor(t.deps, 'staff-ja')
      const before = await footprint()
      const res = await post(ja, fields('aa-demo', ['schule', 'berufswahl']))
      expect(res.status).toBe(400)
      expect(res.text).toContain('role="alert"')
      expect(res.text).toContain(
        'Die angefragte Stelle darf nach dieser Einwilligung keine Daten senden, sie ist dort nur Empfängerin.',
      )
      expect(res.text).toMatch(new RegExp(`<option value="${consentId}"\\s+selected`))
      expect(res.text).toMatch(/<option value="aa-demo"\s+selected/)
      expect(res.text).toMatch(/<option value="hilfeplanung"\s+selected/)
      expect(res.text).toMatch(/id="cat-schule"\s+name="categories"\s+value="schule"\s+checked/)
      expect(res.text).toMatch(
        /id="cat-berufswahl"\s+name="categories"\s+value="berufswahl"\s+checked/,
      )
      expect(res.text).not.toMatch(/id="cat-sucht"\s+name="categories"\s+value="sucht"\s+checked/)
      expect(await footprint()).toEqual(before)
    })

    it('when a category was deselected by the youth, then the form names it in German and keeps it checked', async () => {
      const ja = await sessionFor(t.deps, 'staff-ja')
      const res = await post(ja, fields('jc-demo', ['schule', 'familie']))
      expect(res.status).toBe(400)
      expect(res.text).toContain(
        'Die Einwilligung deckt die Kategorien „Familiäre Situation“ nicht (nicht enthalten oder von der Person abgewählt).',
      )
      expect(res.text).toMatch(/<option value="jc-demo"\s+selected/)
      expect(res.text).toMatch(/id="cat-familie"\s+name="categories"\s+value="familie"\s+checked/)
    })

    it('when the agency asked does not exist, then the form says so instead of failing', async () => {
      const ja = await sessionFor(t.deps, 'staff-ja')
      const res = await post(ja, fields('nowhere-demo', ['schule']))
      expect(res.status).toBe(400)
      expect(res.text).toContain('Die angefragte Stelle ist in Brücke nicht eingetragen.')
    })

    it('when staff may not receive under a consent, then the form does not offer it', async () => {
      const ja = await sessionFor(t.deps, 'staff-ja')
      const aa = await sessionFor(t.deps, 'staff-aa')
      const jc = await sessionFor(t.deps, 'staff-jc')
      const formOf = async (s: Session) =>
        (await fetch(`${server.url}/staff/requests/new`, { headers: { cookie: s.cookie } })).text()
      expect(await formOf(ja)).toContain(`<option value="${consentId}"`)
      expect(await formOf(aa)).not.toContain(`<option value="${consentId}"`) // deselected
      expect(await formOf(jc)).not.toContain(`<option value="${consentId}"`) // the sender
      expect(await formOf(ja)).not.toContain(`<option value="${revokedId}"`) // revoked
    })
  })
})
