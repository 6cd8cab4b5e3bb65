import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { createRelayPki, registerRelayPki } from '../support/smtp-relay-setup.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { signAtKioskOverApi } from '../support/consents.ts'
import { attestedCircumstances, drawnSignature, paperScan } from '../support/signature-evidence.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

// The test clock starts at 2026-03-02T09:00Z (10:00 in Berlin).
const subject = { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' }
const minor = { givenName: 'Emil', familyName: 'Zwirbelmann', birthDate: '2010-01-20' }

const draftBody = (overrides: Record<string, unknown> = {}) => ({
  kind: 'einwilligung',
  subject,
  senders: ['jc-demo'],
  recipients: ['ja-demo'],
  purposes: ['hilfeplanung'],
  categories: ['schule', 'berufswahl', 'gesundheit'],
  validUntil: '2026-12-31',
  ...overrides,
})

interface View {
  id: string
  status: string
  requiredSignatories: string[]
  missingSignatories: string[]
  coveredCategories: string[]
  kioskCode: string | null
  subjectPseudonym: string
  text: { sha256: string; templateId: string; version: number; language: string }
}

const evidenceFor: Record<string, () => string> = {
  kiosk_drawn: drawnSignature,
  paper_scan: paperScan,
  staff_attested: () => attestedCircumstances,
}

const signature = (overrides: Record<string, unknown> = {}) => {
  const method = (overrides.method as string | undefined) ?? 'kiosk_drawn'
  return {
    role: 'youth',
    name: 'Leonie Quastenberg',
    method,
    evidence: evidenceFor[method]?.() ?? 'none',
    chosenSpecialCategories: ['gesundheit'],
    ...overrides,
  }
}

describe.each(dialects)('consent REST API on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    // The dry run checks both certificates as the transfer does (issue 16, point 8).
    await registerRelayPki(t.deps, await createRelayPki())
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: draftBody(overrides),
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as View
  }

  /** The youth signs at the kiosk of jc-demo: pickup, text displayed, drawn signature. */
  const kioskSign = (draft: View, overrides: Record<string, unknown> = {}) =>
    signAtKioskOverApi(server, {
      kioskToken: tokens['kiosk-jc'] as string,
      kioskCode: draft.kioskCode as string,
      consentId: draft.id,
      signature: signature(overrides),
    })

  it('when staff create a consent, then it is a draft with signatories, a pickup code and an audit entry', async () => {
    const view = await create()
    expect(view.status).toBe('draft')
    expect(view.requiredSignatories).toEqual(['youth'])
    expect(view.kioskCode).toMatch(/^[ACDEFGHJKMNPQRTUVWXY34679]{8}$/)
    expect(view.text).toMatchObject({ templateId: 'einwilligung', version: 2, language: 'de' })
    expect(view.text.sha256).toMatch(/^[0-9a-f]{64}$/)
    const entries = await listAuditEntries(t.deps.db, { limit: 1000 })
    const created = entries.filter(
      (e) =>
        e.event.type === 'consent_created' &&
        'consentId' in e.event &&
        e.event.consentId === view.id,
    )
    expect(created).toHaveLength(1)
    expect(created[0]?.actor).toBe('user:staff-jc')
  })

  it('when the youth signs at the kiosk, then the consent is active and the decision permits', async () => {
    const draft = await create()
    const picked = await server.api('GET', `/consents/pickup/${draft.kioskCode}`, {
      token: tokens['kiosk-jc'],
    })
    expect(picked.status).toBe(200)
    expect((picked.body as View).id).toBe(draft.id)
    const signed = await kioskSign(draft)
    expect(signed.status, JSON.stringify(signed.body)).toBe(200)
    expect((signed.body as View).status).toBe('active')
    expect((signed.body as View).kioskCode).toBeNull()
    const decision = await server.api('POST', '/decisions', {
      token: tokens['staff-jc'],
      body: {
        consentId: draft.id,
        to: 'ja-demo',
        purpose: 'hilfeplanung',
        categories: ['schule', 'gesundheit'],
      },
    })
    expect(decision).toMatchObject({ status: 200, body: { decision: 'permit', reasons: [] } })
  })

  it('when a special category is not chosen expressly at signing, then it is not covered', async () => {
    const draft = await create()
    const signed = await kioskSign(draft, {
      chosenSpecialCategories: [],
      deselectedCategories: ['berufswahl'],
    })
    expect((signed.body as View).coveredCategories).toEqual(['schule'])
    const decision = await server.api('POST', '/decisions', {
      token: tokens['staff-jc'],
      body: {
        consentId: draft.id,
        to: 'ja-demo',
        purpose: 'hilfeplanung',
        categories: ['schule', 'gesundheit', 'berufswahl'],
      },
    })
    expect(decision.body).toEqual({
      decision: 'deny',
      reasons: ['category_not_covered:berufswahl', 'category_not_covered:gesundheit'],
    })
  })

  it('when a consent is revoked, then the next decision is denied with consent_revoked', async () => {
    const draft = await create()
    expect((await kioskSign(draft)).status).toBe(200)
    const decide = () =>
      server.api('POST', '/decisions', {
        token: tokens['staff-jc'],
        body: {
          consentId: draft.id,
          to: 'ja-demo',
          purpose: 'hilfeplanung',
          categories: ['schule'],
        },
      })
    expect((await decide()).body).toMatchObject({ decision: 'permit' })
    const revoked = await server.api('POST', `/consents/${draft.id}/revocation`, {
      token: tokens['staff-ja'],
      body: { channel: 'staff' },
    })
    expect(revoked.status).toBe(200)
    expect((revoked.body as View).status).toBe('revoked')
    expect((await decide()).body).toEqual({ decision: 'deny', reasons: ['consent_revoked'] })
    const again = await server.api('POST', `/consents/${draft.id}/revocation`, {
      token: tokens['staff-jc'],
      body: { channel: 'staff' },
    })
    expect(again.status).toBe(409)
    expect(again.body).toMatchObject({ error: { code: 'ERR_CONSENT_NOT_ACTIVE' } })
  })

  it('when another agency asks for a consent, then it gets 404 as if it did not exist', async () => {
    const draft = await create({ recipients: ['ja-demo'] })
    for (const [method, path, body] of [
      ['GET', `/consents/${draft.id}`, undefined],
      ['POST', `/consents/${draft.id}/revocation`, { channel: 'staff' }],
      [
        'POST',
        '/decisions',
        { consentId: draft.id, to: 'ja-demo', purpose: 'hilfeplanung', categories: ['schule'] },
      ],
    ] as const) {
      const res = await server.api(method, path, { token: tokens['staff-aa'], body })
      expect(res.status, path).toBe(404)
      expect(res.body).toMatchObject({ error: { code: 'ERR_CONSENT_NOT_FOUND' } })
    }
    const unknown = await server.api('GET', '/consents/cns_doesnotexist', {
      token: tokens['staff-aa'],
    })
    expect(unknown.status).toBe(404)
    const listed = await server.api('GET', '/consents', { token: tokens['staff-aa'] })
    expect((listed.body as { consents: View[] }).consents.map((c) => c.id)).not.toContain(draft.id)
    const own = await server.api('GET', '/consents?status=draft', { token: tokens['staff-ja'] })
    expect((own.body as { consents: View[] }).consents.map((c) => c.id)).toContain(draft.id)
  })

  it('when the input is bad, then the answer is 400 with the code and nothing is written', async () => {
    const count = async () =>
      (
        await t.deps.db
          .selectFrom('consents')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n
    const before = {
      consents: Number(await count()),
      audit: (await listAuditEntries(t.deps.db, { limit: 10000 })).length,
    }
    const cases: [Record<string, unknown>, string][] = [
      [{ purposes: [] }, 'ERR_CONSENT_NO_PURPOSE'],
      [{ categories: [] }, 'ERR_CONSENT_NO_CATEGORY'],
      [{ recipients: [] }, 'ERR_CONSENT_NO_RECIPIENT'],
      [{ recipients: ['jc-demo'] }, 'ERR_CONSENT_SENDER_IS_RECIPIENT'],
      [{ recipients: ['*'] }, 'ERR_CONSENT_WILDCARD_PARTY'],
      [{ recipients: ['nowhere'] }, 'ERR_CONSENT_UNKNOWN_AGENCY'],
      [{ purposes: ['everything'] }, 'ERR_CONSENT_UNKNOWN_PURPOSE'],
      [{ validUntil: '2027-06-01' }, 'ERR_CONSENT_VALIDITY_TOO_LONG'],
      [{ validFrom: '2026-01-01', validUntil: '2026-02-01' }, 'ERR_CONSENT_VALIDITY_IN_PAST'],
      [{ kind: 'schweigepflichtsentbindung' }, 'ERR_CONSENT_RELEASED_PROFESSIONALS_MISSING'],
      [{ language: 'xx' }, 'ERR_CONSENT_UNKNOWN_LANGUAGE'],
      [{ surprise: true }, 'validation_failed'],
      [{ validUntil: undefined }, 'validation_failed'],
    ]
    for (const [overrides, code] of cases) {
      const res = await server.api('POST', '/consents', {
        token: tokens['staff-jc'],
        body: draftBody(overrides),
      })
      expect(res.status, code).toBe(400)
      expect(res.body, code).toMatchObject({ error: { code } })
    }
    const kioskCreate = await server.api('POST', '/consents', {
      token: tokens['kiosk-jc'],
      body: draftBody(),
    })
    expect(kioskCreate.status).toBe(403)
    expect(Number(await count())).toBe(before.consents)
    // Only the kiosk's refused attempt is in the audit log; no consent event was written.
    const after = await listAuditEntries(t.deps.db, { limit: 10000 })
    expect(after.slice(before.audit).map((e) => e.event.type)).toEqual(['permission_refused'])
  })

  it('when the youth is a minor, then the consent stays a draft until the guardian signs', async () => {
    const draft = await create({ subject: minor })
    expect(draft.requiredSignatories).toEqual(['youth', 'guardian'])
    const youth = await kioskSign(draft, { name: 'Emil Zwirbelmann' })
    expect(youth.body).toMatchObject({ status: 'draft', missingSignatories: ['guardian'] })
    const decision = await server.api('POST', '/decisions', {
      token: tokens['staff-jc'],
      body: { consentId: draft.id, to: 'ja-demo', purpose: 'hilfeplanung', categories: ['schule'] },
    })
    expect(decision.body).toEqual({ decision: 'deny', reasons: ['guardian_signature_missing'] })
    const guardianWithChoice = await server.api('POST', `/consents/${draft.id}/signatures`, {
      token: tokens['staff-jc'],
      body: signature({
        role: 'guardian',
        name: 'Maria Zwirbelmann',
        method: 'paper_scan',
        chosenSpecialCategories: [],
        deselectedCategories: ['schule'],
      }),
    })
    expect(guardianWithChoice.body).toMatchObject({
      error: { code: 'ERR_CONSENT_DESELECTION_NOT_YOUTH' },
    })
    const kioskAsStaff = await server.api('POST', `/consents/${draft.id}/signatures`, {
      token: tokens['kiosk-jc'],
      body: signature({
        role: 'guardian',
        name: 'Maria Zwirbelmann',
        method: 'paper_scan',
        chosenSpecialCategories: [],
      }),
    })
    expect(kioskAsStaff.body).toMatchObject({ error: { code: 'ERR_CONSENT_METHOD_NOT_ALLOWED' } })
    const guardian = await server.api('POST', `/consents/${draft.id}/signatures`, {
      token: tokens['staff-jc'],
      body: signature({
        role: 'guardian',
        name: 'Maria Zwirbelmann',
        method: 'paper_scan',
        chosenSpecialCategories: [],
      }),
    })
    expect(guardian.body).toMatchObject({ status: 'active', missingSignatories: [] })
    const twice = await server.api('POST', `/consents/${draft.id}/signatures`, {
      token: tokens['staff-jc'],
      body: signature({
        role: 'guardian',
        name: 'Maria Zwirbelmann',
        method: 'paper_scan',
        chosenSpecialCategories: [],
      }),
    })
    expect(twice.status).toBe(409)
  })

  it('when a Jugendamt releases Hilfeplan data entrusted by another person, then that person must sign too', async () => {
    const res = await server.api('POST', '/consents', {
      token: tokens['staff-ja'],
      body: draftBody({
        kind: 'schweigepflichtsentbindung',
        senders: ['ja-demo'],
        recipients: ['jc-demo'],
        categories: ['hilfeplan', 'familie'],
        releasedProfessionals: ['Sozialpädagogin des Allgemeinen Sozialdienstes'],
      }),
    })
    expect(res.body).toMatchObject({ error: { code: 'ERR_CONSENT_ENTRUSTING_PERSON_MISSING' } })
    const ok = await server.api('POST', '/consents', {
      token: tokens['staff-ja'],
      body: draftBody({
        kind: 'schweigepflichtsentbindung',
        senders: ['ja-demo'],
        recipients: ['jc-demo'],
        categories: ['hilfeplan', 'familie'],
        releasedProfessionals: ['Sozialpädagogin des Allgemeinen Sozialdienstes'],
        entrustingPerson: { isYouth: false, name: 'Petra Quastenberg', relation: 'Mutter' },
      }),
    })
    expect(ok.status).toBe(201)
    expect((ok.body as View).requiredSignatories).toEqual(['youth', 'entrusting_person'])
    // Deselecting the Hilfeplan at signing removes the need for the entrusting person.
    const signed = await server.api('POST', `/consents/${(ok.body as View).id}/signatures`, {
      token: tokens['staff-ja'],
      body: signature({
        method: 'staff_attested',
        deselectedCategories: ['hilfeplan'],
        chosenSpecialCategories: [],
      }),
    })
    expect(signed.body).toMatchObject({ status: 'active', requiredSignatories: ['youth'] })
  })

  it('when Jugendamt staff mark any category as entrusted, then its entrusting person must sign — and only a Jugendamt may mark', async () => {
    const fromJa = {
      kind: 'schweigepflichtsentbindung',
      senders: ['ja-demo'],
      recipients: ['jc-demo'],
      categories: ['schule', 'familie'],
      releasedProfessionals: ['Sozialpädagogin des Allgemeinen Sozialdienstes'],
    }
    // Schule is not a § 65 category of the vocabulary; marked entrusted, it counts all the same.
    const missing = await server.api('POST', '/consents', {
      token: tokens['staff-ja'],
      body: draftBody({ ...fromJa, entrustedCategories: ['schule'] }),
    })
    expect(missing.body).toMatchObject({ error: { code: 'ERR_CONSENT_ENTRUSTING_PERSON_MISSING' } })
    const marked = await server.api('POST', '/consents', {
      token: tokens['staff-ja'],
      body: draftBody({
        ...fromJa,
        entrustedCategories: ['schule'],
        entrustingPerson: { isYouth: false, name: 'Petra Quastenberg', relation: 'Mutter' },
      }),
    })
    expect(marked.status).toBe(201)
    expect((marked.body as View).requiredSignatories).toEqual(['youth', 'entrusting_person'])
    // Not marked: the same data needs no entrusting person.
    const unmarked = await server.api('POST', '/consents', {
      token: tokens['staff-ja'],
      body: draftBody({ ...fromJa, entrustedCategories: [] }),
    })
    expect((unmarked.body as View).requiredSignatories).toEqual(['youth'])
    const notChosen = await server.api('POST', '/consents', {
      token: tokens['staff-ja'],
      body: draftBody({ ...fromJa, entrustedCategories: ['gesundheit'] }),
    })
    expect(notChosen.status).toBe(400)
    expect(notChosen.body).toMatchObject({
      error: { code: 'ERR_CONSENT_ENTRUSTED_NOT_A_CATEGORY' },
    })
    const notJugendamt = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: draftBody({ entrustedCategories: ['schule'] }),
    })
    expect(notJugendamt.status).toBe(400)
    expect(notJugendamt.body).toMatchObject({
      error: { code: 'ERR_CONSENT_ENTRUSTED_WITHOUT_JUGENDAMT' },
    })
  })

  it('when two people entrusted the data, then both must sign before the consent is active', async () => {
    const body = draftBody({
      kind: 'schweigepflichtsentbindung',
      senders: ['ja-demo'],
      recipients: ['jc-demo'],
      categories: ['hilfeplan', 'familie'],
      releasedProfessionals: ['Sozialpädagogin des Allgemeinen Sozialdienstes'],
      entrustingPersons: [
        { isYouth: false, name: 'Petra Quastenberg', relation: 'Mutter' },
        { isYouth: false, name: 'Jonas Quastenberg', relation: 'Vater' },
      ],
    })
    const both = await server.api('POST', '/consents', {
      token: tokens['staff-ja'],
      body: { ...body, entrustingPerson: { isYouth: true } },
    })
    expect(both.body).toMatchObject({ error: { code: 'ERR_CONSENT_DUPLICATE_ENTRY' } })
    const draft = await server.api('POST', '/consents', { token: tokens['staff-ja'], body })
    expect(draft.status).toBe(201)
    const id = (draft.body as View).id
    expect((draft.body as View).requiredSignatories).toEqual([
      'youth',
      'entrusting_person',
      'entrusting_person_2',
    ])
    const sign = (role: string, name: string) =>
      server.api('POST', `/consents/${id}/signatures`, {
        token: tokens['staff-ja'],
        body: signature({ role, name, method: 'paper_scan', chosenSpecialCategories: [] }),
      })
    expect((await sign('youth', 'Leonie Quastenberg')).status).toBe(200)
    const mother = await sign('entrusting_person', 'Petra Quastenberg')
    expect(mother.body).toMatchObject({
      status: 'draft',
      missingSignatories: ['entrusting_person_2'],
    })
    const father = await sign('entrusting_person_2', 'Jonas Quastenberg')
    expect(father.body).toMatchObject({ status: 'active', missingSignatories: [] })
  })

  it('when a draft is discarded, then it can no longer be signed or picked up', async () => {
    const draft = await create()
    const discarded = await server.api('POST', `/consents/${draft.id}/discard`, {
      token: tokens['staff-jc'],
    })
    expect(discarded.body).toMatchObject({ status: 'discarded', kioskCode: null })
    const pickup = await server.api('GET', `/consents/pickup/${draft.kioskCode}`, {
      token: tokens['kiosk-jc'],
    })
    expect(pickup.body).toMatchObject({ error: { code: 'ERR_CONSENT_KIOSK_CODE_INVALID' } })
    // Without a flow on this draft the kiosk does not even see it.
    const sign = await server.api('POST', `/consents/${draft.id}/signatures`, {
      token: tokens['kiosk-jc'],
      body: signature(),
    })
    expect(sign.body).toMatchObject({ error: { code: 'ERR_CONSENT_NOT_FOUND' } })
    const paper = await server.api('POST', `/consents/${draft.id}/signatures`, {
      token: tokens['staff-jc'],
      body: signature({ method: 'paper_scan' }),
    })
    expect(paper.body).toMatchObject({ error: { code: 'ERR_CONSENT_NOT_DRAFT' } })
  })

  it('when the youth declines at the kiosk, then the draft is declined, its pickup code dies and the preparer sees the reason', async () => {
    const draft = await create()
    const withoutFlow = await server.api('POST', `/consents/${draft.id}/decline`, {
      token: tokens['kiosk-jc'],
      body: {},
    })
    expect(withoutFlow.body).toMatchObject({ error: { code: 'ERR_CONSENT_NOT_FOUND' } })
    const picked = await server.api('GET', `/consents/pickup/${draft.kioskCode}`, {
      token: tokens['kiosk-jc'],
    })
    expect(picked.status).toBe(200)
    const res = await server.api('POST', `/consents/${draft.id}/decline`, {
      token: tokens['kiosk-jc'],
      body: { reason: 'Ich möchte erst mit meiner Mutter sprechen.' },
    })
    expect(res.body).toMatchObject({ status: 'declined', kioskCode: null })
    const entries = await listAuditEntries(t.deps.db, { limit: 10000 })
    expect(entries.at(-1)?.event).toEqual({
      type: 'consent_declined',
      consentId: draft.id,
      subjectPseudonym: draft.subjectPseudonym,
      agencyId: 'jc-demo',
      reasonGiven: true,
    })
    // The reason stays in the consent store: the audit entry only says that one was given.
    expect(JSON.stringify(entries.at(-1))).not.toContain('Mutter')
    const seen = await server.api('GET', `/consents/${draft.id}`, { token: tokens['staff-jc'] })
    expect(seen.body).toMatchObject({
      status: 'declined',
      declineReason: 'Ich möchte erst mit meiner Mutter sprechen.',
      kioskCode: null,
    })
    const again = await server.api('GET', `/consents/pickup/${draft.kioskCode}`, {
      token: tokens['kiosk-jc'],
    })
    expect(again.body).toMatchObject({ error: { code: 'ERR_CONSENT_KIOSK_CODE_INVALID' } })
    const declined = await server.api('GET', '/consents?status=declined', {
      token: tokens['staff-jc'],
    })
    expect((declined.body as { consents: View[] }).consents.map((c) => c.id)).toContain(draft.id)
    const decision = await server.api('POST', '/decisions', {
      token: tokens['staff-jc'],
      body: { consentId: draft.id, to: 'ja-demo', purpose: 'hilfeplanung', categories: ['schule'] },
    })
    expect((decision.body as { reasons: string[] }).reasons).toContain('consent_declined')
  })

  it('when the consent text is asked for, then its hash is the stored one and Leichte Sprache is offered', async () => {
    const draft = await create()
    await server.api('GET', `/consents/pickup/${draft.kioskCode}`, { token: tokens['kiosk-jc'] })
    const de = await server.api('GET', `/consents/${draft.id}/text`, { token: tokens['kiosk-jc'] })
    expect(de.body).toMatchObject({ sha256: draft.text.sha256, language: 'de' })
    expect((de.body as { text: string }).text).toContain('jederzeit')
    const ls = await server.api('GET', `/consents/${draft.id}/text?language=de-ls`, {
      token: tokens['kiosk-jc'],
    })
    expect((ls.body as { text: string }).text).toContain('Gültig ist der Text auf Deutsch')
  })

  it('then the OpenAPI document describes the consent routes from their schemas', async () => {
    const res = await server.api('GET', '/openapi.json')
    const doc = res.body as { paths: Record<string, Record<string, unknown>> }
    for (const path of [
      '/api/v1/consents',
      '/api/v1/consents/{id}',
      '/api/v1/consents/{id}/signatures',
      '/api/v1/consents/{id}/revocation',
      '/api/v1/decisions',
    ])
      expect(Object.keys(doc.paths), path).toContain(path)
    expect(JSON.stringify(doc.paths['/api/v1/consents']?.post)).toContain(
      'schweigepflichtsentbindung',
    )
  })

  it('then subject names never reach the audit table or the logs', async () => {
    const rows = await t.deps.db.selectFrom('audit_entries').selectAll().execute()
    const audit = JSON.stringify(rows)
    const logs = t.logLines.join('\n')
    for (const secret of [
      'Leonie',
      'Quastenberg',
      'Emil',
      'Zwirbelmann',
      '2005-06-10',
      '2010-01-20',
      'Petra',
    ]) {
      expect(audit).not.toContain(secret)
      expect(logs).not.toContain(secret)
    }
    expect(rows.length).toBeGreaterThan(10)
  })
})
