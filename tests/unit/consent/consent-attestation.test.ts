import { describe, expect, it } from 'vitest'
import {
  attestationCoversTransfer,
  buildConsentAttestation,
  consentAttestationSchema,
  type AttestationSource,
  type AttestedTransfer,
} from '../../../consent/consent-attestation.ts'
import type { Consent } from '../../../consent/consent.ts'

/** 2026-03-02 10:00 in Berlin. */
const now = new Date('2026-03-02T09:00:00.000Z')

/** A full consent record as the store holds it, names and evidence included. */
function consent(overrides: Partial<Consent> = {}): Consent {
  return {
    id: 'cns_a',
    kind: 'schweigepflichtsentbindung',
    scope: 'standing',
    subjectPseudonym: 'psn_subject',
    createdBy: 'staff-ja',
    createdByAgencyId: 'ja-demo',
    createdAt: '2026-03-01T08:00:00.000Z',
    senders: ['ja-demo'],
    recipients: ['jc-demo', 'aa-demo'],
    purposes: ['hilfeplanung', 'fallkonferenz'],
    categories: ['schule', 'berufswahl', 'familie', 'gesundheit'],
    validFrom: '2026-03-01',
    validUntil: '2026-12-31',
    text: { templateId: 'schweigepflicht', version: 3, language: 'de', sha256: 'a'.repeat(64) },
    releasedProfessionals: ['Frau Beispiel, Jugendamt'],
    entrustingPersons: [{ isYouth: false, name: 'Petra Quastenberg', relation: 'Mutter' }],
    entrustedCategories: ['familie', 'gesundheit'],
    requiredSignatories: ['youth', 'guardian'],
    signatures: [
      {
        role: 'youth',
        name: 'Leonie Quastenberg',
        signedAt: '2026-03-02T08:00:00.000Z',
        method: 'kiosk_drawn',
        evidenceSha256: 'b'.repeat(64),
        kioskDevice: 'kiosk-1',
      },
      {
        role: 'guardian',
        name: 'Petra Quastenberg',
        signedAt: '2026-03-02T08:05:00.000Z',
        method: 'paper_scan',
        evidenceSha256: 'c'.repeat(64),
        attendingStaff: 'staff-ja',
      },
    ],
    deselectedCategories: ['gesundheit'],
    deselectedRecipients: ['aa-demo'],
    revocation: null,
    discardedAt: null,
    declinedAt: null,
    declineReason: null,
    lapsedAt: null,
    renewsConsentId: null,
    renewedAt: null,
    renewedByConsentId: null,
    textVersions: { de: 3 },
    privacyNotices: [],
    singleTransfer: null,
    ...overrides,
  }
}

const transfer = (overrides: Partial<AttestedTransfer> = {}): AttestedTransfer => ({
  sender: 'ja-demo',
  recipient: 'jc-demo',
  purpose: 'hilfeplanung',
  categories: ['schule', 'familie'],
  at: now,
  ...overrides,
})

describe('buildConsentAttestation', () => {
  it('when built from a signed consent, then it names what the consent covers and how it was signed, without names or evidence', () => {
    const attestation = buildConsentAttestation(consent(), now)
    expect(attestation).toEqual({
      version: 1,
      consentId: 'cns_a',
      kind: 'schweigepflichtsentbindung',
      scope: 'standing',
      text: { templateId: 'schweigepflicht', version: 3, sha256: 'a'.repeat(64) },
      signatories: [
        { role: 'youth', signedAt: '2026-03-02T08:00:00.000Z', method: 'kiosk_drawn' },
        { role: 'guardian', signedAt: '2026-03-02T08:05:00.000Z', method: 'paper_scan' },
      ],
      validFrom: '2026-03-01',
      validUntil: '2026-12-31',
      senders: ['ja-demo'],
      recipients: ['jc-demo'],
      purposes: ['hilfeplanung', 'fallkonferenz'],
      categories: ['schule', 'berufswahl', 'familie'],
      entrustedCategories: ['familie'],
      status: 'active',
      issuedAt: now.toISOString(),
    })
    expect(consentAttestationSchema.parse(attestation)).toEqual(attestation)
    const text = JSON.stringify(attestation)
    for (const secret of ['Quastenberg', 'Mutter', 'kiosk-1', 'staff-ja', 'psn_subject', 'bbbb'])
      expect(text).not.toContain(secret)
  })

  it('when the consent is revoked, lapsed, still unsigned or past its validity, then the status says so', () => {
    const revoked = consent({
      revocation: { at: '2026-03-02T08:30:00.000Z', channel: 'staff', by: 'user:staff-ja' },
    })
    expect(buildConsentAttestation(revoked, now).status).toBe('revoked')
    expect(
      buildConsentAttestation(consent({ lapsedAt: '2026-03-02T08:30:00.000Z' }), now).status,
    ).toBe('lapsed')
    const unsigned = consent({ signatures: consent().signatures.slice(0, 1) })
    expect(buildConsentAttestation(unsigned, now).status).toBe('draft')
    expect(buildConsentAttestation(consent(), new Date('2027-01-01T00:00:00.000Z')).status).toBe(
      'expired',
    )
  })

  it('when built from the light record of the hot path, then it is the same as from the full consent', () => {
    const full = consent()
    const light: AttestationSource = {
      ...full,
      signatures: full.signatures.map(({ role, signedAt, method }) => ({ role, signedAt, method })),
      revocation: null,
    }
    expect(buildConsentAttestation(light, now)).toEqual(buildConsentAttestation(full, now))
  })
})

describe('consentAttestationSchema', () => {
  const valid = buildConsentAttestation(consent(), now)

  it('when a field is unknown, a name slips in, or a list is oversized, then it is refused', () => {
    expect(consentAttestationSchema.safeParse({ ...valid, subject: 'x' }).success).toBe(false)
    expect(
      consentAttestationSchema.safeParse({
        ...valid,
        signatories: [{ ...valid.signatories[0], name: 'Leonie' }],
      }).success,
    ).toBe(false)
    expect(
      consentAttestationSchema.safeParse({
        ...valid,
        categories: Array.from({ length: 65 }, (_, i) => `c${i}x`),
      }).success,
    ).toBe(false)
    expect(consentAttestationSchema.safeParse({ ...valid, version: 2 }).success).toBe(false)
    expect(
      consentAttestationSchema.safeParse({ ...valid, text: { ...valid.text, sha256: 'x' } })
        .success,
    ).toBe(false)
  })
})

describe('attestationCoversTransfer', () => {
  const attestation = buildConsentAttestation(consent(), now)

  it('when the transfer lies inside the attestation, then it is covered', () => {
    expect(attestationCoversTransfer(attestation, transfer())).toEqual({ ok: true })
    // The last Berlin day of the validity still counts.
    expect(
      attestationCoversTransfer(
        attestation,
        transfer({ at: new Date('2026-12-31T22:59:59.000Z') }),
      ),
    ).toEqual({ ok: true })
  })

  const mismatches: [string, Partial<AttestedTransfer>, string[]][] = [
    ['another sender', { sender: 'jc-demo', recipient: 'jc-demo' }, ['sender_not_covered']],
    ['a recipient the person deselected', { recipient: 'aa-demo' }, ['recipient_not_covered']],
    ['an agency no party to it', { recipient: 'xx-demo' }, ['recipient_not_covered']],
    ['another purpose', { purpose: 'uebergabe' }, ['purpose_not_covered']],
    [
      'a category the person deselected',
      { categories: ['schule', 'gesundheit'] },
      ['category_not_covered:gesundheit'],
    ],
    ['a category never named', { categories: ['straftaten'] }, ['category_not_covered:straftaten']],
    ['no category', { categories: [] }, ['categories_missing']],
    ['a day before the validity', { at: new Date('2026-02-28T12:00:00.000Z') }, ['not_yet_valid']],
    [
      'the day after the validity',
      { at: new Date('2026-12-31T23:00:00.000Z') },
      ['consent_expired'],
    ],
  ]
  it.each(mismatches)(
    'when the transfer has %s, then it is refused naming why',
    (_, o, reasons) => {
      expect(attestationCoversTransfer(attestation, transfer(o))).toEqual({ ok: false, reasons })
    },
  )

  it('when the attestation says the consent was not in force, then nothing is covered', () => {
    const revoked = buildConsentAttestation(
      consent({ revocation: { at: '2026-03-02T08:30:00.000Z', channel: 'kiosk', by: 'youth:x' } }),
      now,
    )
    expect(attestationCoversTransfer(revoked, transfer())).toEqual({
      ok: false,
      reasons: ['consent_revoked'],
    })
  })

  it('when several things are wrong, then every reason is listed', () => {
    const result = attestationCoversTransfer(
      attestation,
      transfer({ sender: 'aa-demo', purpose: 'uebergabe', categories: ['gesundheit'] }),
    )
    expect(result).toEqual({
      ok: false,
      reasons: ['sender_not_covered', 'purpose_not_covered', 'category_not_covered:gesundheit'],
    })
  })
})
