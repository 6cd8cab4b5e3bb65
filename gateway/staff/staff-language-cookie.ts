import type { Request, Response } from 'express'
import type { StaffLanguage } from '../../templates/pages/view-models/staff-language.ts'
import { parseCookies, serializeCookie } from '../http/cookies.ts'

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
