import { describe, expect, it } from 'vitest'
import type { Consent, ConsentSubject } from '../../../consent/consent.ts'
import { decide } from '../../../consent/decide.ts'
import { factsOf } from '../../../consent/consent.ts'
import type { ConsentActor, KioskFlow } from '../../../consent/permissions.ts'
import { authorizeConsentAction } from '../../../consent/permissions.ts'
import {
  checkRenewalSubject,
  offersRenewal,
  renewalDraftOf,
  renewalEnding,
} from '../../../consent/renewal.ts'
import { consentStatus, consentStatuses, type ConsentStatus } from '../../../consent/status.ts'

/** Renewal (issue 18 point 5): who may renew, what the draft carries, when the old one ends. */

const signedAt = '2026-03-02T09:00:00.000Z'
const old = (overrides: Partial<Consent> = {}): Consent => ({
  id: 'cns_old',
  kind: 'einwilligung',
  scope: 'standing',
  subjectPseudonym: 'psn_1',
  createdBy: 'staff-jc',
  createdByAgencyId: 'jc-demo',
  createdAt: signedAt,
  senders: ['jc-demo', 'aa-demo'],
  recipients: ['ja-demo', 'tr-demo'],
  purposes: ['hilfeplanung'],
  categories: ['schule', 'berufswahl', 'hilfeplan'],
  validFrom: '2026-03-02',
  validUntil: '2026-12-31',
  text: { templateId: 'einwilligung', version: 2, language: 'de-ls', sha256: 'a'.repeat(64) },
  releasedProfessionals: [],
  entrustingPersons: [{ isYouth: true }],
  entrustedCategories: ['hilfeplan'],
  requiredSignatories: ['youth'],
  signatures: [
    {
      role: 'youth',
      name: 'Mia Muster',
      signedAt,
      method: 'kiosk_drawn',
      evidenceSha256: 'b'.repeat(64),
    },
  ],
  deselectedCategories: ['berufswahl'],
  deselectedRecipients: ['tr-demo'],
  revocation: null,
  discardedAt: null,
  declinedAt: null,
  declineReason: null,
  lapsedAt: null,
  renewsConsentId: null,
  renewedAt: null,
  renewedByConsentId: null,
  textVersions: { de: 1, 'de-ls': 2 },
  privacyNotices: [],
  singleTransfer: null,
  ...overrides,
})
const subject: ConsentSubject = {
  givenName: 'Mia',
  familyName: 'Muster',
  birthDate: '2006-05-05',
  caseRefs: { 'jc-demo': 'BG-4711' },
}

/** jc-demo prepared it and sends; aa-demo sends too; ja-demo receives; xx-demo is no party. */
const party = (status: ConsentStatus) => ({
  id: 'cns_old',
  createdByAgencyId: 'jc-demo',
  senders: ['jc-demo', 'aa-demo'],
  recipients: ['ja-demo'],
  status,
})
const staff = (agencyId: string): ConsentActor => ({ kind: 'staff', agencyId })
const flows: (KioskFlow | null)[] = [
  null,
  { consentId: 'cns_old', step: 'sign', purpose: 'sign' },
  { consentId: 'cns_old', step: 'read', purpose: 'confirm_majority' },
]
const renewable: readonly ConsentStatus[] = ['active', 'expired', 'revoked', 'lapsed']

describe('who may renew a consent', () => {
  it('when staff of the preparing agency or of another sending agency ask, then an ending or ended consent is renewable', () => {
    for (const agencyId of ['jc-demo', 'aa-demo'])
      for (const status of consentStatuses) {
        const permission = authorizeConsentAction(staff(agencyId), { type: 'renew' }, party(status))
        if (renewable.includes(status)) expect(permission).toEqual({ allowed: true })
        else expect(permission).toMatchObject({ allowed: false, code: 'ERR_CONSENT_NOT_RENEWABLE' })
      }
  })

  it('when any other party asks, then it is refused, whatever the status', () => {
    const others: [ConsentActor, string][] = [
      [staff('ja-demo'), 'ERR_CONSENT_NOT_SENDER'],
      [staff('xx-demo'), 'ERR_CONSENT_NOT_FOUND'],
      // DPO, admin and system workers act on no consent.
      [{ kind: 'none' }, 'ERR_CONSENT_NOT_FOUND'],
      [{ kind: 'self_service', receiptConsentIds: [] }, 'ERR_CONSENT_NOT_FOUND'],
      [{ kind: 'self_service', receiptConsentIds: ['cns_old'] }, 'ERR_CONSENT_METHOD_NOT_ALLOWED'],
      [
        { kind: 'kiosk', agencyId: 'xx-demo', flow: null, receiptConsentIds: [] },
        'ERR_CONSENT_NOT_FOUND',
      ],
      ...flows.map((flow): [ConsentActor, string] => [
        { kind: 'kiosk', agencyId: 'jc-demo', flow, receiptConsentIds: ['cns_old'] },
        'ERR_CONSENT_METHOD_NOT_ALLOWED',
      ]),
    ]
    for (const [actor, code] of others)
      for (const status of consentStatuses) {
        const permission = authorizeConsentAction(actor, { type: 'renew' }, party(status))
        expect(permission.allowed).toBe(false)
        // A party that may not see the consent learns nothing; the others are told why.
        if (code === 'ERR_CONSENT_NOT_FOUND' || status === 'active' || renewable.includes(status))
          expect(permission).toMatchObject({ code })
      }
  })

  it('offers "verlängern / erneuern" on an ended consent, and on an active one only when it ends soon', () => {
    const at = (
      status: ConsentStatus,
      validUntil = '2026-12-31',
      scope: Consent['scope'] = 'standing',
    ) =>
      offersRenewal({
        actor: staff('jc-demo'),
        consent: { ...party(status), scope, validUntil },
        today: '2026-12-10',
        withinDays: 30,
      })
    expect(at('active')).toBe(true)
    expect(at('active', '2027-03-01')).toBe(false)
    for (const status of ['expired', 'revoked', 'lapsed'] as const)
      expect(at(status, '2027-03-01')).toBe(true)
    for (const status of ['draft', 'declined', 'discarded', 'renewed'] as const)
      expect(at(status)).toBe(false)
    expect(at('expired', '2026-12-31', 'single_transfer')).toBe(false)
    expect(
      offersRenewal({
        actor: staff('ja-demo'),
        consent: { ...party('expired'), scope: 'standing', validUntil: '2026-12-31' },
        today: '2026-12-10',
        withinDays: 30,
      }),
    ).toBe(false)
  })
})

describe('renewalDraftOf', () => {
  it('prefills the person, parties, purposes, what the person kept, case reference and language, valid from today', () => {
    const draft = renewalDraftOf({
      consent: old(),
      subject,
      today: '2026-12-10',
      validUntil: '2027-06-09',
    })
    expect(draft).toEqual({
      kind: 'einwilligung',
      subject: { ...subject, caseRefs: { 'jc-demo': 'BG-4711' } },
      senders: ['jc-demo', 'aa-demo'],
      // The person's deselections stay out of the renewal.
      recipients: ['ja-demo'],
      purposes: ['hilfeplanung'],
      categories: ['schule', 'hilfeplan'],
      validFrom: '2026-12-10',
      validUntil: '2027-06-09',
      language: 'de-ls',
      releasedProfessionals: [],
      entrustingPersons: [{ isYouth: true }],
      entrustedCategories: ['hilfeplan'],
    })
  })

  it('refuses a single-transfer consent', () => {
    expect(() =>
      renewalDraftOf({
        consent: old({
          scope: 'single_transfer',
          singleTransfer: { summarySha256: 'c'.repeat(64) },
        }),
        subject,
        today: '2026-12-10',
        validUntil: '2027-06-09',
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CONSENT_NOT_RENEWABLE' }))
  })

  it('refuses a renewal for another person', () => {
    expect(() => checkRenewalSubject(old(), 'psn_1')).not.toThrow()
    expect(() => checkRenewalSubject(old(), 'psn_2')).toThrow(
      expect.objectContaining({ code: 'ERR_CONSENT_RENEWAL_OTHER_PERSON' }),
    )
  })
})

describe('renewalEnding', () => {
  const at = new Date('2026-12-10T10:00:00.000Z')
  it('ends an active consent at the instant the renewal is signed; from then on it is renewed and denies', () => {
    const ending = renewalEnding(factsOf(old()), at)
    expect(ending).toEqual({ end: true, at: at.toISOString() })
    const ended = { ...factsOf(old()), renewedAt: at.toISOString() }
    expect(consentStatus(ended, new Date(at.getTime() - 1))).toBe('active')
    expect(consentStatus(ended, at)).toBe('renewed')
    const request = {
      subjectPseudonym: 'psn_1',
      from: 'jc-demo',
      staffAgencyId: 'jc-demo',
      to: 'ja-demo',
      purpose: 'hilfeplanung',
      categories: ['schule'],
      necessity: 'Abstimmung des Hilfeplans mit dem Jobcenter',
    }
    expect(decide(request, [ended], at)).toMatchObject({
      decision: 'deny',
      reasons: ['consent_renewed'],
    })
  })

  it('leaves a consent that already ended otherwise as it ended', () => {
    expect(
      renewalEnding(
        factsOf(old({ revocation: { at: signedAt, channel: 'staff', by: 'user:x' } })),
        at,
      ),
    ).toEqual({ end: false, status: 'revoked' })
    expect(renewalEnding(factsOf(old({ validUntil: '2026-12-01' })), at)).toEqual({
      end: false,
      status: 'expired',
    })
    expect(renewalEnding(factsOf(old({ renewedAt: signedAt })), at)).toEqual({
      end: false,
      status: 'renewed',
    })
  })
})
