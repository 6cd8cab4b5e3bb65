import { say, type StaffLanguage } from '../../templates/pages/view-models/staff-language.ts'
import type { PartnerReceiptTexts } from '../../templates/pages/staff/transfer-view.ts'

/**
 * The partner gateway's refusal codes (its quarantine reasons, issue 16 point 3) in plain words;
 * a code not listed here is shown with the general sentence and the code itself.
 */
function reasonTexts(language: StaffLanguage): Record<string, string> {
  return {
    decryption_failed: say(
      language,
      'Die Nachricht ließ sich bei der Partnerstelle nicht entschlüsseln.',
      'The partner could not decrypt the message.',
    ),
    signature_invalid: say(
      language,
      'Die Signatur unserer Stelle war bei der Partnerstelle nicht gültig.',
      "Our agency's signature was not valid at the partner.",
    ),
    signer_mismatch: say(
      language,
      'Das Signaturzertifikat passte nicht zur angegebenen absendenden Stelle.',
      'The signing certificate did not match the sending agency named.',
    ),
    recipient_mismatch: say(
      language,
      'Die Nachricht nannte eine andere empfangende Stelle.',
      'The message named another recipient agency.',
    ),
    header_not_signed: say(
      language,
      'Eine gebundene Angabe (Einwilligung, Zweck, Kategorien) stand nicht in der Signatur.',
      'A bound field (consent, purpose, categories) was not inside the signature.',
    ),
    attestation_missing: say(
      language,
      'Der Nachweis der Einwilligung fehlte in der Übermittlung.',
      'The consent attestation was missing.',
    ),
    attestation_mismatch: say(
      language,
      'Die Übermittlung lag nicht innerhalb der mitgeschickten Einwilligung.',
      'The transfer did not lie inside the attested consent.',
    ),
    sender_certificate_revoked: say(
      language,
      'Das Zertifikat unserer Stelle ist bei der Partnerstelle als gesperrt bekannt.',
      "Our agency's certificate is known as revoked at the partner.",
    ),
    sender_certificate_expired: say(
      language,
      'Das Zertifikat unserer Stelle war abgelaufen.',
      "Our agency's certificate had expired.",
    ),
    sender_certificate_untrusted: say(
      language,
      'Die Partnerstelle vertraut dem Zertifikat unserer Stelle nicht.',
      "The partner does not trust our agency's certificate.",
    ),
  }
}

/** What the staff pages say about a partner gateway's receipt. */
export function partnerReceiptTexts(language: StaffLanguage): PartnerReceiptTexts {
  return {
    acceptedAt: say(
      language,
      'Empfangsbestätigung der Partnerstelle: angenommen am',
      "Partner's receipt: accepted on",
    ),
    refused: say(
      language,
      'Empfangsbestätigung der Partnerstelle: abgelehnt:',
      "Partner's receipt: refused:",
    ),
    pending: say(
      language,
      'Noch keine Empfangsbestätigung der Partnerstelle.',
      "No receipt from the partner's gateway yet.",
    ),
    otherReason: say(
      language,
      'Die Partnerstelle hat die Übermittlung bei der Prüfung abgelehnt (Code:',
      'The partner refused the transfer when checking it (code:',
    ),
    reasons: reasonTexts(language),
    listAccepted: say(language, 'bestätigt', 'confirmed'),
    listRefused: say(language, 'von der Partnerstelle abgelehnt', 'refused by the partner'),
  }
}
