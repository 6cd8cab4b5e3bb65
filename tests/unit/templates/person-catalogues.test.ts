import { describe, expect, it } from 'vitest'
import { de } from '../../../templates/pages/i18n/de.ts'
import {
  fill,
  fillHtml,
  personCatalogues,
  personLanguages,
} from '../../../templates/pages/i18n/person-language.ts'
import {
  consentStatusLabel,
  denyReasonLabel,
  eventLabel,
  transferStatusLabel,
} from '../../../templates/pages/i18n/person-labels.ts'
import { html } from '../../../templates/pages/html.ts'

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
const germanKeys = Object.keys(de).sort()
const others = personLanguages.filter((l) => l !== 'de')

/** Words that are the same in English and German. */
const sameAsGerman: Record<string, string[]> = { en: ['name', 'receiptTextChecksum'] }

describe('the person catalogues (one per language)', () => {
  it.each(others)('when %s is loaded, then it has exactly the keys of German', (language) => {
    expect(Object.keys(personCatalogues[language]).sort()).toEqual(germanKeys)
  })

  it.each(personLanguages)(
    'when %s is loaded, then no text is empty (but German needs no binding note)',
    (language) => {
      const empty = Object.entries(personCatalogues[language])
        .filter(
          ([key, text]) => text.trim() === '' && !(language === 'de' && key === 'bindingNote'),
        )
        .map(([key]) => key)
      expect(empty).toEqual([])
    },
  )

  it.each(others)(
    'when %s is loaded, then every text has the placeholders of German',
    (language) => {
      const catalogue = personCatalogues[language]
      const differing = germanKeys.filter(
        (key) =>
          JSON.stringify(placeholders(catalogue[key as keyof typeof de])) !==
          JSON.stringify(placeholders(de[key as keyof typeof de])),
      )
      expect(differing).toEqual([])
    },
  )

  it.each(others.filter((l) => l !== 'de-ls'))(
    'when %s is loaded, then no text is left in German',
    (language) => {
      const catalogue = personCatalogues[language]
      const untranslated = germanKeys.filter(
        (key) =>
          catalogue[key as keyof typeof de] === de[key as keyof typeof de] &&
          de[key as keyof typeof de] !== '' &&
          !(sameAsGerman[language] ?? []).includes(key),
      )
      expect(untranslated).toEqual([])
    },
  )

  it('when a right-to-left catalogue writes a number, then with Latin digits (the PDF font engine would reverse Arabic-Indic ones)', () => {
    for (const language of ['ar', 'fa'] as const)
      expect(Object.values(personCatalogues[language]).join('')).not.toMatch(
        /[\u0660-\u0669\u06F0-\u06F9]/,
      )
  })

  it('when Leichte Sprache is loaded, then most of its texts are its own, not standard German', () => {
    const own = germanKeys.filter(
      (key) => personCatalogues['de-ls'][key as keyof typeof de] !== de[key as keyof typeof de],
    )
    expect(own.length / germanKeys.length).toBeGreaterThan(0.75)
  })

  it('when Leichte Sprache shows the receipt or the signing widget, then every word is its own, not standard German', () => {
    const same = germanKeys.filter(
      (key) =>
        /^(receipt[A-Z]|signing)/.test(key) &&
        personCatalogues['de-ls'][key as keyof typeof de] === de[key as keyof typeof de],
    )
    expect(same).toEqual([])
  })
})

describe('filling catalogue texts', () => {
  it('when a text is filled as HTML, then the text is escaped and each value isolated with <bdi>', () => {
    expect(fillHtml('<b>{a}</b> & {b}', { a: 'X<1>', b: html`<i>ok</i>` }).value).toBe(
      '&lt;b&gt;<bdi>X&lt;1&gt;</bdi>&lt;/b&gt; &amp; <i>ok</i>',
    )
  })

  it('when a value is missing, then its placeholder stays visible rather than vanishing', () => {
    expect(fill('{a} {b}', { a: 1 })).toBe('1 {b}')
  })
})

describe('plain words for codes', () => {
  it.each(personLanguages)(
    'when %s shows a status, an event or a reason, then no snake_case code appears',
    (language) => {
      const words = [
        ...['draft', 'active', 'declined', 'revoked', 'lapsed', 'expired', 'discarded'].map((s) =>
          consentStatusLabel(language, s),
        ),
        ...['queued', 'retrying', 'delivered', 'failed', 'cancelled_revoked'].map((s) =>
          transferStatusLabel(language, s),
        ),
        ...['transfer_queued', 'transfer_denied', 'consent_signed', 'something_new'].map((e) =>
          eventLabel(language, e),
        ),
        ...[
          'consent_revoked',
          'category_not_covered:sucht',
          'guardian_signature_missing',
          'necessity_missing',
        ].map((r) => denyReasonLabel(language, r)),
      ]
      for (const word of words) expect(word).not.toMatch(/[a-z]+_[a-z]+/)
    },
  )

  it('when reasons differ in kind, then the person reads four different plain explanations', () => {
    const labels = [
      'consent_expired',
      'purpose_not_covered',
      'youth_signature_missing',
      'summary_mismatch',
    ].map((r) => denyReasonLabel('de', r))
    expect(new Set(labels).size).toBe(4)
  })
})
