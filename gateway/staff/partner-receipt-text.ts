import { say, type StaffLanguage } from '../../templates/pages/view-models/staff-language.ts'
import type { PartnerReceiptTexts } from '../../templates/pages/staff/transfer-view.ts'

/**
 * The partner gateway's refusal codes (gateway/inbound/inbound-refusal.ts, for a message whose
 * signer it verified) in plain words;
 * a code not listed here is shown with the general sentence and the code itself.
 */
function reasonTexts(language: StaffLanguage): Record<string, string> {
  return {
    signer_agency_mismatch: say(
      language,
      'Das Signaturzertifikat passte nicht zur angegebenen absendenden Stelle.',
      'The signing certificate did not match the sending agency named.',
    ),
    signer_not_registered: say(
      language,
      'Das Signaturzertifikat unserer Stelle ist bei der Partnerstelle nicht eingetragen (Partnerkarte aktualisieren).',
      "Our agency's signing certificate is not registered at the partner (update the partner card).",
    ),
    signer_retired: say(
      language,
      'Die Partnerstelle nimmt das bisherige Zertifikat unserer Stelle nicht mehr an (Schlüsselwechsel).',
      "The partner no longer accepts our agency's previous certificate (key rollover).",
    ),
    header_mismatch: say(
      language,
      'Eine Angabe außerhalb der Signatur widersprach der signierten.',
      'A field outside the signature contradicted the signed one.',
    ),
    recipient_mismatch: say(
      language,
      'Die Nachricht nannte eine andere empfangende Stelle.',
      'The message named another recipient agency.',
    ),
    binding_header_missing: say(
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
    signer_revoked: say(
      language,
      'Das Zertifikat unserer Stelle ist bei der Partnerstelle als gesperrt bekannt.',
      "Our agency's certificate is known as revoked at the partner.",
    ),
    signer_expired: say(
      language,
      'Das Zertifikat unserer Stelle war abgelaufen.',
      "Our agency's certificate had expired.",
    ),
    signer_untrusted: say(
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
