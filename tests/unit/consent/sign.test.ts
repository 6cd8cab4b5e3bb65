import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { coveredCategories, isWrittenOrElectronic, type Consent } from '../../../consent/consent.ts'
import { applySignature, needsWrittenForm, type SignatureRequest } from '../../../consent/sign.ts'
import { now, vocabulary } from './fixtures.ts'

/** The signing rules (issue «Architecture» point 1, «Consent integrity» point 1), pure. */

const draft = (overrides: Partial<Consent> = {}): Consent => ({
  id: 'cns_1',
  kind: 'einwilligung',
  scope: 'standing',
  subjectPseudonym: 'psn_1',
  createdBy: 'staff-jc',
  createdByAgencyId: 'jc-demo',
  createdAt: now.toISOString(),
  senders: ['jc-demo'],
  recipients: ['ja-demo', 'aa-demo'],
  purposes: ['hilfeplanung'],
  categories: ['schule', 'berufswahl', 'gesundheit', 'sucht', 'justiz'],
  validFrom: '2026-03-02',
  validUntil: '2026-12-31',
  text: { templateId: 'einwilligung', version: 1, language: 'de', sha256: 'a'.repeat(64) },
  releasedProfessionals: [],
  entrustingPersons: [],
  entrustedCategories: [],
  requiredSignatories: ['youth'],
  signatures: [],
  deselectedCategories: [],
  deselectedRecipients: [],
  revocation: null,
  discardedAt: null,
  declinedAt: null,
  declineReason: null,
  lapsedAt: null,
  renewsConsentId: null,
  renewedAt: null,
  renewedByConsentId: null,
  textVersions: {},
  privacyNotices: [],
  singleTransfer: null,
  ...overrides,
})

const context = {
  at: now,
  birthDate: '2004-05-05',
  guardianAge: 18,
  agencyKinds: new Map([
    ['jc-demo', 'jobcenter'],
    ['aa-demo', 'agentur'],
    ['ja-demo', 'jugendamt'],
  ]),
  vocabulary,
}

const request = (overrides: Partial<SignatureRequest> = {}): SignatureRequest => ({
  role: 'youth',
  method: 'kiosk_drawn',
  deselectedCategories: [],
  deselectedRecipients: [],
  chosenSpecialCategories: [],
  ...overrides,
})

describe('applySignature', () => {
  it('special categories count only when chosen; the rest stays covered', () => {
    const outcome = applySignature(
      draft(),
      request({ chosenSpecialCategories: ['sucht'] }),
      context,
    )
    expect(outcome).toMatchObject({
      complete: true,
      deselectedCategories: ['gesundheit', 'justiz'],
      signedRoles: ['youth'],
    })
  })

  it('an attested signature never covers health or addiction data (§ 67b Abs. 2 SGB X)', () => {
    for (const chosen of [['gesundheit'], ['sucht'], ['gesundheit', 'justiz']])
      expect(() =>
        applySignature(
          draft(),
          request({ method: 'staff_attested', chosenSpecialCategories: chosen }),
          context,
        ),
      ).toThrow(expect.objectContaining({ code: 'ERR_CONSENT_WRITTEN_FORM_REQUIRED' }))
    // Criminal data (Art. 10) and ordinary data may be attested; so may a paper scan of anything.
    expect(
      applySignature(
        draft(),
        request({ method: 'staff_attested', chosenSpecialCategories: ['justiz'] }),
        context,
      ).complete,
    ).toBe(true)
    expect(
      applySignature(
        draft(),
        request({ method: 'paper_scan', chosenSpecialCategories: ['gesundheit'] }),
        context,
      ).complete,
    ).toBe(true)
  })

  it('when the person types their name and confirms at the kiosk, then health and addiction data are covered like a drawing (§ 67b Abs. 2 S. 2 SGB X: electronic)', () => {
    for (const method of ['kiosk_typed', 'kiosk_drawn', 'paper_scan'] as const) {
      expect(isWrittenOrElectronic(method)).toBe(true)
      const outcome = applySignature(
        draft(),
        request({ method, chosenSpecialCategories: ['gesundheit', 'sucht'] }),
        context,
      )
      expect(coveredCategories({ categories: draft().categories, ...outcome })).toEqual([
        'schule',
        'berufswahl',
        'gesundheit',
        'sucht',
      ])
    }
    expect(isWrittenOrElectronic('staff_attested')).toBe(false)
    // A guardian may sign typed as well, after the youth chose health data.
    const minor = { ...context, birthDate: '2010-01-01' }
    const youth = applySignature(
      draft(),
      request({ method: 'kiosk_typed', chosenSpecialCategories: ['gesundheit'] }),
      minor,
    )
    const signed = draft({
      requiredSignatories: youth.requiredSignatories,
      deselectedCategories: youth.deselectedCategories,
      signatures: [
        {
          role: 'youth',
          name: 'Y',
          signedAt: now.toISOString(),
          method: 'kiosk_typed',
          evidenceSha256: 'b'.repeat(64),
        },
      ],
    })
    expect(
      applySignature(signed, request({ role: 'guardian', method: 'kiosk_typed' }), minor).complete,
    ).toBe(true)
  })

  it('a guardian attested after the youth chose health data is refused too', () => {
    const minor = { ...context, birthDate: '2010-01-01' }
    const youth = applySignature(
      draft(),
      request({ chosenSpecialCategories: ['gesundheit'] }),
      minor,
    )
    expect(youth.requiredSignatories).toEqual(['youth', 'guardian'])
    const signed = draft({
      requiredSignatories: youth.requiredSignatories,
      deselectedCategories: youth.deselectedCategories,
      signatures: [
        {
          role: 'youth',
          name: 'Y',
          signedAt: now.toISOString(),
          method: 'kiosk_drawn',
          evidenceSha256: 'b'.repeat(64),
        },
      ],
    })
    expect(() =>
      applySignature(signed, request({ role: 'guardian', method: 'staff_attested' }), minor),
    ).toThrow(expect.objectContaining({ code: 'ERR_CONSENT_WRITTEN_FORM_REQUIRED' }))
    expect(
      applySignature(signed, request({ role: 'guardian', method: 'paper_scan' }), minor).complete,
    ).toBe(true)
  })

  it('only the youth chooses; nothing-left and unknown terms are refused', () => {
    expect(() =>
      applySignature(
        draft(),
        request({ role: 'guardian', deselectedCategories: ['schule'] }),
        context,
      ),
    ).toThrow(expect.objectContaining({ code: 'ERR_CONSENT_DESELECTION_NOT_YOUTH' }))
    expect(() =>
      applySignature(draft(), request({ deselectedRecipients: ['ja-demo', 'aa-demo'] }), context),
    ).toThrow(expect.objectContaining({ code: 'ERR_CONSENT_NOTHING_LEFT' }))
    expect(() =>
      applySignature(draft(), request({ deselectedCategories: ['wohnen'] }), context),
    ).toThrow(expect.objectContaining({ code: 'ERR_CONSENT_DESELECTION_INVALID' }))
  })

  it('property: an attested signature that succeeds leaves no health or addiction data covered', () => {
    const categories = ['schule', 'berufswahl', 'gesundheit', 'sucht', 'justiz']
    fc.assert(
      fc.property(
        fc.subarray(categories),
        fc.subarray(['gesundheit', 'sucht', 'justiz']),
        fc.constantFrom('kiosk_drawn', 'paper_scan', 'staff_attested' as const),
        (deselected, chosen, method) => {
          let outcome
          try {
            outcome = applySignature(
              draft(),
              request({
                method,
                deselectedCategories: deselected,
                chosenSpecialCategories: chosen.filter((c) => !deselected.includes(c)),
              }),
              context,
            )
          } catch {
            return
          }
          const covered = coveredCategories({
            categories,
            deselectedCategories: outcome.deselectedCategories,
          })
          expect(covered.length).toBeGreaterThan(0)
          if (method === 'staff_attested') expect(needsWrittenForm(covered, vocabulary)).toBe(false)
        },
      ),
      { numRuns: 500 },
    )
  })
})
