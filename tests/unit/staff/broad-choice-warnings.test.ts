import { describe, expect, it } from 'vitest'
import { vocabulary } from '../../../config/vocabulary.ts'
import {
  broadChoiceWarnings,
  describeDuration,
  describeWarning,
  fieldOfWarning,
  longestUnwarnedValidUntil,
  validityDuration,
} from '../../../gateway/staff/broad-choice-warnings.ts'

const base = {
  categories: ['schule'],
  recipients: ['ja-demo'],
  validFrom: '2026-03-02',
  vocabulary,
}

describe('the consent form’s sense of validity (issue 18 point 8)', () => {
  it('when the form proposes its default validity, then that validity draws no warning', () => {
    for (const today of ['2026-03-02', '2026-01-31', '2026-08-31', '2028-02-29', '2026-12-31']) {
      const validUntil = longestUnwarnedValidUntil(today)
      expect(broadChoiceWarnings({ ...base, validFrom: today, validUntil }), today).toEqual([])
      // …and it is the longest such: one day more warns.
      const next = new Date(`${validUntil}T12:00:00Z`)
      next.setUTCDate(next.getUTCDate() + 1)
      expect(
        broadChoiceWarnings({
          ...base,
          validFrom: today,
          validUntil: next.toISOString().slice(0, 10),
        }).map((w) => w.code),
        today,
      ).toEqual(['long_validity'])
    }
  })

  it('when a validity is described, then it is exact: seven months are "7 Monate", not "etwa 6"', () => {
    expect(validityDuration('2026-03-02', '2026-10-01')).toEqual({ months: 7, days: 0 })
    expect(describeDuration(validityDuration('2026-03-02', '2026-10-01'), 'de')).toBe('7 Monate')
    expect(validityDuration('2026-03-02', '2026-09-30')).toEqual({ months: 6, days: 29 })
    expect(describeDuration({ months: 6, days: 29 }, 'de')).toBe('6 Monate und 29 Tage')
    expect(describeDuration({ months: 1, days: 1 }, 'de')).toBe('1 Monat und 1 Tag')
    expect(describeDuration({ months: 0, days: 20 }, 'de')).toBe('20 Tage')
    // Month ends clamp as consent/calendar.ts's addMonths does: 31 January + 1 month = 28 February.
    expect(validityDuration('2026-01-31', '2026-02-27')).toEqual({ months: 1, days: 0 })
    expect(validityDuration('2026-01-31', '2026-02-26')).toEqual({ months: 0, days: 27 })
    expect(validityDuration('2026-03-02', '2027-03-01')).toEqual({ months: 12, days: 0 })
    const [warning] = broadChoiceWarnings({ ...base, validUntil: '2026-10-01' })
    expect(warning).toEqual({ code: 'long_validity', months: 7, days: 0 })
    const text = describeWarning(warning!, 'de', vocabulary)
    expect(text).toContain('7 Monate')
    expect(text).not.toContain('etwa')
  })

  it('when a warning is shown, then it names the field it is about', () => {
    const warnings = broadChoiceWarnings({
      ...base,
      categories: ['stammdaten', 'schule', 'berufswahl', 'integration', 'leistung', 'gesundheit'],
      recipients: ['a', 'b', 'c'],
      validUntil: '2027-02-28',
    })
    expect(warnings.map((w) => [w.code, fieldOfWarning(w)])).toEqual([
      ['many_categories', 'categories'],
      ['special_categories', 'categories'],
      ['long_validity', 'validity'],
      ['many_recipients', 'recipients'],
    ])
  })
})
