import { describe, expect, it } from 'vitest'
import { vocabulary } from '../../../config/vocabulary.ts'
import { denyReasonCodes } from '../../../consent/decide.ts'
import { broadChoiceWarnings } from '../../../gateway/staff/broad-choice-warnings.ts'
import { explainDenyReason, reasonTextTable } from '../../../gateway/staff/deny-reason-text.ts'

describe('plain-language deny reasons', () => {
  it('gives every stable reason code its own German and English sentence', () => {
    expect(denyReasonCodes.length).toBeGreaterThanOrEqual(19)
    for (const language of ['de', 'en'] as const) {
      const sentences = denyReasonCodes.map((r) => explainDenyReason(r, language, vocabulary))
      expect(new Set(sentences).size).toBe(denyReasonCodes.length)
      for (const s of sentences) expect(s).not.toMatch(/reason|Grund:/)
    }
  })

  it('when the composer table is built, then it has a sentence for every reason code', () => {
    const table = reasonTextTable('de', vocabulary, {})
    for (const code of denyReasonCodes)
      expect(table[code]).toBe(explainDenyReason(code, 'de', vocabulary))
  })

  it('names the uncovered category by its label', () => {
    expect(explainDenyReason('category_not_covered:gesundheit', 'de', vocabulary)).toContain(
      '„Gesundheit',
    )
  })

  it('names the date an expired consent ended, in German notation', () => {
    expect(
      explainDenyReason('consent_expired', 'de', vocabulary, { validUntil: '2026-02-28' }),
    ).toContain('28.02.2026')
  })

  it('shows an unknown code rather than hiding it', () => {
    expect(explainDenyReason('something_new', 'de', vocabulary)).toContain('something_new')
  })

  it('has a sentence for every category of the vocabulary in the composer table', () => {
    const table = reasonTextTable('de', vocabulary, {})
    for (const category of Object.keys(vocabulary.categories))
      expect(table[`category_not_covered:${category}`]).toBeDefined()
  })
})

describe('broad-choice warnings', () => {
  const base = {
    categories: ['schule'],
    recipients: ['ja-demo'],
    validFrom: '2026-03-02',
    validUntil: '2026-06-30',
    vocabulary,
  }
  it('when the choice is narrow, then there is no warning', () => {
    expect(broadChoiceWarnings(base)).toEqual([])
  })
  it('when a special category, many categories, long validity or many recipients are chosen, then each is named', () => {
    const warnings = broadChoiceWarnings({
      ...base,
      categories: ['stammdaten', 'schule', 'berufswahl', 'integration', 'leistung', 'gesundheit'],
      recipients: ['a', 'b', 'c'],
      validUntil: '2027-02-28',
    })
    expect(warnings.map((w) => w.code)).toEqual([
      'many_categories',
      'special_categories',
      'long_validity',
      'many_recipients',
    ])
    expect(warnings[1]).toMatchObject({ categories: ['gesundheit'] })
  })
  it('when the validity is just under six months, then it is not called long', () => {
    expect(broadChoiceWarnings({ ...base, validUntil: '2026-09-01' })).toEqual([])
    expect(broadChoiceWarnings({ ...base, validUntil: '2026-09-02' })[0]?.code).toBe(
      'long_validity',
    )
  })
})
