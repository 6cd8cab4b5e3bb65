import type { Page } from 'playwright-core'
import { de } from '../../templates/pages/i18n/de.ts'
import {
  personCatalogues,
  type PersonLanguage,
} from '../../templates/pages/i18n/person-language.ts'

/** Short German words of the person's pages that a translated page must not show. */
const knownGermanWords = [
  'Widerruf',
  'Beleg',
  'Unterschrift',
  'Zustimmen',
  'zustimmen',
  'Geburtsdatum',
  'Empfänger',
  'Zweck',
  'Gültig',
  'Übermittl',
  'Abmelden',
  'Fertig',
  'Drucken',
  'Danke',
  'Erklärung',
  'Weiter',
  'Prüfsumme',
  'Nachweis',
  'Öffnen',
  'Bitte',
  'Junge Person',
  'Erziehungsberechtigt',
  'Zum Inhalt',
  'herunterladen',
  'Willkommen',
  'Einwilligung',
  'Auskunft',
]

/**
 * German phrases a page in `language` must not contain: every text of the German catalogue that
 * the language's own catalogue does not also use (pieces between placeholders, 6 characters or
 * more), plus, for languages other than Leichte Sprache, a list of known short German words. The
 * language names and the word "Sprache" of the switch are meant to be there.
 */
export function germanPhrasesFor(language: PersonLanguage): string[] {
  const own = Object.values(personCatalogues[language])
  const phrases = new Set<string>()
  for (const [key, value] of Object.entries(de)) {
    if (key === 'languageName' || key === 'language') continue
    for (const piece of value.split(/\{\w+\}/)) {
      const fragment = piece.trim()
      if (fragment.length >= 6 && !own.some((text) => text.includes(fragment)))
        phrases.add(fragment)
    }
  }
  if (language !== 'de-ls') for (const word of knownGermanWords) phrases.add(word)
  return [...phrases]
}

/**
 * All text of the page — hidden parts too — without the consent text itself: the one read at the
 * kiosk, and the texts on the receipt (which holds the binding German one by design).
 */
export async function pageTextWithoutConsentText(page: Page): Promise<string> {
  // Runs in the page; typed loosely because the test project has no DOM lib.
  return page.evaluate(() => {
    const doc = (
      globalThis as unknown as { document: { body: { cloneNode(deep: boolean): unknown } } }
    ).document
    const body = doc.body.cloneNode(true) as {
      querySelectorAll(s: string): { forEach(f: (e: { remove(): void }) => void): void }
      textContent: string
    }
    body.querySelectorAll('#consent-text, .receipt-text').forEach((e) => e.remove())
    return body.textContent
  })
}

/** The German phrases found on the page (expected: none). */
export async function germanLeftovers(page: Page, language: PersonLanguage): Promise<string[]> {
  const text = await pageTextWithoutConsentText(page)
  return germanPhrasesFor(language).filter((phrase) => text.includes(phrase))
}

/** Codes the person should never read: snake_case words such as `transfer_queued`. */
export async function rawCodes(page: Page): Promise<string[]> {
  const text = await pageTextWithoutConsentText(page)
  return [...text.matchAll(/\b[a-z]+_[a-z_]+\b/g)].map((m) => m[0])
}

/** Whether the page is wider than its viewport (horizontal scrolling on a phone). */
export async function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (globalThis as unknown as { document: { scrollingElement: { scrollWidth: number } } })
        .document.scrollingElement.scrollWidth,
  )
}

export async function htmlLangAndDir(
  page: Page,
): Promise<{ lang: string | null; dir: string | null }> {
  return {
    lang: await page.getAttribute('html', 'lang'),
    dir: await page.getAttribute('html', 'dir'),
  }
}
