import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decide } from '../../consent/decide.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import {
  findConsentFacts,
  listConsentFactsOfSubject,
  markConsentUsed,
} from '../../db/consent-repository.ts'
import {
  checkDecision,
  createConsentDraft,
  revokeConsent,
  selfServiceCaller,
  type ConsentCaller,
} from '../../gateway/consent/consent-service.ts'
import {
  recordExpiredConsents,
  startConsentExpirySweeper,
} from '../../gateway/consent/expiry-sweeper.ts'
import { seedAccounts } from '../support/accounts.ts'
import { signAtKioskFlow } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { createRelayPki, registerRelayPki } from '../support/smtp-relay-setup.ts'
import { startTestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const staff: ConsentCaller = {
  actor: 'user:staff-jc',
  role: 'staff',
  agencyId: 'jc-demo',
  userId: 'staff-jc',
}
const subject = { givenName: 'Noah', familyName: 'Kranichfeld', birthDate: '2003-11-11' }
const summary = 'd'.repeat(64)

describe.each(dialects)('consent lifecycle on %s', (dialect) => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    // The dry run checks both certificates as the transfer does (issue 16, point 8).
    await registerRelayPki(t.deps, await createRelayPki())
  })
  afterAll(async () => t.close())

  const activeConsent = async (overrides: Record<string, unknown> = {}) => {
    const draft = await createConsentDraft(t.deps, {
      caller: staff,
      draft: {
        kind: 'einwilligung',
        subject,
        senders: ['jc-demo'],
        recipients: ['aa-demo'],
        purposes: ['uebergabe'],
        categories: ['stammdaten', 'berufswahl'],
        validUntil: '2026-04-30',
        language: 'de',
        releasedProfessionals: [],
        ...overrides,
      },
    })
    return signAtKioskFlow(t.deps, {
      kioskId: 'kiosk-jc',
      agencyId: 'jc-demo',
      kioskCode: draft.kioskCode as string,
      consentId: draft.id,
      signature: { role: 'youth', name: 'Noah Kranichfeld' },
    })
  }

  it('when a single-transfer consent is used by a transfer, then it permits that transfer only', async () => {
    const consent = await activeConsent({ summarySha256: summary })
    expect(consent.scope).toBe('single_transfer')
    const ask = (extra: Record<string, unknown>) =>
      checkDecision(t.deps, {
        caller: staff,
        request: {
          consentId: consent.id,
          to: 'aa-demo',
          purpose: 'uebergabe',
          categories: ['berufswahl'],
          ...extra,
        },
      })
    expect((await ask({ summarySha256: summary })).decision).toBe('permit')
    expect((await ask({ summarySha256: 'e'.repeat(64) })).reasons).toEqual(['summary_mismatch'])
    await t.deps.db.transaction().execute((trx) => markConsentUsed(trx, consent.id, 'trf_1'))
    await markConsentUsed(t.deps.db, consent.id, 'trf_1')
    await expect(markConsentUsed(t.deps.db, consent.id, 'trf_2')).rejects.toMatchObject({
      code: 'ERR_CONSENT_ALREADY_USED',
    })
    const facts = await findConsentFacts(t.deps.db, consent.id)
    const request = {
      subjectPseudonym: consent.subjectPseudonym,
      from: 'jc-demo',
      staffAgencyId: 'jc-demo',
      to: 'aa-demo',
      purpose: 'uebergabe',
      categories: ['berufswahl'],
      necessity: 'Übergabe an die Berufsberatung nach Umzug.',
      summarySha256: summary,
    }
    const now = t.clock.now()
    expect(decide({ ...request, transferId: 'trf_1' }, [facts!], now).decision).toBe('permit')
    expect(decide({ ...request, transferId: 'trf_2' }, [facts!], now).reasons).toEqual([
      'consent_used_up',
    ])
  })

  it('when the young person revokes in the self-service, then only their own consent and only that channel work', async () => {
    const consent = await activeConsent()
    // A receipt of another consent (of the same person or anyone else) proves nothing here.
    const stranger = selfServiceCaller({
      subjectPseudonym: consent.subjectPseudonym,
      receiptConsentIds: ['cns_other'],
    })
    await expect(
      revokeConsent(t.deps, {
        caller: stranger,
        consentId: consent.id,
        revocation: { channel: 'self_service' },
      }),
    ).rejects.toMatchObject({ code: 'ERR_CONSENT_NOT_FOUND' })
    const own = selfServiceCaller({
      subjectPseudonym: consent.subjectPseudonym,
      receiptConsentIds: [consent.id],
    })
    await expect(
      revokeConsent(t.deps, {
        caller: own,
        consentId: consent.id,
        revocation: { channel: 'staff' },
      }),
    ).rejects.toMatchObject({ code: 'ERR_CONSENT_METHOD_NOT_ALLOWED' })
    const revoked = await revokeConsent(t.deps, {
      caller: own,
      consentId: consent.id,
      revocation: { channel: 'self_service' },
    })
    expect(revoked.status).toBe('revoked')
    expect(revoked.revocation).toMatchObject({
      channel: 'self_service',
      by: `youth:${consent.subjectPseudonym}`,
    })
    const last = (await listAuditEntries(t.deps.db, { limit: 10000 })).at(-1)
    expect(last).toMatchObject({
      actor: `youth:${consent.subjectPseudonym}`,
      event: {
        type: 'consent_revoked',
        consentId: consent.id,
        channel: 'self_service',
        reasonGiven: false,
      },
    })
  })

  it('when a standing consent is marked used, then that is refused', async () => {
    const consent = await activeConsent()
    await expect(markConsentUsed(t.deps.db, consent.id, 'trf_x')).rejects.toMatchObject({
      code: 'ERR_CONSENT_NOT_FOUND',
    })
  })

  it('finds every consent of a subject by pseudonym, and the same person gets the same pseudonym', async () => {
    const a = await activeConsent()
    const b = await activeConsent({ subject: { ...subject, familyName: 'KRANICHFELD' } })
    expect(b.subjectPseudonym).toBe(a.subjectPseudonym)
    const facts = await listConsentFactsOfSubject(t.deps.db, a.subjectPseudonym)
    expect(facts.map((f) => f.id)).toEqual(expect.arrayContaining([a.id, b.id]))
  })

  it('when consents pass their end, then the sweeper writes consent_expired once for each active one', async () => {
    const active = await activeConsent({ validUntil: '2026-03-10' })
    const draft = await createConsentDraft(t.deps, {
      caller: staff,
      draft: {
        kind: 'einwilligung',
        subject,
        senders: ['jc-demo'],
        recipients: ['aa-demo'],
        purposes: ['uebergabe'],
        categories: ['stammdaten'],
        validUntil: '2026-03-10',
        language: 'de',
        releasedProfessionals: [],
      },
    })
    expect(await recordExpiredConsents(t.deps)).toBe(0)
    // 2026-03-10 ends at 23:00 UTC (midnight in Berlin).
    t.clock.set('2026-03-10T22:59:59.999Z')
    expect(await recordExpiredConsents(t.deps)).toBe(0)
    t.clock.set('2026-03-10T23:00:00.000Z')
    expect(await recordExpiredConsents(t.deps)).toBe(1)
    expect(await recordExpiredConsents(t.deps)).toBe(0)
    const expired = (await listAuditEntries(t.deps.db, { limit: 10000 })).filter(
      (e) => e.event.type === 'consent_expired',
    )
    expect(expired.map((e) => e.event)).toEqual([
      {
        type: 'consent_expired',
        consentId: active.id,
        subjectPseudonym: active.subjectPseudonym,
        validUntil: '2026-03-10',
      },
    ])
    expect(expired.map((e) => e.event)).not.toContainEqual(
      expect.objectContaining({ consentId: draft.id }),
    )
    t.clock.set('2026-03-02T09:00:00.000Z')
  })

  it('when serve starts the sweeper, then it sweeps at once and stops cleanly', async () => {
    const consent = await activeConsent({ validUntil: '2026-03-20' })
    t.clock.set('2026-03-21T12:00:00.000Z')
    try {
      const service = await startConsentExpirySweeper(t.deps, 3_600_000)
      expect(service.name).toBe('consent-expiry-sweeper')
      await service.stop()
      const expired = (await listAuditEntries(t.deps.db, { limit: 10000 })).filter(
        (e) => e.event.type === 'consent_expired' && e.event.consentId === consent.id,
      )
      expect(expired).toHaveLength(1)
    } finally {
      t.clock.set('2026-03-02T09:00:00.000Z')
    }
  })

  it('when the audit entry cannot be written, then the consent is not written either', async () => {
    const { tokens } = await seedTokens()
    const server = await startTestServer(t.deps)
    const count = async () =>
      Number(
        (
          await t.deps.db
            .selectFrom('consents')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const before = await count()
    await failAuditInserts(true)
    try {
      const res = await server.api('POST', '/consents', {
        token: tokens,
        body: {
          kind: 'einwilligung',
          subject,
          senders: ['jc-demo'],
          recipients: ['aa-demo'],
          purposes: ['uebergabe'],
          categories: ['stammdaten'],
          validUntil: '2026-04-30',
        },
      })
      expect(res.status).toBe(500)
    } finally {
      await failAuditInserts(false)
      await server.close()
    }
    expect(await count()).toBe(before)
    const subjects = await t.deps.db.selectFrom('consent_subjects').selectAll().execute()
    expect(subjects.length).toBeLessThanOrEqual(1)
  })

  async function seedTokens(): Promise<{ tokens: string }> {
    const { issueToken } = await import('../../gateway/auth/tokens.ts')
    const { token } = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId: 'staff-jc',
      role: 'staff',
      agencyId: 'jc-demo',
      now: t.clock.now(),
      ttlMinutes: 60,
    })
    return { tokens: token }
  }

  /** Makes every audit insert fail (a trigger), to prove the change rolls back with it. */
  async function failAuditInserts(on: boolean): Promise<void> {
    if (dialect === 'sqlite') {
      if (on)
        await sql`create trigger fail_audit before insert on audit_entries begin select raise(abort, 'audit down'); end`.execute(
          t.deps.db,
        )
      else await sql`drop trigger fail_audit`.execute(t.deps.db)
      return
    }
    if (on) {
      await sql`create function fail_audit() returns trigger language plpgsql as $$ begin raise exception 'audit down'; end $$`.execute(
        t.deps.db,
      )
      await sql`create trigger fail_audit before insert on audit_entries for each row execute function fail_audit()`.execute(
        t.deps.db,
      )
    } else {
      await sql`drop trigger fail_audit on audit_entries`.execute(t.deps.db)
      await sql`drop function fail_audit()`.execute(t.deps.db)
    }
  }
})
