import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { erasureDue } from '../../../consent/retention.ts'
import { consentStatus } from '../../../consent/status.ts'
import { activeConsent, now } from './fixtures.ts'

const retention = { consentRetentionDays: 30, draftRetentionHours: 24 }
const hour = 3_600_000
const day = 24 * hour
/** Berlin midnight after 31 December 2026 (UTC+1). */
const validityEnd = new Date('2026-12-31T23:00:00.000Z')

describe('consent retention rule', () => {
  it('when a consent is in force or a draft can still be signed, then nothing is due', () => {
    expect(erasureDue(activeConsent(), retention, now)).toBeUndefined()
    expect(erasureDue(activeConsent({ signedRoles: [] }), retention, now)).toBeUndefined()
    // Revoked from a future instant: still in force now.
    const later = new Date(now.getTime() + day).toISOString()
    expect(erasureDue(activeConsent({ revokedAt: later }), retention, now)).toBeUndefined()
  })

  it('when a consent that took effect ends, then it is due CONSENT_RETENTION_DAYS later, by the first end', () => {
    const revokedAt = '2026-05-01T10:00:00.000Z'
    const lapsedAt = '2026-06-01T10:00:00.000Z'
    const at = new Date('2027-06-01T00:00:00.000Z')
    expect(erasureDue(activeConsent({ revokedAt, lapsedAt }), retention, at)).toEqual({
      ground: 'revoked',
      endedAt: new Date(revokedAt),
      dueAt: new Date(Date.parse(revokedAt) + 30 * day),
    })
    expect(erasureDue(activeConsent({ lapsedAt }), retention, at)?.ground).toBe('lapsed')
    // Ended by a signed renewal (issue 18 point 5): kept as long as any other ending.
    const renewedAt = '2026-04-01T10:00:00.000Z'
    expect(erasureDue(activeConsent({ renewedAt, lapsedAt }), retention, at)).toEqual({
      ground: 'renewed',
      endedAt: new Date(renewedAt),
      dueAt: new Date(Date.parse(renewedAt) + 30 * day),
    })
    expect(erasureDue(activeConsent(), retention, at)).toEqual({
      ground: 'expired',
      endedAt: validityEnd,
      dueAt: new Date(validityEnd.getTime() + 30 * day),
    })
  })

  it('when a draft never took effect, then it is due DRAFT_RETENTION_HOURS after it ended', () => {
    const declinedAt = '2026-03-02T08:30:00.000Z'
    const declined = erasureDue(activeConsent({ signedRoles: [], declinedAt }), retention, now)
    expect(declined).toEqual({
      ground: 'declined',
      endedAt: new Date(declinedAt),
      dueAt: new Date(Date.parse(declinedAt) + 24 * hour),
    })
    const discardedAt = '2026-03-02T08:00:00.000Z'
    expect(
      erasureDue(activeConsent({ signedRoles: [], discardedAt }), retention, now)?.ground,
    ).toBe('discarded')
    const afterEnd = new Date(validityEnd.getTime() + 1)
    expect(erasureDue(activeConsent({ signedRoles: [] }), retention, afterEnd)).toEqual({
      ground: 'abandoned',
      endedAt: validityEnd,
      dueAt: new Date(validityEnd.getTime() + 24 * hour),
    })
  })

  it('never makes a consent due while it is active, and never before its end', () => {
    const instant = fc.integer({
      min: Date.parse('2026-01-01T00:00:00Z'),
      max: Date.parse('2028-01-01T00:00:00Z'),
    })
    fc.assert(
      fc.property(
        fc.option(instant, { nil: null }),
        fc.option(instant, { nil: null }),
        fc.option(instant, { nil: null }),
        fc.boolean(),
        instant,
        (revoked, lapsed, declined, signed, at) => {
          const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
          const facts = activeConsent({
            signedRoles: signed ? ['youth'] : [],
            revokedAt: iso(revoked),
            lapsedAt: iso(lapsed),
            declinedAt: signed ? null : iso(declined),
          })
          const when = new Date(at)
          const due = erasureDue(facts, retention, when)
          const status = consentStatus(facts, when)
          if (status === 'active') expect(due).toBeUndefined()
          if (['revoked', 'lapsed', 'expired'].includes(status)) expect(due).toBeDefined()
          // A draft past its validity counts as ended although its status still reads draft.
          if (status === 'draft' && when < validityEnd) expect(due).toBeUndefined()
          if (due) {
            expect(due.endedAt.getTime()).toBeLessThanOrEqual(when.getTime())
            expect(due.dueAt.getTime()).toBeGreaterThan(due.endedAt.getTime())
          }
        },
      ),
    )
  })
})
