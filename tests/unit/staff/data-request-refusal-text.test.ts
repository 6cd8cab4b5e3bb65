import { describe, expect, it } from 'vitest'
import { vocabulary } from '../../../config/vocabulary.ts'
import { dataRequestRefusalCodes } from '../../../consent/data-request-rule.ts'
import { explainDataRequestRefusal } from '../../../gateway/staff/data-request-refusal-text.ts'

describe('plain-language data request refusals', () => {
  it('gives every refusal code its own German and English sentence', () => {
    for (const language of ['de', 'en'] as const) {
      const sentences = dataRequestRefusalCodes.map((code) =>
        explainDataRequestRefusal(code, language, vocabulary, { categories: ['schule'] }),
      )
      expect(new Set(sentences).size).toBe(dataRequestRefusalCodes.length)
      for (const s of sentences) expect(s).not.toMatch(/ERR_|undefined|„“|""/)
    }
  })

  it('names what the consent does not cover by its label, and an unknown term as typed', () => {
    expect(
      explainDataRequestRefusal('ERR_REQUEST_NOT_COVERED', 'de', vocabulary, {
        purpose: 'fallkonferenz',
        categories: ['familie', 'sucht'],
      }),
    ).toBe(
      'Die Einwilligung deckt den Zweck „Fallkonferenz“ und die Kategorien „Familiäre Situation“, „Suchtmittel“ nicht (nicht enthalten oder von der Person abgewählt). Entfernen Sie das aus der Anfrage.',
    )
    expect(
      explainDataRequestRefusal('ERR_REQUEST_UNKNOWN_CATEGORY', 'en', vocabulary, {
        categories: ['constructor'],
      }),
    ).toContain('"constructor"')
  })
})
