/** Languages of the staff workplace: German by default, English switchable. */
export const staffLanguages = ['de', 'en'] as const
export type StaffLanguage = (typeof staffLanguages)[number]

/** Picks the text of the current language; both are written side by side where they are used. */
export function say(language: StaffLanguage, de: string, en: string): string {
  return language === 'en' ? en : de
}
