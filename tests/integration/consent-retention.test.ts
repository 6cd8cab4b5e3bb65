import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../accounts/roles.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { findKioskState } from '../../db/kiosk-repository.ts'
import { findReceiptByCodeHash } from '../../db/receipt-repository.ts'
import { purgeExpiredData } from '../../gateway/audit/purge-retention.ts'
import { startRetentionSweeper } from '../../gateway/audit/retention-sweeper.ts'
import { verifyStoredAuditLog } from '../../gateway/audit/verify-audit-log.ts'
import {
  createConsentDraft,
  declineConsent,
  discardConsent,
  revokeConsent,
  type ConsentCaller,
} from '../../gateway/consent/consent-service.ts'
import { hashReceiptCode } from '../../gateway/kiosk/receipt-code.ts'
import {
  kioskCallerOf,
  saveChoices,
  showTextAtKiosk,
  signAtKiosk,
  startFromPickupCode,
} from '../../gateway/kiosk/kiosk-service.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { drawnSignature } from '../support/signature-evidence.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const hour = 3_600_000
const staff: ConsentCaller = {
  actor: 'user:staff-jc',
  role: 'staff',
  agencyId: 'jc-demo',
  userId: 'staff-jc',
}
const kiosk: Principal = {
  userId: 'kiosk-jc',
  role: 'kiosk',
  agencyId: 'jc-demo',
  allAgencies: false,
  via: 'session',
}

describe.each(dialects)('consent retention on %s', (dialect) => {
  let t: TestDeps
  beforeAll(async () => {
    // The clock starts on 2 March 2026, 10:00 in Berlin.
    t = await createTestDeps(dialect, {
      config: { consentRetentionDays: 30, draftRetentionHours: 24 },
    })
    await seedAccounts(t.deps)
  })
  afterAll(async () => t.close())

  const draftFor = (givenName: string, validUntil = '2026-12-31') =>
    createConsentDraft(t.deps, {
      caller: staff,
      draft: {
        kind: 'einwilligung',
        subject: {
          givenName,
          familyName: 'Quastenberg',
          birthDate: '2005-06-10',
          caseRefs: { 'jc-demo': `BG-${givenName}` },
        },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil,
      },
    })

  /** Signs at the kiosk and returns the receipt code the person takes home. */
  async function signed(givenName: string): Promise<{ id: string; receiptCode: string }> {
    const draft = await draftFor(givenName)
    await startFromPickupCode(t.deps, kiosk, draft.kioskCode as string)
    await showTextAtKiosk(t.deps, kiosk)
    await saveChoices(t.deps, kiosk, { recipients: ['ja-demo'], categories: ['schule'] })
    await signAtKiosk(t.deps, kiosk, {
      name: `${givenName} Quastenberg`,
      evidence: drawnSignature(),
    })
    const receiptCode = (await findKioskState(t.deps.db, 'kiosk-jc'))?.receiptCode ?? ''
    expect(receiptCode).not.toBe('')
    await t.deps.db.deleteFrom('kiosk_states').where('kiosk_id', '=', 'kiosk-jc').execute()
    return { id: draft.id, receiptCode }
  }

  const rowsOf = async (consentId: string) => ({
    consents: await t.deps.db
      .selectFrom('consents')
      .select('id')
      .where('id', '=', consentId)
      .execute(),
    signatures: await t.deps.db
      .selectFrom('consent_signatures')
      .select('consent_id')
      .where('consent_id', '=', consentId)
      .execute(),
    parties: await t.deps.db
      .selectFrom('consent_parties')
      .select('consent_id')
      .where('consent_id', '=', consentId)
      .execute(),
    receipts: await t.deps.db
      .selectFrom('receipts')
      .select('id')
      .where('consent_id', '=', consentId)
      .execute(),
  })
  const exists = async (consentId: string) => (await rowsOf(consentId)).consents.length === 1
  const erasedEntries = async () =>
    (await listAuditEntries(t.deps.db, { limit: 5000 }))
      .map((e) => e.event)
      .filter((e) => e.type === 'consent_erased')

  it('when each kind of end reaches its time, then exactly those records are deleted, each audited, and the log still verifies', async () => {
    const revoked = await signed('Leonie')
    const active = await signed('Mira')
    const declined = await draftFor('Jonas')
    const discarded = await draftFor('Ali')
    const abandoned = await draftFor('Sami', '2026-03-02')

    // A delivered transfer under the consent (as the relay stores it; the relay has its own tests).
    const revokedFacts = await t.deps.db
      .selectFrom('consents')
      .select('subject_pseudonym')
      .where('id', '=', revoked.id)
      .executeTakeFirstOrThrow()
    const at = t.clock.now().toISOString()
    await t.deps.db
      .insertInto('transfers')
      .values({
        id: 'trf_retention',
        kind: 'case_summary',
        status: 'delivered',
        sender_agency_id: 'jc-demo',
        recipient_agency_id: 'ja-demo',
        staff_id: 'staff-jc',
        consent_id: revoked.id,
        purpose: 'hilfeplanung',
        categories: '["schule"]',
        subject_pseudonym: revokedFacts.subject_pseudonym,
        request_id: null,
        related_transfer_ids: '[]',
        plaintext_sha256: 'a'.repeat(64),
        envelope_sha256: 'b'.repeat(64),
        message_id: '<trf_retention@jc-demo.example>',
        attempts: 1,
        next_attempt_at: null,
        give_up_at: at,
        last_error: null,
        smtp_response: '250 ok',
        claimed_by: null,
        claim_expires_at: null,
        created_at: at,
        updated_at: at,
        delivered_at: at,
      })
      .execute()
    await revokeConsent(t.deps, {
      caller: staff,
      consentId: revoked.id,
      revocation: { channel: 'staff', reason: 'Die Person hat angerufen.' },
    })
    await startFromPickupCode(t.deps, kiosk, declined.kioskCode as string)
    await declineConsent(t.deps, { caller: kioskCallerOf(kiosk), consentId: declined.id })
    await t.deps.db.deleteFrom('kiosk_states').where('kiosk_id', '=', 'kiosk-jc').execute()
    await discardConsent(t.deps, { caller: staff, consentId: discarded.id })

    // Past its validity (00:30 in Berlin on 3 March) the abandoned draft can no longer be signed.
    t.clock.set('2026-03-02T23:30:00.000Z')
    await startFromPickupCode(t.deps, kiosk, abandoned.kioskCode as string)
    await showTextAtKiosk(t.deps, kiosk)
    await saveChoices(t.deps, kiosk, { recipients: ['ja-demo'], categories: ['schule'] })
    await expect(
      signAtKiosk(t.deps, kiosk, { name: 'Sami Quastenberg', evidence: drawnSignature() }),
    ).rejects.toMatchObject({ code: 'ERR_CONSENT_VALIDITY_ENDED' })
    await t.deps.db.deleteFrom('kiosk_states').where('kiosk_id', '=', 'kiosk-jc').execute()

    // 23 hours: nothing is due yet, and a scheduled run that finds nothing writes no entry.
    t.clock.set('2026-03-03T08:00:00.000Z')
    const quiet = await purgeExpiredData(t.deps, { quiet: true })
    expect(quiet).toMatchObject({ consentsPurged: 0, entriesErased: 0, recorded: false })
    for (const id of [revoked.id, active.id, declined.id, discarded.id, abandoned.id])
      expect(await exists(id)).toBe(true)

    // 25 hours: the declined and the discarded draft go; the rest stays.
    t.clock.set('2026-03-03T10:00:00.000Z')
    expect((await purgeExpiredData(t.deps, { quiet: true })).consentsPurged).toBe(2)
    expect(await rowsOf(declined.id)).toEqual({
      consents: [],
      signatures: [],
      parties: [],
      receipts: [],
    })
    expect(await exists(discarded.id)).toBe(false)
    for (const id of [revoked.id, active.id, abandoned.id]) expect(await exists(id)).toBe(true)
    // Jonas and Ali have no consent left, so their subject rows (name, birth date) are gone too.
    const subjects = await t.deps.db.selectFrom('consent_subjects').select('given_name').execute()
    expect(subjects.map((s) => s.given_name).sort()).toEqual(['Leonie', 'Mira', 'Sami'])

    // The abandoned draft's validity ended at Berlin midnight after 2 March (23:00 UTC); 24 hours
    // later it is deleted.
    t.clock.set('2026-03-03T22:59:00.000Z')
    expect((await purgeExpiredData(t.deps)).consentsPurged).toBe(0)
    t.clock.set('2026-03-03T23:00:00.000Z')
    expect((await purgeExpiredData(t.deps)).consentsPurged).toBe(1)
    expect(await exists(abandoned.id)).toBe(false)

    // 30 days after the revocation the signed record goes, with its signature image and receipt;
    // the receipt code no longer opens anything.
    t.clock.set('2026-04-02T09:00:00.000Z')
    expect((await purgeExpiredData(t.deps)).consentsPurged).toBe(1)
    expect(await rowsOf(revoked.id)).toEqual({
      consents: [],
      signatures: [],
      parties: [],
      receipts: [],
    })
    const codeHash = hashReceiptCode(revoked.receiptCode, t.deps.config.secrets.masterKey)
    expect(await findReceiptByCodeHash(t.deps.db, codeHash)).toBeUndefined()
    expect(await exists(active.id)).toBe(true)
    expect((await rowsOf(active.id)).receipts).toHaveLength(1)
    // The transfer stays as a fact, but nothing links it to the person any more.
    expect(
      await t.deps.db
        .selectFrom('transfers')
        .select(['subject_pseudonym', 'consent_id', 'status'])
        .where('id', '=', 'trf_retention')
        .executeTakeFirst(),
    ).toEqual({ subject_pseudonym: 'erased', consent_id: revoked.id, status: 'delivered' })

    const erased = await erasedEntries()
    const grounds = erased.map((e) => ('ground' in e ? `${e.consentId} ${e.ground}` : ''))
    // One run deletes in id order, so the first two come in either order.
    expect([...grounds.slice(0, 2).sort(), ...grounds.slice(2)]).toEqual([
      ...[`${declined.id} declined`, `${discarded.id} discarded`].sort(),
      `${abandoned.id} abandoned`,
      `${revoked.id} revoked`,
    ])
    // No entry names the person: no pseudonym, no name, no case reference.
    expect(JSON.stringify(erased)).not.toMatch(/psn_|Quastenberg|BG-/)
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true })
  })

  it('when a consent is still in force, then no amount of time deletes it before its end', async () => {
    const { id } = await signed('Noor')
    const others = (await t.deps.db.selectFrom('consents').select('id').execute()).map((r) => r.id)
    t.clock.set('2026-12-31T20:00:00.000Z') // last evening of its validity (Berlin)
    await purgeExpiredData(t.deps)
    expect(await exists(id)).toBe(true)
    t.clock.set('2027-01-30T22:59:00.000Z') // 30 days after its end, one minute short
    await purgeExpiredData(t.deps)
    expect(await exists(id)).toBe(true)
    t.clock.set('2027-01-30T23:00:00.000Z')
    await purgeExpiredData(t.deps)
    expect(await exists(id)).toBe(false)
    // Mira's consent from the first case had the same validity and went with it.
    expect(others).toHaveLength(2)
    const lastTwo = (await erasedEntries())
      .slice(-2)
      .map((e) => ('ground' in e ? `${e.consentId} ${e.ground}` : ''))
    expect(lastTwo.sort()).toEqual(others.map((o) => `${o} expired`).sort())
  })

  it('when brucke serve runs, then the retention purge runs by itself at start', async () => {
    t.clock.set('2027-02-01T09:00:00.000Z')
    const draft = await draftFor('Lina', '2027-12-31')
    await discardConsent(t.deps, { caller: staff, consentId: draft.id })
    t.clock.advance(25 * hour)
    const service = await startRetentionSweeper(t.deps)
    expect(service?.name).toBe('retention-purge')
    await service?.stop() // waits for the run begun at start
    expect(await exists(draft.id)).toBe(false)
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true })
  })
})

describe('consent retention schedule', () => {
  it('when RETENTION_PURGE_INTERVAL_MINUTES is 0, then serve starts no purge', async () => {
    const t = await createTestDeps('sqlite', { config: { retentionPurgeIntervalMinutes: 0 } })
    try {
      expect(await startRetentionSweeper(t.deps)).toBeUndefined()
    } finally {
      await t.close()
    }
  })
})
