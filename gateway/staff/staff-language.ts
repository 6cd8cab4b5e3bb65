import type { Request, Response } from 'express'
import { parseCookies, serializeCookie } from '../http/cookies.ts'

/** Languages of the staff workplace: German by default, English switchable. */
export const staffLanguages = ['de', 'en'] as const
export type StaffLanguage = (typeof staffLanguages)[number]

/** The preference lives in a cookie, never in the URL (no personal data or state in links). */
export const staffLanguageCookie = 'brucke_lang'

export function staffLanguageOf(req: Request): StaffLanguage {
  const value = parseCookies(req.headers.cookie)[staffLanguageCookie]
  return value === 'en' ? 'en' : 'de'
}

export function setStaffLanguage(res: Response, language: StaffLanguage, secure: boolean): void {
  res.append(
    'Set-Cookie',
    serializeCookie(staffLanguageCookie, language, { secure, maxAgeSeconds: 365 * 24 * 3600 }),
  )
}

/** Picks the text of the current language; both are written side by side where they are used. */
export function say(language: StaffLanguage, de: string, en: string): string {
  return language === 'en' ? en : de
}
