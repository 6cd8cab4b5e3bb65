import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../accounts/roles.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { findKioskState, findMajorityReviews } from '../../db/kiosk-repository.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import {
  confirmMajorityAtKiosk,
  revokeAtKiosk,
  saveChoices,
  showTextAtKiosk,
  signAtKiosk,
  startFromPickupCode,
  startFromPush,
} from '../../gateway/kiosk/kiosk-service.ts'
import { hashReceiptCode } from '../../gateway/kiosk/receipt-code.ts'
import { reviewAllMajority } from '../../gateway/self-service/majority-review.ts'
import {
  findSelfService,
  openSelfService,
  selfServiceOverview,
} from '../../gateway/self-service/self-service-service.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import {
  attestedCircumstances,
  drawnSignature,
  typedSignature,
} from '../support/signature-evidence.ts'
import { createRelayPki, registerRelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const kiosk: Principal = {
  userId: 'kiosk-jc',
  role: 'kiosk',
  agencyId: 'jc-demo',
  allAgencies: false,
  via: 'session',
}
// A drawn signature as the kiosk canvas sends it.
const drawn = drawnSignature()

describe.each(dialects)('kiosk and self-service on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    // The dry run checks the certificates as a transfer would (issue 16 point 8).
    await registerRelayPki(t.deps, await createRelayPki())
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  /** A staff token fresh at the test clock's time (some tests move the clock by months). */
  const staffToken = async () =>
    (
      await issueToken({
        key: t.deps.config.secrets.tokenKey,
        userId: 'staff-jc',
        role: 'staff',
        agencyId: 'jc-demo',
        now: t.clock.now(),
        ttlMinutes: 60,
      })
    ).token

  async function draft(birthDate = '2005-06-10', givenName = 'Leonie') {
    const response = await server.api('POST', '/consents', {
      token: await staffToken(),
      body: {
        kind: 'einwilligung',
        subject: { givenName, familyName: 'Quastenberg', birthDate },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule', 'berufswahl'],
        validUntil: '2026-12-31',
      },
    })
    expect(response.status).toBe(201)
    return response.body as { id: string; kioskCode: string; subjectPseudonym: string }
  }

  /** The kiosk flow through the service: pickup, choice, one signature per signer → receipt code. */
  async function signAtTheKiosk(kioskCode: string, signers: number): Promise<string> {
    await startFromPickupCode(t.deps, kiosk, kioskCode)
    await showTextAtKiosk(t.deps, kiosk)
    await saveChoices(t.deps, kiosk, {
      recipients: ['ja-demo'],
      categories: ['schule', 'berufswahl'],
    })
    for (let i = 0; i < signers; i++)
      await signAtKiosk(t.deps, kiosk, { name: `Signer ${i}`, evidence: drawn })
    const state = await findKioskState(t.deps.db, 'kiosk-jc')
    expect(state?.step).toBe('receipt')
    return state?.receiptCode ?? ''
  }

  it('stores the receipt code only as a keyed hash, and a signed receipt opens a self-service session', async () => {
    const { kioskCode } = await draft()
    const code = await signAtTheKiosk(kioskCode, 1)
    const rows = await t.deps.db.selectFrom('receipts').select(['code_hash']).execute()
    expect(JSON.stringify(rows)).not.toContain(code.replace(/-/g, ''))
    expect(rows.map((r) => r.code_hash)).toContain(
      hashReceiptCode(code, t.deps.config.secrets.masterKey),
    )
    await expect(
      openSelfService(t.deps, { receiptCode: code, birthDate: '2005-06-11' }),
    ).rejects.toMatchObject({ code: 'ERR_KIOSK_RECEIPT_UNKNOWN' })
    const { token } = await openSelfService(t.deps, {
      receiptCode: code.toLowerCase(),
      birthDate: '2005-06-10',
    })
    expect(await findSelfService(t.deps, token)).toBeDefined()
    t.clock.advance(11 * 60_000)
    expect(await findSelfService(t.deps, token)).toBeUndefined()
  })

  it('when the person types their name and ticks the confirmation, then a kiosk_typed signature covers even health data and issues a receipt; staff cannot record one', async () => {
    const response = await server.api('POST', '/consents', {
      token: await staffToken(),
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Tilda', familyName: 'Quastenberg', birthDate: '2005-06-10' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule', 'gesundheit'],
        validUntil: '2026-12-31',
      },
    })
    expect(response.status).toBe(201)
    const { id, kioskCode } = response.body as { id: string; kioskCode: string }
    // Staff never record the person's own kiosk act, typed or drawn.
    const byStaff = await server.api('POST', `/consents/${id}/signatures`, {
      token: await staffToken(),
      body: {
        role: 'youth',
        name: 'Tilda Quastenberg',
        method: 'kiosk_typed',
        evidence: typedSignature('Tilda Quastenberg'),
      },
    })
    expect(byStaff.body).toMatchObject({ error: { code: 'ERR_CONSENT_METHOD_NOT_ALLOWED' } })
    await startFromPickupCode(t.deps, kiosk, kioskCode)
    await showTextAtKiosk(t.deps, kiosk)
    await saveChoices(t.deps, kiosk, {
      recipients: ['ja-demo'],
      categories: ['schule', 'gesundheit'],
    })
    // The typed name is the signatory's: a record naming someone else is refused.
    await expect(
      signAtKiosk(t.deps, kiosk, {
        name: 'Petra Quastenberg',
        method: 'kiosk_typed',
        evidence: typedSignature('Tilda Quastenberg'),
      }),
    ).rejects.toMatchObject({ code: 'ERR_CONSENT_EVIDENCE_INVALID' })
    expect(
      await signAtKiosk(t.deps, kiosk, {
        name: 'Tilda Quastenberg',
        method: 'kiosk_typed',
        evidence: typedSignature('Tilda Quastenberg'),
      }),
    ).toEqual({ complete: true })
    const signed = await server.api('GET', `/consents/${id}`, { token: await staffToken() })
    expect(signed.body).toMatchObject({
      status: 'active',
      coveredCategories: ['schule', 'gesundheit'],
      signatures: [{ role: 'youth', method: 'kiosk_typed', kioskDevice: 'kiosk-jc' }],
    })
    const receipt = await t.deps.db
      .selectFrom('receipts')
      .select(['signatory_roles'])
      .where('consent_id', '=', id)
      .executeTakeFirstOrThrow()
    expect(receipt.signatory_roles).toContain('youth')
    const entries = await listAuditEntries(t.deps.db, { limit: 100000 })
    expect(
      entries.find((e) => e.event.type === 'consent_signed' && e.event.consentId === id),
    ).toMatchObject({ event: { method: 'kiosk_typed', role: 'youth' } })
    const state = await findKioskState(t.deps.db, 'kiosk-jc')
    expect(state?.step).toBe('receipt')
  })

  it('revokes at the kiosk with receipt code and birth date on the kiosk channel', async () => {
    const { id, kioskCode } = await draft()
    const code = await signAtTheKiosk(kioskCode, 1)
    await expect(
      revokeAtKiosk(t.deps, kiosk, { receiptCode: code, birthDate: '2000-01-01' }),
    ).rejects.toMatchObject({ code: 'ERR_KIOSK_RECEIPT_UNKNOWN' })
    const revoked = await revokeAtKiosk(t.deps, kiosk, {
      receiptCode: code,
      birthDate: '2005-06-10',
    })
    expect(revoked).toMatchObject({ id, status: 'revoked', revocation: { channel: 'kiosk' } })
  })

  it('when staff push a draft to their kiosk, then it is recorded; another agency or a non-draft is refused', async () => {
    const { id } = await draft()
    const pushed = await server.api('POST', '/kiosks/kiosk-jc/push', {
      token: tokens['staff-jc'] as string,
      body: { consentId: id },
    })
    expect(pushed.status).toBe(200)
    const other = await server.api('POST', '/kiosks/kiosk-jc/push', {
      token: tokens['staff-aa'] as string,
      body: { consentId: id },
    })
    expect(other.status).toBe(404)
    expect(other.body).toMatchObject({ error: { code: 'ERR_KIOSK_NOT_FOUND' } })
    const notKiosk = await server.api('POST', '/kiosks/staff-jc/push', {
      token: tokens['staff-jc'] as string,
      body: { consentId: id },
    })
    expect(notKiosk.body).toMatchObject({ error: { code: 'ERR_KIOSK_NOT_FOUND' } })
    const entries = await t.deps.db
      .selectFrom('audit_entries')
      .select('type')
      .where('consent_id', '=', id)
      .execute()
    expect(entries.map((e) => e.type)).toContain('kiosk_draft_pushed')
  })

  it('flags a guardian-signed consent when the youth turns 18; unconfirmed it lapses after the grace period, confirmed it stays', async () => {
    // Test clock starts 2026-03-02; this youth turns 18 on 2026-03-10.
    const lapsing = await draft('2008-03-10', 'Mira')
    await signAtTheKiosk(lapsing.kioskCode, 2)
    const kept = await draft('2008-03-10', 'Jonas')
    const keptCode = await signAtTheKiosk(kept.kioskCode, 2)
    const reviews = async () => {
      const response = await server.api('GET', '/majority-reviews', { token: await staffToken() })
      expect(response.status).toBe(200)
      return (
        response.body as { reviews: { consentId: string; state: string; confirmBy: string }[] }
      ).reviews
    }
    expect((await reviews()).filter((r) => [lapsing.id, kept.id].includes(r.consentId))).toEqual([])

    t.clock.advance(10 * 24 * 3600_000) // 2026-03-12
    const flagged = (await reviews()).filter((r) => [lapsing.id, kept.id].includes(r.consentId))
    expect(flagged.map((r) => r.state)).toEqual(['awaiting_confirmation', 'awaiting_confirmation'])
    expect(flagged[0]?.confirmBy).toBe('2026-06-10')

    const { session } = await openSelfService(t.deps, {
      receiptCode: keptCode,
      birthDate: '2008-03-10',
    })
    const overview = await selfServiceOverview(t.deps, session)
    expect(overview.find((c) => c.consent.id === kept.id)?.majority?.confirmedAt).toBeNull()
    // The receipt code alone never confirms (someone else may have seen it): /me has no way to.
    const viaMe = await fetch(`${server.url}/me/confirm`, { method: 'POST', redirect: 'manual' })
    expect(viaMe.status).toBe(404)
    // In person with staff of the sending agency, the circumstances written down.
    const confirm = () =>
      staffToken().then((token) =>
        server.api('POST', `/consents/${kept.id}/majority-confirmation`, {
          token,
          body: { method: 'staff_attested', evidence: attestedCircumstances },
        }),
      )
    expect((await confirm()).status).toBe(200)
    expect((await confirm()).body).toMatchObject({ error: { code: 'ERR_CONSENT_NOT_CONFIRMABLE' } })

    t.clock.advance(91 * 24 * 3600_000) // past 2026-06-10
    const after = await reviews()
    expect(after.find((r) => r.consentId === lapsing.id)?.state).toBe('lapsed')
    expect(after.find((r) => r.consentId === kept.id)?.state).toBe('confirmed')
    // Years later: certificates and a CRL of that time, so only the consents decide.
    await registerRelayPki(t.deps, await createRelayPki({ at: t.clock.now() }))
    const decision = async (consentId: string) =>
      (
        await server.api('POST', '/decisions', {
          token: await staffToken(),
          body: { consentId, to: 'ja-demo', purpose: 'hilfeplanung', categories: ['schule'] },
        })
      ).body as { decision: string; reasons: string[] }
    expect(await decision(lapsing.id)).toMatchObject({ decision: 'deny' })
    // A lapse is not a revocation: its own reason and status, actor `system`, no revocation row.
    expect((await decision(lapsing.id)).reasons).toContain('consent_lapsed')
    expect((await decision(lapsing.id)).reasons).not.toContain('consent_revoked')
    expect(await decision(kept.id)).toMatchObject({ decision: 'permit' })
    const lapsedView = await server.api('GET', `/consents/${lapsing.id}`, {
      token: await staffToken(),
    })
    expect(lapsedView.body).toMatchObject({ status: 'lapsed', revocation: null })
    const types = (
      await t.deps.db
        .selectFrom('audit_entries')
        .select('type')
        .where('consent_id', '=', lapsing.id)
        .execute()
    ).map((e) => e.type)
    expect(types).toEqual(
      expect.arrayContaining(['consent_majority_flagged', 'consent_majority_lapsed']),
    )
    expect(types).not.toContain('consent_revoked')
    const lapseEntry = await t.deps.db
      .selectFrom('audit_entries')
      .select('actor')
      .where('consent_id', '=', lapsing.id)
      .where('type', '=', 'consent_majority_lapsed')
      .executeTakeFirstOrThrow()
    expect(lapseEntry.actor).toBe('system')
  })

  it('when staff push an active consent for the young adult to confirm, then the kiosk shows its text and records the adult’s own typed confirmation', async () => {
    // Turns 18 on 2026-03-10 (the test clock may have moved on in earlier tests).
    const today = t.clock.now().toISOString().slice(0, 10)
    const [y, m, d] = today.split('-').map(Number) as [number, number, number]
    const birth = new Date(Date.UTC(y - 18, m - 1, d - 3)).toISOString().slice(0, 10)
    // Signed three days before turning 18 (with a guardian), then the clock moves past it.
    t.clock.advance(-6 * 24 * 3600_000)
    const minor = await draft(birth, 'Ole')
    await signAtTheKiosk(minor.kioskCode, 2)
    t.clock.advance(6 * 24 * 3600_000)
    await reviewAllMajority(t.deps)
    const push = (purpose: string, consentId = minor.id) =>
      staffToken().then((token) =>
        server.api('POST', '/kiosks/kiosk-jc/push', { token, body: { consentId, purpose } }),
      )
    // Pushing an active consent to sign it again is refused; for confirmation it is allowed.
    expect((await push('sign')).body).toMatchObject({ error: { code: 'ERR_CONSENT_NOT_DRAFT' } })
    expect((await push('confirm_majority')).status).toBe(200)
    await startFromPush(t.deps, kiosk)
    // Not without the text displayed on the kiosk first; not with a blank pad.
    await expect(
      confirmMajorityAtKiosk(t.deps, kiosk, { evidence: drawnSignature() }),
    ).rejects.toMatchObject({ code: 'ERR_CONSENT_TEXT_NOT_SHOWN' })
    const shown = await showTextAtKiosk(t.deps, kiosk)
    await expect(
      confirmMajorityAtKiosk(t.deps, kiosk, { evidence: drawnSignature({ strokes: 0 }) }),
    ).rejects.toMatchObject({ code: 'ERR_CONSENT_EVIDENCE_INVALID' })
    // Typed and expressly confirmed is the young adult's own act as well (keyboard, screen reader).
    await expect(
      confirmMajorityAtKiosk(t.deps, kiosk, { method: 'kiosk_typed', evidence: 'Ole' }),
    ).rejects.toMatchObject({ code: 'ERR_CONSENT_EVIDENCE_INVALID' })
    await confirmMajorityAtKiosk(t.deps, kiosk, {
      method: 'kiosk_typed',
      evidence: typedSignature('Ole Brandt'),
    })
    expect(await findKioskState(t.deps.db, 'kiosk-jc')).toBeUndefined()
    const [review] = await findMajorityReviews(t.deps.db, [minor.id])
    expect(review).toMatchObject({
      confirmation: { by: 'kiosk:kiosk-jc', method: 'kiosk_typed', text: shown.reference },
    })
    expect(review?.confirmedAt).not.toBeNull()
    const entries = await listAuditEntries(t.deps.db, { limit: 100000 })
    expect(entries.at(-1)).toMatchObject({
      actor: 'kiosk:kiosk-jc',
      event: { type: 'consent_majority_confirmed', consentId: minor.id, method: 'kiosk_typed' },
    })
  })

  it('when nobody looks, then the background sweep flags and later lapses a guardian-signed consent', async () => {
    const today = t.clock.now().toISOString().slice(0, 10)
    const [y, m, d] = today.split('-').map(Number) as [number, number, number]
    // Turns 18 five days from the test clock's today.
    const birth = new Date(Date.UTC(y - 18, m - 1, d + 5)).toISOString().slice(0, 10)
    const swept = await draft(birth, 'Ida')
    await signAtTheKiosk(swept.kioskCode, 2)
    t.clock.advance(6 * 24 * 3600_000)
    await reviewAllMajority(t.deps)
    const flagged = await t.deps.db
      .selectFrom('majority_reviews')
      .selectAll()
      .where('consent_id', '=', swept.id)
      .executeTakeFirstOrThrow()
    expect(flagged.lapsed_at).toBeNull()
    await reviewAllMajority(t.deps) // flags once only
    t.clock.advance(91 * 24 * 3600_000)
    await reviewAllMajority(t.deps)
    const lapsed = await t.deps.db
      .selectFrom('majority_reviews')
      .selectAll()
      .where('consent_id', '=', swept.id)
      .executeTakeFirstOrThrow()
    expect(lapsed.lapsed_at).not.toBeNull()
    const revocations = await t.deps.db
      .selectFrom('consent_revocations')
      .selectAll()
      .where('consent_id', '=', swept.id)
      .execute()
    expect(revocations).toEqual([])
    const consentRow = await t.deps.db
      .selectFrom('consents')
      .select(['lapsed_at', 'revoked_at'])
      .where('id', '=', swept.id)
      .executeTakeFirstOrThrow()
    expect(consentRow).toMatchObject({ revoked_at: null })
    expect(consentRow.lapsed_at).not.toBeNull()
    const flags = await t.deps.db
      .selectFrom('audit_entries')
      .select('type')
      .where('consent_id', '=', swept.id)
      .where('type', '=', 'consent_majority_flagged')
      .execute()
    expect(flags).toHaveLength(1)
  })
})
