import { describe, expect, it } from 'vitest'
import type { AuditEntry } from '../../../audit/audit-event.ts'
import { buildAuditReport, isoWeekOf } from '../../../audit/audit-report.ts'

let seq = 0
function entry(at: string, actor: string, event: Record<string, unknown>): AuditEntry {
  return { seq: ++seq, at, actor, event } as unknown as AuditEntry
}
const queued = (at: string, actor: string, from: string, to: string, purpose: string) =>
  entry(at, actor, {
    type: 'transfer_queued',
    senderAgencyId: from,
    recipientAgencyId: to,
    purpose,
  })
const denied = (at: string, actor: string, reasons: string[]) =>
  entry(at, actor, {
    type: 'transfer_denied',
    senderAgencyId: 'jc',
    recipientAgencyId: 'ja',
    purpose: 'uebergabe',
    reasons,
  })

describe('DPO report aggregates', () => {
  it('names ISO weeks by the Berlin calendar date', () => {
    expect(isoWeekOf(new Date('2026-03-02T09:00:00Z'))).toBe('2026-W10')
    // Sunday 23:30 UTC is already Monday in Berlin.
    expect(isoWeekOf(new Date('2026-03-01T23:30:00Z'))).toBe('2026-W10')
    expect(isoWeekOf(new Date('2026-03-01T22:30:00Z'))).toBe('2026-W09')
    expect(isoWeekOf(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53')
  })

  it('counts transfers per week, agency pair and purpose; denials by reason; revocations', async () => {
    const report = await buildAuditReport([
      queued('2026-03-02T09:00:00Z', 'user:a', 'jc', 'ja', 'hilfeplanung'),
      queued('2026-03-03T09:00:00Z', 'user:a', 'jc', 'ja', 'hilfeplanung'),
      queued('2026-03-03T09:00:00Z', 'user:b', 'aa', 'jc', 'uebergabe'),
      queued('2026-03-10T09:00:00Z', 'user:a', 'jc', 'ja', 'hilfeplanung'),
      denied('2026-03-10T09:00:00Z', 'user:b', ['consent_revoked']),
      denied('2026-03-10T10:00:00Z', 'user:b', ['category_not_covered:sucht', 'consent_revoked']),
      entry('2026-03-10T11:00:00Z', 'youth:psn_1', {
        type: 'consent_revoked',
        channel: 'self_service',
      }),
    ])
    expect(report.transfersPerWeek).toEqual([
      { week: '2026-W10', fromAgencyId: 'jc', toAgencyId: 'ja', purpose: 'hilfeplanung', count: 2 },
      { week: '2026-W10', fromAgencyId: 'aa', toAgencyId: 'jc', purpose: 'uebergabe', count: 1 },
      { week: '2026-W11', fromAgencyId: 'jc', toAgencyId: 'ja', purpose: 'hilfeplanung', count: 1 },
    ])
    expect(report.denialsByReason).toEqual([
      { reason: 'consent_revoked', count: 2 },
      { reason: 'category_not_covered:sucht', count: 1 },
    ])
    expect(report.revocations).toEqual({
      total: 1,
      perWeek: [{ week: '2026-W11', count: 1 }],
      byChannel: [{ channel: 'self_service', count: 1 }],
    })
  })

  it("flags a staff member whose denial rate is far above their colleagues'", async () => {
    const entries: AuditEntry[] = []
    for (let i = 0; i < 20; i++)
      entries.push(queued('2026-03-02T09:00:00Z', `user:s${i % 4}`, 'jc', 'ja', 'massnahme'))
    entries.push(denied('2026-03-02T09:00:00Z', 'user:s1', ['no_consent']))
    for (let i = 0; i < 6; i++)
      entries.push(denied('2026-03-02T09:00:00Z', 'user:odd', ['no_consent']))
    entries.push(queued('2026-03-02T09:00:00Z', 'user:odd', 'jc', 'ja', 'massnahme'))
    const report = await buildAuditReport(entries)
    const odd = report.staffDenialRates.find((s) => s.actor === 'user:odd')
    expect(odd).toMatchObject({ attempts: 7, denials: 6, outlier: true })
    expect(report.staffDenialRates.filter((s) => s.outlier).map((s) => s.actor)).toEqual([
      'user:odd',
    ])
  })

  it('does not flag a staff member with too few attempts to judge', async () => {
    const report = await buildAuditReport([
      ...Array.from({ length: 10 }, () =>
        queued('2026-03-02T09:00:00Z', 'user:a', 'jc', 'ja', 'massnahme'),
      ),
      denied('2026-03-02T09:00:00Z', 'user:new', ['no_consent']),
      denied('2026-03-02T09:00:00Z', 'user:new', ['no_consent']),
    ])
    expect(report.staffDenialRates.find((s) => s.actor === 'user:new')).toMatchObject({
      rate: 1,
      outlier: false,
    })
  })
})

describe('the Übermittlungen report (issue 18)', () => {
  const sent = (transferId: string, kind = 'transfer') =>
    entry('2026-03-02T09:00:00Z', 'user:a', {
      type: 'transfer_queued',
      transferId,
      kind,
      senderAgencyId: 'jc',
      recipientAgencyId: 'ja',
      purpose: 'hilfeplanung',
    })

  it('counts no refused attempt, no undelivered transfer and no notice', async () => {
    const report = await buildAuditReport([
      sent('trf_ok'),
      // Refused by the consent check: never queued.
      denied('2026-03-02T09:05:00Z', 'user:a', ['category_not_covered:gesundheit']),
      // Refused by the partner gateway (signed receipt), after the queued entry.
      sent('trf_refused'),
      entry('2026-03-02T09:10:00Z', 'system', {
        type: 'partner_receipt_recorded',
        transferId: 'trf_refused',
        agencyId: 'ja',
        outcome: 'refused',
        reason: 'decision_denied',
        envelopeMatches: true,
      }),
      // Refused at SMTP, cancelled by a revocation, withdrawn by the administration.
      sent('trf_failed'),
      entry('2026-03-02T09:11:00Z', 'system', {
        type: 'transfer_failed',
        transferId: 'trf_failed',
      }),
      sent('trf_cancelled'),
      entry('2026-03-02T09:12:00Z', 'system', {
        type: 'transfer_cancelled',
        transferId: 'trf_cancelled',
      }),
      sent('trf_withdrawn'),
      entry('2026-03-02T09:13:00Z', 'user:admin', {
        type: 'transfer_withdrawn',
        transferId: 'trf_withdrawn',
      }),
      // A revocation notice travels as a transfer but is none.
      sent('trf_notice', 'revocation_notice'),
      // An accepted receipt does not take a transfer out.
      sent('trf_accepted'),
      entry('2026-03-02T09:14:00Z', 'system', {
        type: 'partner_receipt_recorded',
        transferId: 'trf_accepted',
        agencyId: 'ja',
        outcome: 'accepted',
        envelopeMatches: true,
      }),
    ])
    expect(report.transfersPerWeek).toEqual([
      { week: '2026-W10', fromAgencyId: 'jc', toAgencyId: 'ja', purpose: 'hilfeplanung', count: 2 },
    ])
  })
})
