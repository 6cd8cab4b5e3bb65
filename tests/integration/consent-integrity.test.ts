import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../accounts/roles.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { findKioskState } from '../../db/kiosk-repository.ts'
import {
  saveChoices,
  showTextAtKiosk,
  signAtKiosk,
  startFromPickupCode,
} from '../../gateway/kiosk/kiosk-service.ts'
import { receiptDocumentOf } from '../../gateway/kiosk/receipt-document.ts'
import {
  openSelfService,
  revokeBySelfService,
  selfServiceOverview,
} from '../../gateway/self-service/self-service-service.ts'
import { addTestAccount, seedAccounts } from '../support/accounts.ts'
import { signAtKioskOverApi } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { attestedCircumstances, drawnSignature, paperScan } from '../support/signature-evidence.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * The attacks the review tried (issue «8 — Consent integrity»), over real HTTP and the services
 * on SQLite and PostgreSQL: every one must fail now, and the legitimate path must still work.
 */

// The test clock starts at 2026-03-02T09:00Z (10:00 in Berlin).
const leonie = { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' }

interface View {
  id: string
  status: string
  kioskCode: string | null
  subjectPseudonym: string
  signatures: {
    role: string
    attendingStaff?: string
    text?: { language: string; version: number; sha256: string; templateId: string }
  }[]
  text: { sha256: string; language: string; version: number }
}

const kioskOf = (userId: string, agencyId: string): Principal => ({
  userId,
  role: 'kiosk',
  agencyId,
  allAgencies: false,
  via: 'token',
})

describe.each(dialects)('consent integrity on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    // A kiosk of the Jugendamt, as the attacker's own device.
    tokens['kiosk-ja'] = await addTestAccount(t.deps, {
      id: 'kiosk-ja',
      role: 'kiosk',
      agencyId: 'ja-demo',
    })
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  const draft = async (
    staff: string,
    body: Record<string, unknown> = {},
  ): Promise<View & { kioskCode: string }> => {
    const res = await server.api('POST', '/consents', {
      token: tokens[staff],
      body: {
        kind: 'einwilligung',
        subject: leonie,
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule', 'berufswahl', 'gesundheit'],
        validUntil: '2026-12-31',
        ...body,
      },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as View & { kioskCode: string }
  }

  /** The kiosk page flow through the services: pickup, read, choose, sign → receipt code. */
  const signAtTheKiosk = async (kiosk: Principal, kioskCode: string, recipients: string[]) => {
    await startFromPickupCode(t.deps, kiosk, kioskCode)
    await showTextAtKiosk(t.deps, kiosk)
    await saveChoices(t.deps, kiosk, { recipients, categories: ['schule', 'berufswahl'] })
    await signAtKiosk(t.deps, kiosk, { name: 'Leonie Quastenberg', evidence: drawnSignature() })
    const state = await findKioskState(t.deps.db, kiosk.userId)
    expect(state?.step).toBe('receipt')
    return state?.receiptCode ?? ''
  }

  const consentOf = async (id: string, token = tokens['staff-jc']) =>
    (await server.api('GET', `/consents/${id}`, { token })).body as View

  it('when the creating agency is only a recipient, then the draft is refused: the sender prepares it', async () => {
    const res = await server.api('POST', '/consents', {
      token: tokens['staff-ja'],
      body: {
        kind: 'einwilligung',
        subject: leonie,
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil: '2026-12-31',
      },
    })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ error: { code: 'ERR_CONSENT_CREATOR_NOT_SENDER' } })
  })

  it('when another agency drafts a consent for the same person and has it signed at its own kiosk, then /me with that receipt shows and changes nothing else', async () => {
    // The Jobcenter's real consent, signed at its kiosk.
    const real = await draft('staff-jc')
    const realReceipt = await signAtTheKiosk(kioskOf('kiosk-jc', 'jc-demo'), real.kioskCode, [
      'ja-demo',
    ])
    // The Jugendamt knows name and birth date and prepares its own consent, Jugendamt → Agentur.
    const own = await draft('staff-ja', { senders: ['ja-demo'], recipients: ['aa-demo'] })
    expect(own.subjectPseudonym).toBe(real.subjectPseudonym)
    const ownReceipt = await signAtTheKiosk(kioskOf('kiosk-ja', 'ja-demo'), own.kioskCode, [
      'aa-demo',
    ])
    const { session } = await openSelfService(t.deps, {
      receiptCode: ownReceipt,
      birthDate: leonie.birthDate,
    })
    const seen = await selfServiceOverview(t.deps, session)
    expect(seen.map((c) => c.consent.id)).toEqual([own.id])
    await expect(revokeBySelfService(t.deps, session, real.id)).rejects.toMatchObject({
      code: 'ERR_CONSENT_NOT_FOUND',
    })
    expect((await consentOf(real.id)).status).toBe('active')
    // The person's own receipt opens their consent, and only that one.
    const { session: mine } = await openSelfService(t.deps, {
      receiptCode: realReceipt,
      birthDate: leonie.birthDate,
    })
    const mineSeen = await selfServiceOverview(t.deps, mine)
    expect(mineSeen.map((c) => c.consent.id)).toEqual([real.id])
    expect(mineSeen[0]?.signatoryRoles).toEqual(['youth'])
  })

  it('when two agencies register the same person in different spellings, then each sees its own spelling and learns nothing of the other', async () => {
    const first = await draft('staff-jc', {
      subject: { givenName: 'Selin', familyName: 'Oyelaran', birthDate: '2004-04-04' },
    })
    const second = await draft('staff-ja', {
      subject: { givenName: 'SELIN', familyName: 'OYELARAN', birthDate: '2004-04-04' },
      senders: ['ja-demo'],
      recipients: ['aa-demo'],
    })
    expect(second.subjectPseudonym).toBe(first.subjectPseudonym)
    const seen = (await consentOf(second.id, tokens['staff-ja'])) as View & {
      subject: { givenName: string; familyName: string }
    }
    expect(seen.subject).toMatchObject({ givenName: 'SELIN', familyName: 'OYELARAN' })
    const own = (await consentOf(first.id)) as View & {
      subject: { givenName: string; familyName: string }
    }
    expect(own.subject).toMatchObject({ givenName: 'Selin', familyName: 'Oyelaran' })
  })

  it('when a recipient agency tries to attest, scan, discard or push another agency’s draft, then every attempt is refused and nothing is signed', async () => {
    const target = await draft('staff-jc')
    const before = (await listAuditEntries(t.deps.db, { limit: 100000 })).length
    const attempts = [
      [
        'POST',
        `/consents/${target.id}/signatures`,
        'staff-ja',
        {
          role: 'youth',
          name: 'Leonie Quastenberg',
          method: 'staff_attested',
          evidence: attestedCircumstances,
        },
        403,
        'ERR_CONSENT_NOT_SENDER',
      ],
      [
        'POST',
        `/consents/${target.id}/signatures`,
        'staff-ja',
        {
          role: 'youth',
          name: 'Leonie Quastenberg',
          method: 'paper_scan',
          evidence: paperScan(),
        },
        403,
        'ERR_CONSENT_NOT_SENDER',
      ],
      [
        'POST',
        `/consents/${target.id}/discard`,
        'staff-ja',
        undefined,
        403,
        'ERR_CONSENT_NOT_CREATOR',
      ],
      [
        'POST',
        `/kiosks/kiosk-ja/push`,
        'staff-ja',
        { consentId: target.id },
        403,
        'ERR_CONSENT_NOT_CREATOR',
      ],
      // An agency that is no party at all learns nothing.
      [
        'POST',
        `/consents/${target.id}/signatures`,
        'staff-aa',
        {
          role: 'youth',
          name: 'Leonie Quastenberg',
          method: 'paper_scan',
          evidence: paperScan(),
        },
        404,
        'ERR_CONSENT_NOT_FOUND',
      ],
      [
        'POST',
        `/consents/${target.id}/discard`,
        'staff-aa',
        undefined,
        404,
        'ERR_CONSENT_NOT_FOUND',
      ],
    ] as const
    for (const [method, path, who, body, status, code] of attempts) {
      const res = await server.api(method, path, { token: tokens[who], body })
      expect(res.status, `${who} ${path}`).toBe(status)
      expect(res.body, `${who} ${path}`).toMatchObject({ error: { code } })
    }
    expect((await consentOf(target.id)).status).toBe('draft')
    const after = await listAuditEntries(t.deps.db, { limit: 100000 })
    expect(after.slice(before).map((e) => e.event.type)).not.toContain('consent_signed')
  })

  it('when a kiosk signs outside its live flow, with a fake drawing or a foreign attending staff member, then it is refused', async () => {
    const target = await draft('staff-jc')
    const other = await draft('staff-jc', { subject: { ...leonie, givenName: 'Mira' } })
    const sign = (id: string, extra: Record<string, unknown> = {}) =>
      server.api('POST', `/consents/${id}/signatures`, {
        token: tokens['kiosk-jc'],
        body: {
          role: 'youth',
          name: 'Leonie Quastenberg',
          method: 'kiosk_drawn',
          evidence: drawnSignature(),
          chosenSpecialCategories: ['gesundheit'],
          ...extra,
        },
      })
    // No pickup: the kiosk does not even see the draft.
    expect((await sign(target.id)).body).toMatchObject({ error: { code: 'ERR_CONSENT_NOT_FOUND' } })
    // Another agency's kiosk cannot pick the code up.
    const foreign = await server.api('GET', `/consents/pickup/${target.kioskCode}`, {
      token: tokens['kiosk-ja'],
    })
    expect(foreign.body).toMatchObject({ error: { code: 'ERR_CONSENT_KIOSK_CODE_INVALID' } })
    // Picked up `other`: `target` stays invisible.
    await server.api('GET', `/consents/pickup/${other.kioskCode}`, { token: tokens['kiosk-jc'] })
    expect((await sign(target.id)).body).toMatchObject({ error: { code: 'ERR_CONSENT_NOT_FOUND' } })
    // Picked up but the text never displayed: nothing to prove what was read.
    await server.api('GET', `/consents/pickup/${target.kioskCode}`, { token: tokens['kiosk-jc'] })
    expect((await sign(target.id)).body).toMatchObject({
      error: { code: 'ERR_CONSENT_TEXT_NOT_SHOWN' },
    })
    await server.api('GET', `/consents/${target.id}/text`, { token: tokens['kiosk-jc'] })
    // Four bytes of "drawing", and an empty pad.
    for (const evidence of ['data:image/png;base64,iVBORw0KGgo=', drawnSignature({ strokes: 0 })])
      expect((await sign(target.id, { evidence })).body).toMatchObject({
        error: { code: 'ERR_CONSENT_EVIDENCE_INVALID' },
      })
    // Attending staff from another agency, or a DPO, or a name that is no account.
    for (const attendingStaff of ['staff-ja', 'dpo-jc', 'nobody'])
      expect((await sign(target.id, { attendingStaff })).body).toMatchObject({
        error: { code: 'ERR_CONSENT_ATTENDING_STAFF_INVALID' },
      })
    const signed = await sign(target.id, { attendingStaff: 'staff-jc' })
    expect(signed.status, JSON.stringify(signed.body)).toBe(200)
    expect(signed.body).toMatchObject({ status: 'active' })
    expect((signed.body as View).signatures[0]?.attendingStaff).toBe('staff-jc')
    // An idle kiosk's flow is dead: after KIOSK_IDLE_SECONDS it signs nothing.
    await server.api('GET', `/consents/pickup/${other.kioskCode}`, { token: tokens['kiosk-jc'] })
    await server.api('GET', `/consents/${other.id}/text`, { token: tokens['kiosk-jc'] })
    t.clock.advance(121_000)
    expect((await sign(other.id)).body).toMatchObject({ error: { code: 'ERR_CONSENT_NOT_FOUND' } })
  })

  it('when a kiosk revokes, then only with the receipt code and birth date of that very consent', async () => {
    const mine = await draft('staff-jc')
    const receipt = await signAtTheKiosk(kioskOf('kiosk-jc', 'jc-demo'), mine.kioskCode, [
      'ja-demo',
    ])
    const another = await draft('staff-jc', { subject: { ...leonie, givenName: 'Mara' } })
    await signAtTheKiosk(kioskOf('kiosk-jc', 'jc-demo'), another.kioskCode, ['ja-demo'])
    const revoke = (id: string, body: Record<string, unknown>) =>
      server.api('POST', `/consents/${id}/revocation`, {
        token: tokens['kiosk-jc'],
        body: { channel: 'kiosk', ...body },
      })
    expect((await revoke(mine.id, {})).status).toBe(400)
    expect(
      (await revoke(mine.id, { receiptCode: receipt, birthDate: '2005-06-11' })).body,
    ).toMatchObject({ error: { code: 'ERR_KIOSK_RECEIPT_UNKNOWN' } })
    // A real receipt proves its own consent, not another (the kiosk still shows `another`'s
    // receipt screen, so it may see that one — but not revoke it without its code).
    expect(
      (await revoke(another.id, { receiptCode: receipt, birthDate: leonie.birthDate })).body,
    ).toMatchObject({ error: { code: 'ERR_CONSENT_RECEIPT_REQUIRED' } })
    expect((await consentOf(another.id)).status).toBe('active')
    const done = await revoke(mine.id, { receiptCode: receipt, birthDate: leonie.birthDate })
    expect(done.body).toMatchObject({ status: 'revoked', revocation: { channel: 'kiosk' } })
  })

  it('when health data is to be covered, then an attested signature is refused (§ 67b Abs. 2 SGB X) and a paper scan accepted', async () => {
    const target = await draft('staff-jc')
    const attest = await server.api('POST', `/consents/${target.id}/signatures`, {
      token: tokens['staff-jc'],
      body: {
        role: 'youth',
        name: 'Leonie Quastenberg',
        method: 'staff_attested',
        evidence: attestedCircumstances,
        chosenSpecialCategories: ['gesundheit'],
      },
    })
    expect(attest.status).toBe(422)
    expect(attest.body).toMatchObject({ error: { code: 'ERR_CONSENT_WRITTEN_FORM_REQUIRED' } })
    const scan = await server.api('POST', `/consents/${target.id}/signatures`, {
      token: tokens['staff-jc'],
      body: {
        role: 'youth',
        name: 'Leonie Quastenberg',
        method: 'paper_scan',
        evidence: paperScan(),
        chosenSpecialCategories: ['gesundheit'],
        language: 'en',
      },
    })
    expect(scan.status, JSON.stringify(scan.body)).toBe(200)
    // The paper was in English: its text is what the signature proves.
    const english = await server.api('GET', `/consents/${target.id}/text?language=en`, {
      token: tokens['staff-jc'],
    })
    expect((scan.body as View).signatures[0]?.text).toMatchObject({
      language: 'en',
      sha256: (english.body as { sha256: string }).sha256,
    })
  })

  it('when the young person reads and signs in Arabic, then the signature, the consent view, the receipt and the audit entry record the Arabic text', async () => {
    const target = await draft('staff-jc')
    const signed = await signAtKioskOverApi(server, {
      kioskToken: tokens['kiosk-jc'] as string,
      kioskCode: target.kioskCode,
      consentId: target.id,
      language: 'ar',
      signature: { role: 'youth', name: 'ليوني' },
    })
    expect(signed.status, JSON.stringify(signed.body)).toBe(200)
    const arabic = (
      await server.api('GET', `/consents/${target.id}/text?language=ar`, {
        token: tokens['staff-jc'],
      })
    ).body as { sha256: string; text: string; version: number }
    expect(arabic.sha256).not.toBe(target.text.sha256)
    const view = await consentOf(target.id)
    expect(view.signatures[0]?.text).toEqual({
      templateId: 'einwilligung',
      version: arabic.version,
      language: 'ar',
      sha256: arabic.sha256,
    })
    // The draft's own (German) text reference is unchanged.
    expect(view.text).toMatchObject({ language: 'de', sha256: target.text.sha256 })
    const receipt = await receiptDocumentOf(t.deps, {
      consent: view as never,
      language: 'ar',
      code: 'ABCD-EFGH',
      receiptId: null,
    })
    expect(receipt.signatures[0]?.textRead).toMatch(/Einwilligung, Fassung \d+, العربية/)
    expect(receipt.signatures[0]?.textRead).toContain(arabic.sha256)
    // The receipt holds the Arabic text signed, its hash checked, then the binding German one.
    expect(receipt.texts.map((x) => [x.language, x.binding, x.matchesSigned])).toEqual([
      ['ar', false, true],
      ['de', true, true],
    ])
    expect(receipt.texts[0]?.text).toBe(arabic.text)
    const entries = await listAuditEntries(t.deps.db, { limit: 100000 })
    const event = entries.find(
      (e) =>
        e.event.type === 'consent_signed' &&
        'consentId' in e.event &&
        e.event.consentId === target.id,
    )?.event
    expect(event).toMatchObject({ textLanguage: 'ar', textSha256: arabic.sha256 })
  })

  it('when the staff page shows a draft, then a recipient agency sees no hand-off, paper or discard actions', async () => {
    const target = await draft('staff-jc')
    const { sessionFor } = await import('../support/browser-session.ts')
    const ja = await sessionFor(t.deps, 'staff-ja')
    const page = await fetch(`${server.url}/staff/consents/${target.id}`, {
      headers: { cookie: ja.cookie },
    })
    const text = await page.text()
    expect(page.status).toBe(200)
    expect(text).not.toContain('/paper-signature')
    expect(text).not.toContain('/discard')
    expect(text).not.toContain('/push')
    expect(text).toContain('eine empfangende Stelle unterschreibt, bestätigt und verwirft nie')
  })
})
