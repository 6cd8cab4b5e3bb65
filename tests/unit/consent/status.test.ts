import { describe, expect, it } from 'vitest'
import { consentStatus } from '../../../consent/status.ts'
import { activeConsent, now } from './fixtures.ts'

describe('consent status', () => {
  it('is draft while a required signature is missing', () => {
    expect(
      consentStatus(
        activeConsent({ requiredSignatories: ['youth', 'guardian'], signedRoles: ['youth'] }),
        now,
      ),
    ).toBe('draft')
  })

  it('is discarded when a draft was discarded', () => {
    expect(
      consentStatus(
        activeConsent({ signedRoles: [], discardedAt: '2026-03-02T08:00:00.000Z' }),
        now,
      ),
    ).toBe('discarded')
  })

  it('is active when all signed, and revoked from the revocation instant on', () => {
    const revokedAt = '2026-03-02T09:00:00.000Z'
    const facts = activeConsent({ revokedAt })
    expect(consentStatus(facts, new Date(Date.parse(revokedAt) - 1))).toBe('active')
    expect(consentStatus(facts, new Date(revokedAt))).toBe('revoked')
  })

  it('expires after the end of validUntil in Berlin', () => {
    const facts = activeConsent({ validUntil: '2026-06-30' })
    expect(consentStatus(facts, new Date('2026-06-30T21:59:59.999Z'))).toBe('active')
    expect(consentStatus(facts, new Date('2026-06-30T22:00:00.000Z'))).toBe('expired')
  })
})
