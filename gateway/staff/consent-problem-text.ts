import type { ConsentErrorCode } from '../../consent/errors.ts'
import { say, type StaffLanguage } from '../../templates/pages/view-models/staff-language.ts'

const texts: Partial<Record<ConsentErrorCode, [string, string]>> = {
  ERR_CONSENT_NO_PURPOSE: ['Wählen Sie mindestens einen Zweck.', 'Choose at least one purpose.'],
  ERR_CONSENT_NO_CATEGORY: [
    'Wählen Sie mindestens eine Datenkategorie.',
    'Choose at least one data category.',
  ],
  ERR_CONSENT_NO_SENDER: [
    'Wählen Sie mindestens eine absendende Stelle.',
    'Choose at least one sending agency.',
  ],
  ERR_CONSENT_NO_RECIPIENT: [
    'Wählen Sie mindestens eine empfangende Stelle.',
    'Choose at least one receiving agency.',
  ],
  ERR_CONSENT_SENDER_IS_RECIPIENT: [
    'Eine Stelle kann nicht zugleich absenden und empfangen.',
    'An agency cannot be both sender and recipient.',
  ],
  ERR_CONSENT_CREATOR_NOT_PARTY: [
    'Ihre eigene Stelle muss absendende oder empfangende Stelle sein.',
    'Your own agency must be a sender or a recipient.',
  ],
  ERR_CONSENT_CREATOR_NOT_SENDER: [
    'Ihre eigene Stelle muss die Daten senden: Eine Einwilligung für Daten an Ihre Stelle bereitet die sendende Stelle mit der Person vor.',
    'Your own agency must be the sender: a consent for data to your agency is prepared by the sending agency with the person.',
  ],
  ERR_CONSENT_VALIDITY_TOO_LONG: [
    'Die Gültigkeit ist länger als erlaubt.',
    'The validity is longer than allowed.',
  ],
  ERR_CONSENT_VALIDITY_IN_PAST: [
    'Die Gültigkeit darf nicht in der Vergangenheit liegen.',
    'The validity must not lie in the past.',
  ],
  ERR_CONSENT_VALIDITY_REVERSED: [
    '„Gültig bis“ liegt vor „Gültig ab“.',
    '"Valid until" is before "valid from".',
  ],
  ERR_CONSENT_RELEASED_PROFESSIONALS_MISSING: [
    'Eine Schweigepflichtsentbindung muss die entbundenen Fachkräfte oder Stellen nennen.',
    'A release from confidentiality must name the professionals or bodies released.',
  ],
  ERR_CONSENT_ENTRUSTING_PERSON_MISSING: [
    'Für Daten nach § 65 SGB VIII geben Sie an, wer sie anvertraut hat.',
    'For § 65 SGB VIII data, state who entrusted them.',
  ],
  ERR_CONSENT_BIRTH_DATE_INVALID: [
    'Das Geburtsdatum ist nicht gültig.',
    'The date of birth is not valid.',
  ],
  ERR_CONSENT_PRIVACY_NOTICE_MISSING: [
    'Für eine gewählte Stelle fehlen die Datenschutzangaben (Verantwortliche, Datenschutzbeauftragte, Aufsichtsbehörde; Art. 13 DSGVO). Die Administration trägt sie ein.',
    'A chosen agency has no data protection information (controller, DPO, supervisory authority; Art. 13 GDPR). The administration enters it.',
  ],
  ERR_CONSENT_UNKNOWN_LANGUAGE: [
    'Für diese Sprache gibt es keinen Text.',
    'There is no text in this language.',
  ],
}

/** A plain sentence for a consent problem code; unknown codes are shown as they are. */
export function explainConsentProblem(code: string, language: StaffLanguage): string {
  const pair = texts[code as ConsentErrorCode]
  return pair ? say(language, pair[0], pair[1]) : code
}
