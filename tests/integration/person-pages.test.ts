import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { insertDataRequest } from '../../db/data-request-repository.ts'
import { insertQueuedTransfer } from '../../db/transfer-repository.ts'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { paperScan } from '../support/signature-evidence.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * The person search and page (issue 18 point 1) over HTTP against a real database: only the
 * caller's agency's consents are searched, and the page shows only the agency's own side.
 */
describe.each(dialects)('the person search and page on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let miraConsent: string
  let miraPseudonym: string
  let timoConsent: string

  async function as(userId: string) {
    const session = await sessionFor(t.deps, userId)
    const get = (path: string) =>
      fetch(`${server.url}${path}`, { headers: { cookie: session.cookie }, redirect: 'manual' })
    const post = (path: string, fields: [string, string][]) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          cookie: session.cookie,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams([['_csrf', session.csrfToken], ...fields]).toString(),
        redirect: 'manual',
      })
    const search = (q: string) => post('/staff/people', [['q', q]])
    return { get, post, search }
  }

  async function prepareAndSign(
    userId: string,
    person: { givenName: string; familyName: string; birthDate: string; caseRef: string },
    from: string,
    validUntil: string,
  ): Promise<string> {
    const staff = await as(userId)
    const prepared = await staff.post('/staff/consents', [
      ['givenName', person.givenName],
      ['familyName', person.familyName],
      ['birthDate', person.birthDate],
      ['caseRef', person.caseRef],
      ['senders', from],
      ['recipients', 'ja-demo'],
      ['purposes', 'hilfeplanung'],
      ['categories', 'schule'],
      ['validUntil', validUntil],
    ])
    expect(prepared.status, await prepared.text()).toBe(303)
    const id = (prepared.headers.get('location') ?? '').split('/').pop() as string
    const signed = await staff.post(`/staff/consents/${id}/paper-signature`, [
      ['role', 'youth'],
      ['name', `${person.givenName} ${person.familyName}`],
      ['scan', paperScan()],
    ])
    expect(signed.status).toBe(303)
    return id
  }

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    server = await startTestServer(t.deps)
    miraConsent = await prepareAndSign(
      'staff-jc',
      { givenName: 'Mira', familyName: 'Özdemir', birthDate: '2007-11-03', caseRef: 'JC-4711/26' },
      'jc-demo',
      // Ends within 30 days: the page offers its renewal.
      '2026-03-20',
    )
    timoConsent = await prepareAndSign(
      'staff-aa',
      { givenName: 'Timo', familyName: 'Özdemir', birthDate: '2006-01-20', caseRef: 'AA-0815' },
      'aa-demo',
      '2026-05-31',
    )
    const row = await t.deps.db
      .selectFrom('consents')
      .select('subject_pseudonym')
      .where('id', '=', miraConsent)
      .executeTakeFirstOrThrow()
    miraPseudonym = row.subject_pseudonym
    const at = t.clock.now()
    // What happened around Mira: a transfer the Jobcenter sent, one item each agency received,
    // an open request of the Jugendamt to the Jobcenter.
    await insertQueuedTransfer(t.deps.db, {
      id: 'trf_mira1',
      kind: 'transfer',
      senderAgencyId: 'jc-demo',
      recipientAgencyId: 'ja-demo',
      senderMailbox: 'jc@example.test',
      recipientMailbox: 'ja@example.test',
      staffId: 'staff-jc',
      consentId: miraConsent,
      purpose: 'hilfeplanung',
      categories: ['schule'],
      subjectPseudonym: miraPseudonym,
      plaintextSha256: 'a'.repeat(64),
      envelopeSha256: 'b'.repeat(64),
      messageId: '<trf_mira1@example.test>',
      envelope: 'sealed',
      at,
      giveUpAt: new Date(at.getTime() + 86_400_000),
    })
    for (const item of [
      { id: 'inb_mira_ja', to: 'ja-demo', from: 'jc-demo', pseudonym: null },
      { id: 'inb_mira_jc', to: 'jc-demo', from: 'ja-demo', pseudonym: miraPseudonym },
    ])
      await t.deps.db
        .insertInto('inbound_items')
        .values({
          id: item.id,
          kind: 'case_summary',
          status: 'received',
          recipient_agency_id: item.to,
          sender_agency_id: item.from,
          message_id: `<${item.id}@example.test>`,
          transfer_id: null,
          consent_id: item.pseudonym ? null : miraConsent,
          subject_pseudonym: item.pseudonym,
          purpose: 'hilfeplanung',
          categories: JSON.stringify(['schule']),
          attestation_json: null,
          envelope: 'sealed',
          envelope_sha256: 'c'.repeat(64),
          refusal_reason: null,
          use_stopped_at: null,
          use_stopped_by_item_id: null,
          acknowledged_at: null,
          acknowledged_by: null,
          received_at: at.toISOString(),
        })
        .execute()
    await insertDataRequest(t.deps.db, {
      id: 'req_mira1',
      requesterAgencyId: 'ja-demo',
      requesterStaffId: 'staff-ja',
      holderAgencyId: 'jc-demo',
      consentId: miraConsent,
      subjectPseudonym: miraPseudonym,
      purpose: 'hilfeplanung',
      categories: ['schule'],
      createdAt: at.toISOString(),
    })
  }, 120_000)
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  const found = (page: string) =>
    [...page.matchAll(/data-person="(psn_[0-9a-f]+)"/g)].map((m) => m[1])

  it('when Jobcenter staff search a family name, then only the people of their own consents are found', async () => {
    const res = await (await as('staff-jc')).search('özdemir')
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(found(page)).toEqual([miraPseudonym])
    expect(page).toContain('Özdemir, Mira')
    expect(page).toContain('03.11.2007')
    expect(page).not.toContain('Timo')
  })

  it('when the recipient agency searches, then it finds everyone of the consents it receives under', async () => {
    // Typed without the umlaut, as on many keyboards.
    const both = await (await (await as('staff-ja')).search('OZDEMIR')).text()
    expect(found(both)).toHaveLength(2)
    expect(both).toContain('Timo')
  })

  it('when staff search by birth date or case reference, then the person is found; another agency finds nobody', async () => {
    const jc = await as('staff-jc')
    for (const q of ['03.11.2007', '2007-11-03', 'jc-4711', 'mira 03.11.2007'])
      expect(found(await (await jc.search(q)).text()), q).toEqual([miraPseudonym])
    const aa = await as('staff-aa')
    for (const q of ['Mira', '03.11.2007', 'JC-4711/26']) {
      const page = await (await aa.search(q)).text()
      expect(found(page), q).toEqual([])
      expect(page).toContain('data-people-empty')
    }
  })

  it('when the search is too long or holds nothing to search for, then the page says so with 400, never 500', async () => {
    const jc = await as('staff-jc')
    const long = await jc.search('x'.repeat(201))
    expect(long.status).toBe(400)
    expect(await long.text()).toContain('höchstens 200 Zeichen')
    const blank = await jc.search(',;')
    expect(blank.status).toBe(400)
    const twice = await jc.post('/staff/people', [
      ['q', 'a'],
      ['q', 'b'],
    ])
    expect(twice.status).toBe(400)
    // The form alone, and a search typed into the address is not run: names stay out of URLs.
    const form = await jc.get('/staff/people?q=Mira')
    expect(form.status).toBe(200)
    expect(found(await form.text())).toEqual([])
  })

  it('when Jobcenter staff open the person page, then it shows the consent with state, validity, coverage and actions, and the agency’s own transfers, items and requests', async () => {
    const res = await (await as('staff-jc')).get(`/staff/people/${miraPseudonym}`)
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(page).toContain('Mira Özdemir')
    expect(page).toContain('JC-4711/26')
    expect(page).toContain(`data-person-consent="${miraConsent}"`)
    expect(page).not.toContain(timoConsent)
    expect(page).toContain('Gültig')
    expect(page).toMatch(/02\.03\.2026\s+–\s+20\.03\.2026/)
    expect(page).toContain(`href="/staff/compose/${miraConsent}"`)
    expect(page).toContain(`href="/staff/consents/${miraConsent}/print"`)
    expect(page).toContain(`action="/staff/consents/${miraConsent}/revocation"`)
    expect(page).toContain(`href="/staff/consents/${miraConsent}/renewal"`)
    expect(page).toContain('data-ending-soon')
    expect(page).toContain(`href="/staff/consents/new?person=${miraPseudonym}"`)
    expect(page).toContain('data-person-transfer="trf_mira1"')
    expect(page).toContain('data-person-inbox-item="inb_mira_jc"')
    expect(page).not.toContain('inb_mira_ja')
    expect(page).toContain('data-person-request="req_mira1"')
    expect(page).toContain('href="/staff/requests/req_mira1/answer"')
    // The consent's own page leads back to the person.
    const detail = await (await as('staff-jc')).get(`/staff/consents/${miraConsent}`)
    expect(await detail.text()).toContain(`href="/staff/people/${miraPseudonym}"`)
  })

  it('when the recipient agency opens the page, then it sees its own side: no sending, what it received, its request', async () => {
    const page = await (await (await as('staff-ja')).get(`/staff/people/${miraPseudonym}`)).text()
    expect(page).not.toContain(`href="/staff/compose/${miraConsent}"`)
    expect(page).not.toContain('trf_mira1')
    expect(page).toContain('data-person-inbox-item="inb_mira_ja"')
    expect(page).not.toContain('inb_mira_jc')
    expect(page).toContain('data-person-request="req_mira1"')
  })

  it('when another agency or a malformed address asks for the person page, then it does not exist', async () => {
    expect((await (await as('staff-aa')).get(`/staff/people/${miraPseudonym}`)).status).toBe(404)
    expect((await (await as('staff-jc')).get('/staff/people/Mira')).status).toBe(404)
  })

  it('when a new consent is prepared from the person page, then the form is prefilled for the own agency only', async () => {
    const jcForm = await (
      await (await as('staff-jc')).get(`/staff/consents/new?person=${miraPseudonym}`)
    ).text()
    expect(jcForm).toContain('value="Mira"')
    expect(jcForm).toContain('value="Özdemir"')
    expect(jcForm).toContain('value="2007-11-03"')
    expect(jcForm).toContain('value="JC-4711/26"')
    const aaForm = await (
      await (await as('staff-aa')).get(`/staff/consents/new?person=${miraPseudonym}`)
    ).text()
    expect(aaForm).not.toContain('Özdemir')
  })

  it('when staff search for a person and open their page, then both are audited — who, how many words and matches, whom they viewed — and nothing typed is in the log', async () => {
    const latest = async (type: string) =>
      (await listAuditEntries(t.deps.db, { limit: 5000 }))
        .filter((e) => e.event.type === type)
        .at(-1)
    const jc = await as('staff-jc')
    expect((await jc.search('özdemir 03.11.2007')).status).toBe(200)
    const searched = await latest('person_searched')
    expect(searched?.actor).toBe('user:staff-jc')
    expect(searched?.event).toEqual({
      type: 'person_searched',
      agencyId: 'jc-demo',
      termCount: 1,
      withBirthDate: true,
      matches: 1,
    })
    expect(JSON.stringify(searched)).not.toMatch(/zdemir|2007-11-03|03\.11\.2007/i)

    expect((await jc.get(`/staff/people/${miraPseudonym}`)).status).toBe(200)
    const viewed = await latest('person_viewed')
    expect(viewed?.actor).toBe('user:staff-jc')
    expect(viewed?.event).toMatchObject({
      type: 'person_viewed',
      subjectPseudonym: miraPseudonym,
      agencyId: 'jc-demo',
      via: 'page',
    })
    // Another agency's attempt finds nobody: a 404, and no view is recorded for it.
    const before = (await listAuditEntries(t.deps.db, { limit: 5000 })).length
    expect((await (await as('staff-aa')).get(`/staff/people/${miraPseudonym}`)).status).toBe(404)
    const after = await listAuditEntries(t.deps.db, { limit: 5000 })
    expect(after.slice(before).filter((e) => e.event.type === 'person_viewed')).toEqual([])
  })
})
