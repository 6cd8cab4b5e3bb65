import type { Agency } from '../../../accounts/account-schemas.ts'
import { localized, type Vocabulary } from '../../../consent/vocabulary.ts'
import { channelLabel as germanChannelLabel } from '../code-labels.ts'
import { formatBerlinTime, formatCalendarDate } from '../view-models/format-berlin-time.ts'
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

/** The channel an action came by (e.g. a revocation: kiosk, self-service, staff). */
export function channelLabel(code: string, lang: StaffLanguage): string {
  const english: Record<string, string> = {
    page: 'web page (staff)',
    api: 'API',
    smtp_ingress: 'e-mail to Brücke (SMTP ingress)',
    kiosk: 'at the kiosk',
    self_service: 'self-service (/me)',
    staff: 'by staff',
    system: 'automatically (Brücke)',
  }
  return say(lang, germanChannelLabel(code), english[code] ?? code)
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

/** A calendar date (YYYY-MM-DD) as staff read it: DD.MM.YYYY in every page language. */
export function showDate(date: string, _lang?: StaffLanguage): string {
  return formatCalendarDate(date)
}

/** An instant in Europe/Berlin time: DD.MM.YYYY, HH:MM in every page language. */
export function showInstant(iso: string, _lang?: StaffLanguage): string {
  return formatBerlinTime(iso)
}
