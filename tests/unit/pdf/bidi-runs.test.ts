import { describe, expect, it } from 'vitest'
import { visualRuns } from '../../../gateway/pdf/bidi-runs.ts'
import { layoutParagraph } from '../../../gateway/pdf/pdf-layout.ts'

describe('direction runs of a PDF line (UAX #9, the part the person PDFs need)', () => {
  it('when an Arabic label precedes a Latin code, then the code stands left of the label', () => {
    expect(visualRuns('رمز الإيصال: ABCD-1234-EFGH', 'rtl')).toEqual([
      { text: 'ABCD-1234-EFGH', direction: 'ltr' },
      { text: 'رمز الإيصال: ', direction: 'rtl' },
    ])
  })

  it('when numbers and Arabic words alternate, then each number keeps its digits in order', () => {
    const runs = visualRuns('من 10 يونيو 2005', 'rtl')
    expect(runs.map((r) => r.text)).toEqual(['2005', ' يونيو ', '10', 'من '])
  })

  it('when brackets after Arabic words hold Latin text, then they belong to the Arabic side and are mirrored', () => {
    expect(visualRuns('نص (SHA-256)', 'rtl')).toEqual([
      { text: '(', direction: 'rtl' },
      { text: 'SHA-256', direction: 'ltr' },
      { text: 'نص )', direction: 'rtl' },
    ])
  })

  it('when brackets enclose Arabic words, then both are mirrored inside the Arabic run', () => {
    expect(visualRuns('النص (النموذج): x', 'rtl')).toEqual([
      { text: 'x', direction: 'ltr' },
      { text: 'النص )النموذج(: ', direction: 'rtl' },
    ])
  })

  it('when brackets follow Latin text, then they stay with it (paired brackets, rule N0)', () => {
    expect(visualRuns('النص: einwilligung v1 (ar)', 'rtl')).toEqual([
      { text: 'einwilligung v1 (ar)', direction: 'ltr' },
      { text: 'النص: ', direction: 'rtl' },
    ])
  })

  it('when a legal reference is isolated, then it is one left-to-right run and the marks are dropped', () => {
    const runs = visualRuns('الموافقة (\u2066§ 67b SGB X\u2069)', 'rtl')
    expect(runs).toEqual([
      { text: '(', direction: 'rtl' },
      { text: '§ 67b SGB X', direction: 'ltr' },
      { text: 'الموافقة )', direction: 'rtl' },
    ])
  })

  it('when the Arabic comma separates Latin names, then it stays between them in one run', () => {
    expect(visualRuns('Jugendamt Demo، Jobcenter Demo', 'rtl')).toEqual([
      { text: 'Jugendamt Demo، Jobcenter Demo', direction: 'ltr' },
    ])
  })

  it('when a left-to-right line holds an Arabic name, then the line keeps its order around it', () => {
    expect(visualRuns('Name: سارا Karimi', 'ltr')).toEqual([
      { text: 'Name: ', direction: 'ltr' },
      { text: 'سارا', direction: 'rtl' },
      { text: ' Karimi', direction: 'ltr' },
    ])
  })
})

describe('laying out a paragraph', () => {
  const measure = (text: string) => Array.from(text).length

  it('when the language is right to left, then each line ends at the right edge', () => {
    const lines = layoutParagraph('رمز: AB', { width: 20, direction: 'rtl', measure })
    expect(lines).toEqual([
      [
        { text: 'AB', x: 13 },
        { text: 'رمز: ', x: 15 },
      ],
    ])
  })

  it('when a text is longer than the line, then it breaks at spaces and cuts a long hash', () => {
    const lines = layoutParagraph(`aa bb ${'f'.repeat(12)}`, {
      width: 5,
      direction: 'ltr',
      measure,
    })
    expect(lines.map((l) => l.map((r) => r.text).join(''))).toEqual([
      'aa bb',
      'fffff',
      'fffff',
      'ff',
    ])
    expect(lines.every((l) => l[0]?.x === 0)).toBe(true)
  })
})
