import { describe, expect, it } from 'vitest'
import type { ConsentErrorCode } from '../../../consent/errors.ts'
import {
  consentDraftInputSchema,
  validateDraft,
  type DraftContext,
} from '../../../consent/validate-draft.ts'
import { agencyKinds, now, vocabulary } from './fixtures.ts'

const context: DraftContext = {
  now,
  maxMonths: 12,
  vocabulary,
  agencyKinds,
  creatorAgencyId: 'jc-demo',
  agenciesWithPrivacyNotice: new Set(agencyKinds.keys()),
}

const draft = (overrides: Record<string, unknown> = {}) =>
  consentDraftInputSchema.parse({
    kind: 'einwilligung',
    subject: { givenName: 'Mila', familyName: 'Beispiel', birthDate: '2004-02-03' },
    senders: ['jc-demo'],
    recipients: ['ja-demo'],
    purposes: ['hilfeplanung'],
    categories: ['schule'],
    validUntil: '2026-12-31',
    ...overrides,
  })

function codesOf(overrides: Record<string, unknown>, ctx: Partial<DraftContext> = {}): string[] {
  try {
    validateDraft(draft(overrides), { ...context, ...ctx })
    return []
  } catch (error) {
    expect(error).toMatchObject({ name: 'ConsentError' })
    const details = (error as { details: { problems: { code: string }[] } }).details
    return details.problems.map((p) => p.code)
  }
}

describe('validateDraft', () => {
  it('accepts a specific, current, purpose-bound consent and settles validFrom to today in Berlin', () => {
    expect(validateDraft(draft(), context).validFrom).toBe('2026-03-02')
  })

  const cases: [string, Record<string, unknown>, ConsentErrorCode][] = [
    ['no purpose', { purposes: [] }, 'ERR_CONSENT_NO_PURPOSE'],
    ['no category', { categories: [] }, 'ERR_CONSENT_NO_CATEGORY'],
    ['no sender', { senders: [] }, 'ERR_CONSENT_NO_SENDER'],
    ['no recipient', { recipients: [] }, 'ERR_CONSENT_NO_RECIPIENT'],
    ['sender equals recipient', { recipients: ['jc-demo'] }, 'ERR_CONSENT_SENDER_IS_RECIPIENT'],
    ['wildcard recipient', { recipients: ['*'] }, 'ERR_CONSENT_WILDCARD_PARTY'],
    ['wildcard "alle"', { recipients: ['alle'] }, 'ERR_CONSENT_WILDCARD_PARTY'],
    ['wildcard sender', { senders: ['jc-*'] }, 'ERR_CONSENT_WILDCARD_PARTY'],
    ['unknown agency', { recipients: ['jc-elsewhere'] }, 'ERR_CONSENT_UNKNOWN_AGENCY'],
    [
      'creator not a party',
      { senders: ['aa-demo'], recipients: ['ja-demo'] },
      'ERR_CONSENT_CREATOR_NOT_PARTY',
    ],
    ['duplicate category', { categories: ['schule', 'schule'] }, 'ERR_CONSENT_DUPLICATE_ENTRY'],
    ['unknown purpose', { purposes: ['alles'] }, 'ERR_CONSENT_UNKNOWN_PURPOSE'],
    ['unknown category', { categories: ['lebenslauf'] }, 'ERR_CONSENT_UNKNOWN_CATEGORY'],
    [
      'validity one day over 12 months',
      { validUntil: '2027-03-02' },
      'ERR_CONSENT_VALIDITY_TOO_LONG',
    ],
    [
      'validity ending in the past',
      { validFrom: '2026-01-01', validUntil: '2026-03-01' },
      'ERR_CONSENT_VALIDITY_IN_PAST',
    ],
    ['validity starting in the past', { validFrom: '2026-03-01' }, 'ERR_CONSENT_VALIDITY_IN_PAST'],
    [
      'validity reversed',
      { validFrom: '2026-05-01', validUntil: '2026-04-01' },
      'ERR_CONSENT_VALIDITY_REVERSED',
    ],
    [
      'birth date in the future',
      { subject: { givenName: 'A', familyName: 'B', birthDate: '2027-01-01' } },
      'ERR_CONSENT_BIRTH_DATE_INVALID',
    ],
    [
      'Schweigepflichtsentbindung without released professionals',
      { kind: 'schweigepflichtsentbindung' },
      'ERR_CONSENT_RELEASED_PROFESSIONALS_MISSING',
    ],
  ]
  it.each(cases)('refuses %s', (_name, overrides, code) => {
    expect(codesOf(overrides)).toContain(code)
  })

  it('refuses § 65 data leaving the Jugendamt without saying who entrusted it', () => {
    expect(
      codesOf(
        { senders: ['ja-demo'], recipients: ['jc-demo'], categories: ['hilfeplan'] },
        { creatorAgencyId: 'ja-demo' },
      ),
    ).toEqual(['ERR_CONSENT_ENTRUSTING_PERSON_MISSING'])
    expect(
      codesOf(
        {
          senders: ['ja-demo'],
          recipients: ['jc-demo'],
          categories: ['hilfeplan'],
          entrustingPerson: { isYouth: true },
        },
        { creatorAgencyId: 'ja-demo' },
      ),
    ).toEqual([])
  })

  it('when a named agency has no Art. 13 information configured, then the draft is refused naming it', () => {
    const without = { agenciesWithPrivacyNotice: new Set(['jc-demo', 'aa-demo']) }
    expect(codesOf({}, without)).toEqual(['ERR_CONSENT_PRIVACY_NOTICE_MISSING'])
    try {
      validateDraft(draft({ recipients: ['aa-demo', 'ja-demo'] }), { ...context, ...without })
      expect.unreachable()
    } catch (error) {
      expect(error).toMatchObject({
        code: 'ERR_CONSENT_PRIVACY_NOTICE_MISSING',
        details: {
          problems: [
            { code: 'ERR_CONSENT_PRIVACY_NOTICE_MISSING', path: 'recipients.1', value: 'ja-demo' },
          ],
        },
      })
    }
    // The preparing agency itself is held to it as well.
    expect(codesOf({}, { agenciesWithPrivacyNotice: new Set(['ja-demo']) })).toEqual([
      'ERR_CONSENT_PRIVACY_NOTICE_MISSING',
    ])
  })

  it('accepts exactly the maximum span and honours a configured maximum', () => {
    expect(codesOf({ validUntil: '2027-03-01' })).toEqual([])
    expect(codesOf({ validUntil: '2026-09-02' }, { maxMonths: 6 })).toEqual([
      'ERR_CONSENT_VALIDITY_TOO_LONG',
    ])
    expect(codesOf({ validUntil: '2026-09-01' }, { maxMonths: 6 })).toEqual([])
  })

  it('reports every problem at once, the first as the error code', () => {
    try {
      validateDraft(draft({ purposes: [], categories: [] }), context)
      expect.unreachable()
    } catch (error) {
      expect(error).toMatchObject({ code: 'ERR_CONSENT_NO_PURPOSE' })
      expect(codesOf({ purposes: [], categories: [] })).toEqual([
        'ERR_CONSENT_NO_PURPOSE',
        'ERR_CONSENT_NO_CATEGORY',
      ])
    }
  })
})
