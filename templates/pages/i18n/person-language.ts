import { escapeHtml, SafeHtml } from '../html.ts'
import { ar } from './ar.ts'
import { de, type PersonStringKey, type PersonStrings } from './de.ts'
import { deLs } from './de-ls.ts'
import { en } from './en.ts'
import { fa } from './fa.ts'
import { ru } from './ru.ts'
import { tr } from './tr.ts'
import { uk } from './uk.ts'

/**
 * The languages of the person's side — kiosk, receipt, `/me` and its export (docs/design.md §5):
 * German (binding), Leichte Sprache, English, Arabic, Turkish, Ukrainian, Russian, Dari/Farsi.
 * Staff pages stay German (or English, see staff-language.ts).
 */
export const personLanguages = ['de', 'de-ls', 'en', 'ar', 'tr', 'uk', 'ru', 'fa'] as const
export type PersonLanguage = (typeof personLanguages)[number]

/** One catalogue per language, each with every key of German. */
export const personCatalogues: Record<PersonLanguage, PersonStrings> = {
  de,
  'de-ls': deLs,
  en,
  ar,
  tr,
  uk,
  ru,
  fa,
}

export function isPersonLanguage(value: unknown): value is PersonLanguage {
  return typeof value === 'string' && (personLanguages as readonly string[]).includes(value)
}

/** A language asked for (a cookie, a query, a stored session), or German. */
export function personLanguageOf(value: unknown): PersonLanguage {
  return isPersonLanguage(value) ? value : 'de'
}

export function isRightToLeft(language: string): boolean {
  return language === 'ar' || language === 'fa'
}

export function directionOf(language: string): 'rtl' | 'ltr' {
  return isRightToLeft(language) ? 'rtl' : 'ltr'
}

/** The `lang` attribute: Leichte Sprache is German to a browser and a screen reader. */
export function htmlLangOf(language: string): string {
  return language === 'de-ls' ? 'de' : language
}

export function stringsFor(language: string): PersonStrings {
  return personCatalogues[personLanguageOf(language)]
}

/** A catalogue text with its `{placeholders}` filled in as plain text. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  )
}

/**
 * A catalogue text as HTML: the text is escaped; each filled-in value is isolated with `<bdi>`
 * (a code, a date or a name keeps its own direction inside right-to-left text) unless it is
 * already markup.
 */
export function fillHtml(
  template: string,
  values: Record<string, string | number | SafeHtml>,
): SafeHtml {
  let out = ''
  let last = 0
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    const name = match[1] as string
    const value = values[name]
    out += escapeHtml(template.slice(last, match.index))
    out +=
      value === undefined
        ? escapeHtml(match[0])
        : value instanceof SafeHtml
          ? value.value
          : `<bdi>${escapeHtml(String(value))}</bdi>`
    last = match.index + match[0].length
  }
  return new SafeHtml(out + escapeHtml(template.slice(last)))
}

/** A text by key in a language (plain). */
export function say(
  language: string,
  key: PersonStringKey,
  values: Record<string, string | number> = {},
): string {
  return fill(stringsFor(language)[key], values)
}
