import { describe, expect, it } from 'vitest'
import { isPlausibleBirthDate, subjectAgeBounds } from '../../../consent/birth-date.ts'
import { validateDraft, consentDraftInputSchema } from '../../../consent/validate-draft.ts'
import { agencyKinds, now, vocabulary } from './fixtures.ts'

// fixtures.ts: now is 2026-03-02 (Berlin).
const today = '2026-03-02'

describe('isPlausibleBirthDate', () => {
  it.each([
    ['the youngest age, turned today', '2016-03-02', true],
    ['one day short of the youngest age', '2016-03-03', false],
    ['the oldest age, the day before turning one year older', '1998-03-03', true],
    ['one year over the oldest age, turned today', '1998-03-02', false],
    ['a typical 17-year-old', '2008-09-14', true],
    ['today', today, false],
    ['tomorrow', '2026-03-03', false],
    ['far in the future', '2999-01-01', false],
    ['before 1900', '1899-12-31', false],
    ['year zero', '0000-01-01', false],
  ])('%s (%s) → %s', (_what, birthDate, plausible) => {
    expect(isPlausibleBirthDate(birthDate, today)).toBe(plausible)
  })

  it('names its bounds: 10 to 27 years at drafting', () => {
    expect(subjectAgeBounds).toEqual({ min: 10, max: 27 })
  })
})

describe('validateDraft with an implausible birth date', () => {
  it.each(['2027-01-01', '1990-05-05', '2020-01-01', '1899-01-01'])(
    'refuses %s with ERR_CONSENT_BIRTH_DATE_INVALID at subject.birthDate',
    (birthDate) => {
      const draft = consentDraftInputSchema.parse({
        kind: 'einwilligung',
        subject: { givenName: 'Mila', familyName: 'Beispiel', birthDate },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil: '2026-12-31',
      })
      expect(() =>
        validateDraft(draft, {
          now,
          maxMonths: 12,
          vocabulary,
          agencyKinds,
          creatorAgencyId: 'jc-demo',
          agenciesWithPrivacyNotice: new Set(agencyKinds.keys()),
        }),
      ).toThrow(
        expect.objectContaining({
          code: 'ERR_CONSENT_BIRTH_DATE_INVALID',
          details: {
            problems: [{ code: 'ERR_CONSENT_BIRTH_DATE_INVALID', path: 'subject.birthDate' }],
          },
        }),
      )
    },
  )
})
