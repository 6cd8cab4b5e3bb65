/*
 * German labels for the codes Brücke stores (issue 18 point 6), for every page — staff, DPO,
 * admin, kiosk, `/me`. A page never prints a code where a reader expects words: it looks the code
 * up here (or in templates/pages/staff/staff-labels.ts for the staff vocabulary, or
 * templates/pages/i18n/person-labels.ts in the person's language). The raw-code check
 * (templates/pages/raw-codes.ts, tests/integration/raw-codes-pages.test.ts) fails a page that
 * shows one. An unknown code comes back unchanged, so the check catches a table that lacks it.
 */
import { categoryNotCoveredPrefix } from '../../consent/decide.ts'
export { decisionLabel, eventTypeLabel } from './dpo/event-labels.ts'

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
  crlSource: 'Quelle der Sperrliste',
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
