import type { Agency } from '../../../accounts/account-schemas.ts'
import { localized, type Vocabulary } from '../../../consent/vocabulary.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'

/** Display names for the codes the staff pages show. */
export function statusLabel(status: string, lang: StaffLanguage): string {
  const labels: Record<string, [string, string]> = {
    draft: ['Entwurf – Unterschrift fehlt', 'Draft – signature missing'],
    active: ['Gültig', 'Active'],
    revoked: ['Widerrufen', 'Revoked'],
    lapsed: ['Erloschen (nicht bestätigt)', 'Lapsed (not confirmed)'],
    renewed: ['Erneuert (durch neue Einwilligung ersetzt)', 'Renewed (replaced by a new consent)'],
    expired: ['Abgelaufen', 'Expired'],
    declined: ['Abgelehnt', 'Declined'],
    discarded: ['Verworfen', 'Discarded'],
  }
  const pair = labels[status]
  return pair ? say(lang, pair[0], pair[1]) : status
}

export function signatoryLabel(role: string, lang: StaffLanguage): string {
  const labels: Record<string, [string, string]> = {
    youth: ['Junge Person', 'Young person'],
    guardian: ['Erziehungsberechtigte/r', 'Guardian'],
    entrusting_person: [
      'Anvertrauende Person (§ 65 SGB VIII)',
      'Entrusting person (§ 65 SGB VIII)',
    ],
    entrusting_person_2: [
      'Zweite anvertrauende Person (§ 65 SGB VIII)',
      'Second entrusting person (§ 65 SGB VIII)',
    ],
    entrusting_person_3: [
      'Dritte anvertrauende Person (§ 65 SGB VIII)',
      'Third entrusting person (§ 65 SGB VIII)',
    ],
  }
  const pair = labels[role]
  return pair ? say(lang, pair[0], pair[1]) : role
}

export function methodLabel(method: string, lang: StaffLanguage): string {
  const labels: Record<string, [string, string]> = {
    kiosk_drawn: ['am Kiosk unterschrieben', 'signed at the kiosk'],
    kiosk_typed: [
      'am Kiosk mit getipptem Namen ausdrücklich bestätigt',
      'typed name expressly confirmed at the kiosk',
    ],
    paper_scan: ['auf Papier (Scan)', 'on paper (scan)'],
    staff_attested: ['von Fachkraft bestätigt', 'attested by staff'],
  }
  const pair = labels[method]
  return pair ? say(lang, pair[0], pair[1]) : method
}

export function kindLabel(kind: string, lang: StaffLanguage): string {
  return kind === 'schweigepflichtsentbindung'
    ? 'Schweigepflichtsentbindung'
    : say(lang, 'Einwilligung', 'Consent (Einwilligung)')
}

export function categoryLabel(id: string, vocabulary: Vocabulary, lang: StaffLanguage): string {
  const term = vocabulary.categories[id]
  return term ? localized(term.label, lang) : id
}

export function purposeLabel(id: string, vocabulary: Vocabulary, lang: StaffLanguage): string {
  const term = vocabulary.purposes[id]
  return term ? localized(term.label, lang) : id
}

export function agencyName(id: string, agencies: readonly Agency[]): string {
  return agencies.find((a) => a.id === id)?.name ?? id
}

/** A calendar date (YYYY-MM-DD) as staff read it. */
export function showDate(date: string, lang: StaffLanguage): string {
  if (lang === 'en') return date
  const [y, m, d] = date.split('-')
  return `${d}.${m}.${y}`
}

/** An instant in Europe/Berlin time. */
export function showInstant(iso: string, lang: StaffLanguage): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'de-DE', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Berlin',
  }).format(new Date(iso))
}
