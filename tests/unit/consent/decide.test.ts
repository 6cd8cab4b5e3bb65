import { describe, expect, it } from 'vitest'
import { decide } from '../../../consent/decide.ts'
import { activeConsent, now, request } from './fixtures.ts'

const summary = 'a'.repeat(64)

describe('decide', () => {
  it('permits a request an active consent covers completely, and the permit carries that consent', () => {
    const consent = activeConsent()
    const decision = decide(request(), [consent], now)
    expect(decision).toEqual({ decision: 'permit', consentId: 'cns_a', consent, reasons: [] })
    if (decision.decision === 'permit') expect(decision.consent).toBe(consent)
  })

  const cases: [
    string,
    Parameters<typeof request>[0],
    Parameters<typeof activeConsent>[0],
    string[],
  ][] = [
    ['no consent of this subject', { subjectPseudonym: 'psn_other' }, {}, ['no_consent']],
    ['revoked', {}, { revokedAt: '2026-03-02T08:00:00.000Z' }, ['consent_revoked']],
    ['expired', {}, { validFrom: '2026-01-01', validUntil: '2026-03-01' }, ['consent_expired']],
    ['not yet valid', {}, { validFrom: '2026-03-03' }, ['not_yet_valid']],
    [
      'discarded draft',
      {},
      { signedRoles: [], discardedAt: '2026-03-02T08:00:00.000Z' },
      ['consent_discarded', 'youth_signature_missing'],
    ],
    ['recipient not covered', { to: 'xx-demo' }, {}, ['recipient_not_covered']],
    ['recipient deselected', {}, { deselectedRecipients: ['ja-demo'] }, ['recipient_not_covered']],
    [
      'sender not covered',
      { from: 'aa-demo', staffAgencyId: 'aa-demo' },
      {},
      ['sender_not_covered'],
    ],
    ['purpose not covered', { purpose: 'uebergabe' }, {}, ['purpose_not_covered']],
    [
      'category not covered',
      { categories: ['schule', 'sucht'] },
      {},
      ['category_not_covered:sucht'],
    ],
    [
      'category deselected',
      { categories: ['gesundheit'] },
      { deselectedCategories: ['gesundheit'] },
      ['category_not_covered:gesundheit'],
    ],
    [
      'guardian missing',
      {},
      { requiredSignatories: ['youth', 'guardian'] },
      ['guardian_signature_missing'],
    ],
    [
      'entrusting person missing',
      {},
      { requiredSignatories: ['youth', 'entrusting_person'] },
      ['entrusting_person_signature_missing'],
    ],
    ['staff of another agency', { staffAgencyId: 'aa-demo' }, {}, ['staff_not_in_sender_agency']],
    [
      'recipient certificate missing',
      { recipientCertificate: 'missing' },
      {},
      ['recipient_certificate_missing'],
    ],
    [
      'recipient certificate revoked',
      { recipientCertificate: 'revoked' },
      {},
      ['recipient_certificate_revoked'],
    ],
    [
      'recipient certificate expired',
      { recipientCertificate: 'expired' },
      {},
      ['recipient_certificate_expired'],
    ],
    [
      'recipient certificate untrusted',
      { recipientCertificate: 'untrusted' },
      {},
      ['recipient_certificate_untrusted'],
    ],
    [
      'recipient certificate unusable',
      { recipientCertificate: 'invalid' },
      {},
      ['recipient_certificate_invalid'],
    ],
    [
      'sender certificate revoked',
      { senderCertificate: 'revoked' },
      {},
      ['sender_certificate_revoked'],
    ],
    [
      'sender certificate missing',
      { senderCertificate: 'missing' },
      {},
      ['sender_certificate_missing'],
    ],
    ['sender key missing', { senderCertificate: 'key_missing' }, {}, ['sender_key_missing']],
    ['necessity missing', { necessity: '   ' }, {}, ['necessity_missing']],
    ['necessity absent', { necessity: undefined }, {}, ['necessity_missing']],
    ['no categories', { categories: [] }, {}, ['categories_missing']],
    [
      'summary mismatch',
      { summarySha256: 'b'.repeat(64) },
      { singleTransfer: { summarySha256: summary } },
      ['summary_mismatch'],
    ],
    ['summary absent', {}, { singleTransfer: { summarySha256: summary } }, ['summary_mismatch']],
    [
      'single-transfer consent used up',
      { summarySha256: summary, transferId: 'trf_2' },
      { singleTransfer: { summarySha256: summary, usedByTransferId: 'trf_1' } },
      ['consent_used_up'],
    ],
  ]
  it.each(cases)('denies when %s', (_name, req, consent, reasons) => {
    expect(decide(request(req), [activeConsent(consent)], now)).toMatchObject({
      decision: 'deny',
      reasons,
    })
  })

  it('names every applicable reason, not just the first', () => {
    const result = decide(
      request({
        to: 'xx-demo',
        purpose: 'uebergabe',
        categories: ['sucht', 'justiz', 'schule'],
        necessity: '',
        recipientCertificate: 'revoked',
      }),
      [
        activeConsent({
          revokedAt: '2026-03-01T00:00:00.000Z',
          requiredSignatories: ['youth', 'guardian'],
        }),
      ],
      now,
    )
    expect(result.reasons).toEqual([
      'recipient_certificate_revoked',
      'necessity_missing',
      'guardian_signature_missing',
      'consent_revoked',
      'recipient_not_covered',
      'purpose_not_covered',
      'category_not_covered:justiz',
      'category_not_covered:sucht',
    ])
  })

  it('permits a single-transfer consent for its own summary, also for the transfer that used it', () => {
    const bound = activeConsent({ singleTransfer: { summarySha256: summary } })
    expect(decide(request({ summarySha256: summary }), [bound], now).decision).toBe('permit')
    const used = activeConsent({
      singleTransfer: { summarySha256: summary, usedByTransferId: 'trf_1' },
    })
    expect(
      decide(request({ summarySha256: summary, transferId: 'trf_1' }), [used], now).decision,
    ).toBe('permit')
  })

  it('in a dry run, does not ask for the necessity unless it was given', () => {
    expect(
      decide(request({ necessity: undefined, dryRun: true }), [activeConsent()], now).decision,
    ).toBe('permit')
    expect(
      decide(request({ necessity: 'kurz', dryRun: true }), [activeConsent()], now).reasons,
    ).toEqual(['necessity_missing'])
  })

  it('with several consents, permits through one that covers all, and otherwise reports the closest', () => {
    const narrow = activeConsent({ id: 'cns_b', categories: ['schule'] })
    const wide = activeConsent({ id: 'cns_c', categories: ['schule', 'familie'] })
    expect(decide(request({ categories: ['familie'] }), [narrow, wide], now)).toMatchObject({
      decision: 'permit',
      consentId: 'cns_c',
      consent: wide,
    })
    const revoked = activeConsent({ id: 'cns_d', revokedAt: '2026-03-01T00:00:00.000Z' })
    expect(decide(request({ categories: ['sucht'] }), [revoked, narrow], now)).toEqual({
      decision: 'deny',
      consentId: 'cns_b',
      reasons: ['category_not_covered:sucht'],
    })
  })

  it('is valid through the last second of validUntil in Berlin and not a millisecond longer', () => {
    const consent = activeConsent({ validUntil: '2026-06-30' })
    expect(decide(request(), [consent], new Date('2026-06-30T21:59:59.999Z')).decision).toBe(
      'permit',
    )
    expect(decide(request(), [consent], new Date('2026-06-30T22:00:00.000Z')).reasons).toEqual([
      'consent_expired',
    ])
  })
})
