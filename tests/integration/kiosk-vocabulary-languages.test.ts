import { describe, expect, it } from 'vitest'
import { vocabulary } from '../../config/vocabulary.ts'
import { findConsentTemplate, renderConsentText } from '../../consent/consent-text.ts'
import { localized, parseVocabulary, type LocalizedText } from '../../consent/vocabulary.ts'
import { loadConsentTemplates } from '../../templates/consent/load-consent-templates.ts'
import { kioskLanguages } from '../../gateway/kiosk/kiosk-service.ts'

/** Kiosk languages whose readers may not read German: every vocabulary text must be their own. */
const translatedLanguages = ['ar', 'tr', 'uk', 'ru', 'fa'] as const

const purposeIds = Object.keys(vocabulary.purposes)
const categoryIds = Object.keys(vocabulary.categories)

const terms: [string, Record<string, LocalizedText>][] = [
  ...Object.entries(vocabulary.purposes).map(([id, t]): [string, Record<string, LocalizedText>] => [
    `purpose ${id}`,
    { label: t.label, explanation: t.explanation, gain: t.gain },
  ]),
  ...Object.entries(vocabulary.categories).map(
    ([id, t]): [string, Record<string, LocalizedText>] => [
      `category ${id}`,
      { label: t.label, explanation: t.explanation },
    ],
  ),
]

describe('vocabulary in every kiosk language', () => {
  it('when a term is looked up in any kiosk language, then it has a non-empty label', () => {
    for (const [, fields] of terms)
      for (const language of kioskLanguages)
        expect(localized(fields.label as LocalizedText, language).trim()).not.toBe('')
  })

  it('when a kiosk language is not German, then every label, explanation and gain is its own text', () => {
    for (const [name, fields] of terms)
      for (const [field, text] of Object.entries(fields))
        for (const language of ['en', ...translatedLanguages]) {
          expect(text[language], `${name} ${field} ${language}`).toBeTypeOf('string')
          expect(text[language], `${name} ${field} ${language}`).not.toBe(text.de)
        }
  })

  it('when a term is shown in Leichte Sprache, then its label, explanation and gain have a Leichte Sprache form', () => {
    // Staff terms such as «Gemeinsame Einschätzung vor Rechtsfolgen» or «Leistungsbezug» must not
    // reach the young person as they are (issue «The person's side», point 1).
    for (const [name, fields] of terms)
      for (const [field, text] of Object.entries(fields)) {
        expect(text['de-ls'], `${name} ${field} de-ls`).toBeTypeOf('string')
        expect(text['de-ls']!.trim(), `${name} ${field} de-ls`).not.toBe('')
      }
    expect(localized(vocabulary.purposes.pflichtverletzung!.label, 'de-ls')).not.toBe(
      'Gemeinsame Einschätzung vor Rechtsfolgen',
    )
    expect(localized(vocabulary.categories.leistung!.label, 'de-ls')).not.toBe('Leistungsbezug')
  })

  it('when a translation is missing, then the German text is shown; de-ls falls back to de', () => {
    const text = { de: 'Gesundheit', en: 'Health' }
    expect(localized(text, 'ar')).toBe('Gesundheit')
    expect(localized(text, 'de-ls')).toBe('Gesundheit')
    expect(localized(text, 'en')).toBe('Health')
    expect(localized(text, 'constructor')).toBe('Gesundheit')
  })

  it('when a term lacks its English text, then the vocabulary is rejected', () => {
    const term = { de: 'x', en: 'x' }
    const purpose = { label: term, explanation: term, gain: term }
    const category = { label: term, explanation: term, sensitivity: 'normal', section65: false }
    expect(() =>
      parseVocabulary({ purposes: { abc: purpose }, categories: { abc: category } }),
    ).not.toThrow()
    expect(() =>
      parseVocabulary({
        purposes: { abc: { ...purpose, label: { de: 'x' } } },
        categories: { abc: category },
      }),
    ).toThrow(/en is required/)
  })
})

describe('consent texts carry no German vocabulary in translated languages', () => {
  for (const kind of ['einwilligung', 'schweigepflichtsentbindung'] as const)
    for (const language of translatedLanguages)
      it(`renders ${kind} in ${language} with every purpose and category in ${language}`, () => {
        const template = findConsentTemplate(loadConsentTemplates(), kind, language)
        const { text } = renderConsentText(
          template,
          {
            kind,
            senders: [{ id: 'ja-demo', name: 'Demo A' }],
            recipients: [{ id: 'jc-demo', name: 'Demo B' }],
            purposes: purposeIds,
            categories: categoryIds,
            validFrom: '2026-03-02',
            validUntil: '2026-12-31',
            releasedProfessionals: [],
            entrustingPersons: [],
            summarySha256: null,
            contact: 'Demo B (u25@jc-demo.example)',
            subjectName: 'Mila Beispiel',
            preparer: 'Demo A',
            privacyNotices: [],
            guardianRequired: false,
          },
          vocabulary,
        )
        expect(text).not.toContain('Gesundheit')
        expect(text).not.toContain('Schule')
        for (const [name, fields] of terms)
          for (const [field, t] of Object.entries(fields)) {
            expect(text, `${name} ${field}`).not.toContain(t.de)
            expect(text, `${name} ${field}`).toContain(t[language])
          }
      })
})

describe('adding translations leaves the German, Leichte Sprache and English texts as they were', () => {
  /** The vocabulary as it was before ar/tr/uk/ru/fa were added: those keys stripped. */
  const withoutTranslations = parseVocabulary(
    JSON.parse(
      JSON.stringify(vocabulary, (key, value: unknown) =>
        (translatedLanguages as readonly string[]).includes(key) ? undefined : value,
      ),
    ),
  )
  for (const kind of ['einwilligung', 'schweigepflichtsentbindung'] as const)
    for (const language of ['de', 'de-ls', 'en'])
      it(`renders ${kind} in ${language} byte for byte as before, with the same SHA-256`, () => {
        const template = findConsentTemplate(loadConsentTemplates(), kind, language)
        const input = {
          kind,
          senders: [{ id: 'ja-demo', name: 'Jugendamt Demo' }],
          recipients: [{ id: 'jc-demo', name: 'Jobcenter Demo' }],
          purposes: purposeIds,
          categories: categoryIds,
          validFrom: '2026-03-02',
          validUntil: '2026-12-31',
          releasedProfessionals: ['Sozialpädagogin Träger X'],
          entrustingPersons: [{ isYouth: false, name: 'Anna Beispiel' }],
          summarySha256: 'ab'.repeat(32),
          contact: 'Jobcenter Demo (u25@jc-demo.example)',
          subjectName: 'Mila Beispiel',
          preparer: 'Jugendamt Demo',
          privacyNotices: [],
          guardianRequired: true,
        }
        const before = renderConsentText(template, input, withoutTranslations)
        const after = renderConsentText(template, input, vocabulary)
        expect(Object.keys(withoutTranslations.categories.gesundheit?.label ?? {})).not.toContain(
          'ar',
        )
        expect(after.text).toBe(before.text)
        expect(after.reference.sha256).toBe(before.reference.sha256)
      })
})
