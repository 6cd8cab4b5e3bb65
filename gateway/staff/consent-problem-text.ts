import type { ConsentErrorCode } from '../../consent/errors.ts'
import { say, type StaffLanguage } from '../../templates/pages/view-models/staff-language.ts'

/**
 * A sentence per consent code, German and English: staff pages show any refusal of a consent
 * action in these words (a code without a sentence does not compile).
 */
const texts = {
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
  ERR_CONSENT_WILDCARD_PARTY: [
    'Nennen Sie jede Stelle einzeln; „alle Stellen“ ist nicht erlaubt.',
    'Name each agency; "all agencies" is not allowed.',
  ],
  ERR_CONSENT_UNKNOWN_AGENCY: [
    'Eine gewählte Stelle ist in Brücke nicht eingetragen.',
    'A chosen agency is not registered in Brücke.',
  ],
  ERR_CONSENT_DUPLICATE_ENTRY: ['Ein Eintrag ist doppelt gewählt.', 'An entry is chosen twice.'],
  ERR_CONSENT_UNKNOWN_PURPOSE: [
    'Einen gewählten Zweck kennt Brücke nicht. Wählen Sie einen Zweck aus der Liste.',
    'Brücke does not know a chosen purpose. Choose a purpose from the list.',
  ],
  ERR_CONSENT_UNKNOWN_CATEGORY: [
    'Eine gewählte Datenkategorie kennt Brücke nicht. Wählen Sie Kategorien aus der Liste.',
    'Brücke does not know a chosen data category. Choose categories from the list.',
  ],
  ERR_CONSENT_NOT_FOUND: [
    'Diese Einwilligung ist Ihrer Stelle nicht bekannt.',
    'Your agency is no party to this consent.',
  ],
  ERR_CONSENT_NOT_DRAFT: [
    'Das geht nur mit einem Entwurf; diese Einwilligung ist schon unterschrieben, verworfen oder abgelehnt.',
    'This works only on a draft; this consent is already signed, discarded or declined.',
  ],
  ERR_CONSENT_NOT_ACTIVE: [
    'Das geht nur mit einer gültigen Einwilligung; diese ist noch nicht gültig, widerrufen, abgelaufen oder erloschen.',
    'This works only on a consent in force; this one is not yet valid, revoked, expired or lapsed.',
  ],
  ERR_CONSENT_SIGNATORY_NOT_REQUIRED: [
    'Diese Unterschrift braucht die Einwilligung nicht.',
    'This consent does not need that signature.',
  ],
  ERR_CONSENT_ALREADY_SIGNED: [
    'Diese Person hat bereits unterschrieben.',
    'This person has already signed.',
  ],
  ERR_CONSENT_METHOD_NOT_ALLOWED: [
    'Auf diesem Weg ist das nicht möglich (z. B. lehnt die Person einen Entwurf am Kiosk ab).',
    'This is not possible this way (e.g. the person declines a draft at the kiosk).',
  ],
  ERR_CONSENT_DESELECTION_INVALID: [
    'Die Abwahl nennt etwas, das die Einwilligung nicht enthält.',
    'The deselection names something this consent does not contain.',
  ],
  ERR_CONSENT_DESELECTION_NOT_YOUTH: [
    'Nur die junge Person selbst wählt ab, was geteilt wird.',
    'Only the young person chooses what is shared.',
  ],
  ERR_CONSENT_NOTHING_LEFT: [
    'Mindestens eine Datenkategorie und eine empfangende Stelle müssen bleiben.',
    'At least one data category and one receiving agency must remain.',
  ],
  ERR_CONSENT_KIOSK_CODE_INVALID: [
    'Diesen Abholcode gibt es nicht oder er ist abgelaufen.',
    'This pickup code is unknown or has expired.',
  ],
  ERR_CONSENT_ALREADY_USED: [
    'Diese Einzel-Einwilligung wurde bereits für eine andere Übermittlung verwendet.',
    'This single-transfer consent was already used for another transfer.',
  ],
  ERR_CONSENT_NOT_CREATOR: [
    'Das kann nur die Stelle, die den Entwurf vorbereitet hat.',
    'Only the agency that prepared the draft can do this.',
  ],
  ERR_CONSENT_NOT_SENDER: [
    'Das kann nur eine absendende Stelle der Einwilligung; eine empfangende Stelle nicht.',
    'Only a sending agency of the consent can do this; a receiving agency cannot.',
  ],
  ERR_CONSENT_KIOSK_FLOW_REQUIRED: [
    'Der Entwurf muss zuerst an diesem Kiosk abgeholt werden.',
    'The draft must first be picked up at this kiosk.',
  ],
  ERR_CONSENT_RECEIPT_REQUIRED: [
    'Am Kiosk widerruft die Person mit dem Code ihrer Quittung und ihrem Geburtsdatum.',
    'At the kiosk the person revokes with the code of their receipt and their date of birth.',
  ],
  ERR_CONSENT_WRITTEN_FORM_REQUIRED: [
    'Gesundheits- oder Suchtdaten brauchen eine Unterschrift in Schriftform (Papier oder Kiosk), keine Bestätigung durch Sie (§ 67b Abs. 2 SGB X).',
    'Health or addiction data need a written signature (paper or kiosk), not your attestation (§ 67b Abs. 2 SGB X).',
  ],
  ERR_CONSENT_EVIDENCE_INVALID: [
    'Der Nachweis der Unterschrift ist nicht brauchbar (z. B. kein lesbarer Scan).',
    'The evidence of the signature is not usable (e.g. no readable scan).',
  ],
  ERR_CONSENT_ATTENDING_STAFF_INVALID: [
    'Als anwesende Fachkraft kann nur ein Konto Ihrer Stelle eingetragen werden, und Sie nur sich selbst.',
    'Only an account of your agency can be recorded as attending staff, and you only yourself.',
  ],
  ERR_CONSENT_TEXT_NOT_SHOWN: [
    'Der Text der Einwilligung wurde an diesem Kiosk nicht angezeigt, bevor unterschrieben werden sollte.',
    'The consent text was not displayed on this kiosk before signing.',
  ],
  ERR_CONSENT_NOT_CONFIRMABLE: [
    'Hier gibt es nichts zu bestätigen.',
    'There is nothing to confirm here.',
  ],
  ERR_CONSENT_VALIDITY_ENDED: [
    'Die Gültigkeit dieses Entwurfs ist vorbei; er kann nicht mehr unterschrieben werden. Bereiten Sie bei Bedarf eine neue Einwilligung vor.',
    'The validity of this draft has ended; it can no longer be signed. Prepare a new consent if needed.',
  ],
  ERR_CONSENT_ENTRUSTED_WITHOUT_JUGENDAMT: [
    'Anvertraute Daten (§ 65 SGB VIII) kann nur markieren, wenn ein Jugendamt absendet.',
    'Entrusted data (§ 65 SGB VIII) can only be marked when a Jugendamt sends.',
  ],
  ERR_CONSENT_ENTRUSTED_NOT_A_CATEGORY: [
    'Als anvertraut kann nur eine der gewählten Datenkategorien markiert werden.',
    'Only one of the chosen data categories can be marked as entrusted.',
  ],
  ERR_CONSENT_NOT_RENEWABLE: [
    'Diese Einwilligung kann nicht erneuert werden: Sie ist ein Entwurf, abgelehnt, verworfen, schon erneuert oder galt nur für eine einzelne Übermittlung. Bereiten Sie bei Bedarf eine neue Einwilligung vor.',
    'This consent cannot be renewed: it is a draft, declined, discarded, already renewed or was for a single transfer only. Prepare a new consent if needed.',
  ],
  ERR_CONSENT_RENEWAL_OTHER_PERSON: [
    'Eine Erneuerung gilt für dieselbe Person: Name und Geburtsdatum bleiben wie in der bisherigen Einwilligung. Für eine andere Person bereiten Sie bitte eine neue Einwilligung vor.',
    'A renewal is for the same person: name and date of birth stay as in the previous consent. For another person, prepare a new consent.',
  ],
} as const satisfies Record<ConsentErrorCode, readonly [string, string]>

/** A plain sentence for a consent code; a string that is no consent code is shown as it is. */
export function explainConsentProblem(code: string, language: StaffLanguage): string {
  if (!isConsentErrorCode(code)) return code
  const [de, en] = texts[code]
  return say(language, de, en)
}

// Own keys only: a string such as `constructor` must not match the object's prototype.
const isConsentErrorCode = (code: string): code is ConsentErrorCode => Object.hasOwn(texts, code)
