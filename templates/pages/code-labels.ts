/*
 * German labels for the codes Brücke stores (issue 18 point 6), for every page — staff, DPO,
 * admin, kiosk, `/me`. A page never prints a code where a reader expects words: it looks the code
 * up here (or in templates/pages/staff/staff-labels.ts for the staff vocabulary, or
 * templates/pages/i18n/person-labels.ts in the person's language). The raw-code check
 * (templates/pages/raw-codes.ts, tests/integration/raw-codes-pages.test.ts) fails a page that
 * shows one. An unknown code comes back unchanged, so the check catches a table that lacks it.
 */
import { agencyKindLabel } from '../../config/agency-kinds.ts'
import { vocabulary } from '../../config/vocabulary.ts'
import { categoryNotCoveredPrefix } from '../../consent/decide.ts'
import { localized } from '../../consent/vocabulary.ts'
import { eventTypeLabel } from './dpo/event-labels.ts'
import { stringsFor } from './i18n/person-language.ts'
export { eventTypeLabel } from './dpo/event-labels.ts'

/** No label yet: the code itself, which the raw-code check then reports. */
const unknown = (code: string) => code

/** The channel an action came by (audit `channel`, consent revocation `channel`, inbox `via`). */
const channels: Record<string, string> = {
  page: 'Web-Oberfläche (Fachkraft)',
  api: 'Programmschnittstelle (API)',
  smtp_ingress: 'E-Mail an Brücke (SMTP-Eingang)',
  smtp: 'E-Mail einer Partnerstelle (SMTP)',
  local: 'innerhalb dieses Gateways',
  kiosk: 'am Kiosk',
  self_service: 'Selbstauskunft (/me)',
  staff: 'durch die Fachkraft',
  system: 'automatisch (Brücke)',
  http: 'Programmschnittstelle (API)',
  pdf: 'als PDF',
  prefill: 'im vorausgefüllten Formular',
  attachment: 'Anlage heruntergeladen',
}
export function channelLabel(code: string): string {
  return channels[code] ?? unknown(code)
}

/** Short German names of the deny reasons of docs/design.md §3.2 (lists, reports, the DPO log). */
const reasons: Record<string, string> = {
  no_consent: 'keine passende Einwilligung',
  consent_revoked: 'Einwilligung widerrufen',
  consent_expired: 'Einwilligung abgelaufen',
  consent_discarded: 'Entwurf verworfen',
  consent_declined: 'Einwilligung abgelehnt',
  consent_lapsed: 'Einwilligung bei Volljährigkeit erloschen',
  consent_renewed: 'Einwilligung durch eine erneuerte ersetzt',
  not_yet_valid: 'Einwilligung noch nicht gültig',
  recipient_not_covered: 'Empfänger nicht abgedeckt',
  sender_not_covered: 'absendende Stelle nicht abgedeckt',
  purpose_not_covered: 'Zweck nicht abgedeckt',
  categories_missing: 'keine Datenkategorie gewählt',
  youth_signature_missing: 'Unterschrift der jungen Person fehlt',
  guardian_signature_missing: 'Unterschrift der Erziehungsberechtigten fehlt',
  entrusting_person_signature_missing: 'Unterschrift der anvertrauenden Person fehlt',
  staff_not_in_sender_agency: 'Fachkraft gehört nicht zur absendenden Stelle',
  recipient_certificate_missing: 'Zertifikat des Empfängers fehlt',
  recipient_certificate_revoked: 'Zertifikat des Empfängers widerrufen',
  recipient_certificate_expired: 'Zertifikat des Empfängers abgelaufen',
  recipient_certificate_untrusted: 'Zertifikat des Empfängers nicht vertrauenswürdig',
  recipient_certificate_invalid: 'Zertifikat des Empfängers ungültig',
  sender_certificate_missing: 'eigenes Zertifikat fehlt',
  sender_certificate_revoked: 'eigenes Zertifikat widerrufen',
  sender_certificate_expired: 'eigenes Zertifikat abgelaufen',
  sender_certificate_untrusted: 'eigenes Zertifikat nicht vertrauenswürdig',
  sender_certificate_invalid: 'eigenes Zertifikat ungültig',
  sender_key_missing: 'eigener Signaturschlüssel fehlt',
  necessity_missing: 'Erforderlichkeit nicht begründet',
  summary_mismatch: 'Inhalt passt nicht zur Prüfung',
  consent_used_up: 'Einwilligung bereits verbraucht',
  unspecified: 'ohne Angabe',
}
/**
 * A deny reason as a short German phrase; `category_not_covered:<term>` names the category with
 * `category` (e.g. the vocabulary's label), else the term.
 */
export function denyReasonLabel(code: string, category?: (term: string) => string): string {
  if (code.startsWith(categoryNotCoveredPrefix)) {
    const term = code.slice(categoryNotCoveredPrefix.length)
    return `Datenkategorie „${category ? category(term) : term}“ nicht abgedeckt`
  }
  return reasons[code] ?? unknown(code)
}

/** The fields of audit events (audit/events/*), as the DPO's entry page names them. */
const fields: Record<string, string> = {
  agencyId: 'Behörde',
  attempt: 'Versuch Nr.',
  attempts: 'Versuche',
  auditBefore: 'Protokoll vor',
  bodySha256: 'Hash des Inhalts',
  caSha256: 'Hash der Zertifizierungsstelle',
  cardSha256: 'Hash der Partnerkarte',
  categories: 'Datenkategorien',
  certificateSha256: 'Hash des Zertifikats',
  certificates: 'Zertifikate',
  certificatesAdded: 'hinzugefügte Zertifikate',
  certificatesRetiring: 'auslaufende Zertifikate',
  channel: 'Weg',
  confirmBy: 'zu bestätigen bis',
  consentId: 'Einwilligung',
  consentsPurged: 'gelöschte Einwilligungen',
  transferCopiesPurged: 'gelöschte Kopien gesendeter Übermittlungen',
  composerDraftsPurged: 'gelöschte Entwürfe im Verfasser',
  termCount: 'Suchwörter (Name, Aktenzeichen)',
  withBirthDate: 'mit Geburtsdatum',
  matches: 'gefundene Personen',
  attachmentIndex: 'Anlage Nr. (ab 0)',
  renewsConsentId: 'erneuert die Einwilligung',
  renewedByConsentId: 'ersetzt durch die Einwilligung',
  crlSource: 'Quelle der Sperrliste',
  sources: 'abgerufene Quellen',
  updated: 'davon mit neuerer Sperrliste',
  failed: 'davon fehlgeschlagen',
  decision: 'Entscheidung',
  deselectedCategories: 'abgewählte Datenkategorien',
  deselectedRecipients: 'abgewählte Empfänger',
  endedAt: 'beendet am',
  entries: 'Einträge',
  entriesErased: 'gelöschte Einträge',
  envelopeMatches: 'Umschlag stimmt überein',
  envelopeSha256: 'Hash des verschlüsselten Umschlags',
  error: 'Fehler',
  evidenceSha256: 'Hash des Nachweises',
  expiresAt: 'läuft ab am',
  filter: 'Filter',
  firstBadSeq: 'erster fehlerhafter Eintrag',
  format: 'Format',
  found: 'gefunden',
  from: 'von',
  giveUpAt: 'aufgeben am',
  ground: 'Rechtsgrundlage',
  handoffStartedAt: 'Übergabe begonnen am',
  holderAgencyId: 'Behörde der Karte',
  inboxItemsPurged: 'gelöschte Posteingangseinträge',
  issuedAt: 'ausgestellt am',
  itemId: 'Posteingangseintrag',
  itemIds: 'Posteingangseinträge',
  kind: 'Art',
  kioskCleared: 'Kiosk geleert',
  kioskId: 'Kiosk-Gerät',
  language: 'Sprache',
  madeDue: 'fällig gestellt',
  messageId: 'Nachrichtenkennung',
  messageIdSha256: 'Hash der Nachrichtenkennung',
  messagesDropped: 'verworfene Nachrichten',
  method: 'Art der Unterschrift',
  nextAttemptAt: 'nächster Versuch',
  notAfter: 'gültig bis',
  noticeItemId: 'Mitteilung',
  noticeSha256: 'Hash der Mitteilung',
  outcome: 'Ergebnis',
  permanent: 'endgültig',
  plaintextSha256: 'Hash des Klartexts',
  previousStatus: 'vorheriger Status',
  privacyNoticeSha256: 'Hash der Datenschutzhinweise',
  purpose: 'Zweck',
  purposes: 'Zwecke',
  reason: 'Grund',
  reasonGiven: 'Begründung angegeben',
  reasons: 'Gründe',
  receiptFor: 'Empfangsbestätigung zu',
  receiptId: 'Empfangsbestätigung',
  recipientAgencyId: 'empfangende Behörde',
  recipients: 'Empfänger',
  replaced: 'ersetzt',
  requestId: 'Anfrage',
  requesterAgencyId: 'anfragende Behörde',
  requiredSignatories: 'nötige Unterschriften',
  retireAt: 'außer Dienst ab',
  role: 'Rolle',
  rootHash: 'Wurzel-Hash',
  route: 'Adresse',
  scope: 'Umfang',
  senderAgencyId: 'absendende Behörde',
  senders: 'absendende Stellen',
  serialNumber: 'Seriennummer',
  sessionsEnded: 'beendete Sitzungen',
  signatoryRoles: 'Unterschreibende',
  smtpResponse: 'Antwort des Mailservers',
  statedReason: 'genannter Grund',
  subject: 'Person',
  subjectPseudonym: 'Pseudonym',
  templateId: 'Vorlage',
  textLanguage: 'Sprache des Textes',
  textSha256: 'Hash des Textes',
  textVersion: 'Textversion',
  to: 'an',
  tokenId: 'API-Token',
  tokensNotBefore: 'Tokens ungültig vor',
  transferId: 'Übermittlung',
  treeSize: 'Einträge im Checkpoint',
  useStopped: 'Verwendung beendet',
  userId: 'Konto',
  username: 'Benutzername',
  validFrom: 'gültig ab',
  validUntil: 'gültig bis',
  version: 'Version',
  via: 'Weg',
  what: 'Was',
  withKey: 'mit Schlüssel',
}
export function auditFieldLabel(name: string): string {
  return fields[name] ?? unknown(name)
}
/** Who acted (`user:…`, `kiosk:…`, `youth:…`, `cli:…`, `system`), in words with the id. */
export function actorLabel(actor: string): { role: string; id: string } {
  if (actor === 'system') return { role: 'Brücke (automatisch)', id: '' }
  const [kind = '', ...rest] = actor.split(':')
  const id = rest.join(':')
  const roles: Record<string, string> = {
    user: 'Konto',
    kiosk: 'Kiosk',
    youth: 'Person (Selbstauskunft)',
    cli: 'Kommandozeile',
  }
  return { role: roles[kind] ?? kind, id }
}

/** A category or purpose of the vocabulary by its German name (the id when unknown). */
export function categoryName(id: string): string {
  const term = vocabulary.categories[id]
  return term ? localized(term.label, 'de') : unknown(id)
}
export function purposeName(id: string): string {
  const term = vocabulary.purposes[id]
  return term ? localized(term.label, 'de') : unknown(id)
}

const signatories: Record<string, string> = {
  youth: 'junge Person',
  guardian: 'Erziehungsberechtigte/r',
  entrusting_person: 'anvertrauende Person',
  entrusting_person_2: 'zweite anvertrauende Person',
  entrusting_person_3: 'dritte anvertrauende Person',
}
/** Why a kiosk session was opened (audit/events/kiosk-events.ts). */
const kioskPurposes: Record<string, string> = {
  sign: 'Unterschreiben',
  confirm_majority: 'Bestätigen bei Volljährigkeit',
}

const valueTables: Record<string, Record<string, string>> = {
  scope: { standing: 'fortlaufend', single_transfer: 'für eine einzige Übermittlung' },
  kind: {
    jobcenter: agencyKindLabel('jobcenter'),
    agentur: agencyKindLabel('agentur'),
    jugendamt: agencyKindLabel('jugendamt'),
    traeger: agencyKindLabel('traeger'),
    transfer: 'Übermittlung',
    revocation_notice: 'Widerrufsmitteilung',
    receipt: 'Empfangsbestätigung',
    case_summary: 'Fallzusammenfassung',
    einwilligung: 'Einwilligung',
    schweigepflichtsentbindung: 'Schweigepflichtsentbindung',
    lapse_notice: 'Erlöschensmitteilung',
  },
  method: {
    kiosk_drawn: 'am Kiosk unterschrieben',
    kiosk_typed: 'am Kiosk mit getipptem Namen bestätigt',
    paper_scan: 'auf Papier (Scan)',
    staff_attested: 'von Fachkraft bestätigt',
  },
  outcome: { accepted: 'angenommen', refused: 'abgewiesen' },
  decision: { permit: 'erlaubt', deny: 'verweigert' },
  role: {
    staff: 'Fachkraft',
    dpo: 'Datenschutzbeauftragte/r',
    admin: 'Administration',
    kiosk: 'Kiosk-Gerät',
    ...signatories,
  },
  signatoryRoles: signatories,
  requiredSignatories: signatories,
  previousStatus: {
    draft: 'Entwurf',
    active: 'gültig',
    revoked: 'widerrufen',
    lapsed: 'erloschen',
    expired: 'abgelaufen',
    declined: 'abgelehnt',
    discarded: 'verworfen',
  },
  reason: {
    unknown_user: 'unbekanntes Konto',
    bad_password: 'falsches Passwort',
    disabled: 'Konto gesperrt',
    rate_limited: 'zu viele Versuche',
    unknown_code_or_birth_date: 'Code oder Geburtsdatum unbekannt',
    unknown_transfer: 'unbekannte Übermittlung',
    signer_not_recipient: 'nicht vom Empfänger signiert',
    recipient_mismatch: 'Empfänger passt nicht',
    message_mismatch: 'Nachricht passt nicht',
    duplicate: 'doppelt',
  },
}

/**
 * A stored value as words, by the field it stands in (`channel`, `reasons`, `categories`,
 * `method`, …); undefined when the value is no code or has no label yet.
 */
export function codeValueLabel(field: string, value: string): string | undefined {
  let label: string | undefined
  if (field === 'channel' || field === 'via') label = channels[value]
  else if (field === 'reasons' || field === 'reason')
    label =
      value.startsWith(categoryNotCoveredPrefix) || reasons[value]
        ? denyReasonLabel(value, categoryName)
        : valueTables.reason?.[value]
  else if (/categor/i.test(field)) label = vocabulary.categories[value] && categoryName(value)
  else if (/^purposes?$/.test(field))
    label = vocabulary.purposes[value] ? purposeName(value) : kioskPurposes[value]
  else if (field === 'type') label = eventTypeLabel(value)
  else label = valueTables[field]?.[value]
  return label !== undefined && label !== value ? label : undefined
}

const textTemplates: Record<string, string> = {
  einwilligung: 'Einwilligung',
  schweigepflichtsentbindung: 'Schweigepflichtsentbindung',
}
/** A consent text as read: "Einwilligung, Fassung 2, Deutsch" (its hash is shown beside it). */
export function textVersionLabel(text: {
  templateId: string
  version: number | string
  language: string
}): string {
  const name = textTemplates[text.templateId] ?? unknown(text.templateId)
  return `${name}, Fassung ${text.version}, ${stringsFor(text.language).languageName}`
}
