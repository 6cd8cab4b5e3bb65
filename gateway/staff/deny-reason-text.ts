import {
  categoryNotCovered,
  categoryNotCoveredPrefix,
  denyReasonCodes,
  type DenyReasonCode,
} from '../../consent/decide.ts'
import { localized, type Vocabulary } from '../../consent/vocabulary.ts'
import { say, type StaffLanguage } from '../../templates/pages/view-models/staff-language.ts'

/** What the staff member sees about the consent a decision was taken against. */
export interface ReasonContext {
  /** Calendar dates (Europe/Berlin) of the consent's validity. */
  validFrom?: string
  validUntil?: string
  /** Display names; `{recipient}` and `{purpose}` stay as placeholders when absent. */
  recipientName?: string
  purposeLabel?: string
}

function germanDate(date: string | undefined): string {
  if (!date) return '?'
  const [y, m, d] = date.split('-')
  return `${d}.${m}.${y}`
}

/** What a sentence may name: the consent's dates and the display names of the request. */
interface Wording {
  recipient: string
  purpose: string
  context: ReasonContext
}

/**
 * One plain sentence per deny reason of docs/design.md §3.2 (German, English), saying what is not
 * permitted, why and what to do about it — so staff fix the request instead of guessing. Typed
 * against the code list: a reason without a sentence does not compile.
 */
const sentences = {
  no_consent: () => [
    'Es gibt keine Einwilligung Ihrer Stelle, die zu dieser Übermittlung passt.',
    'There is no consent of your agency that matches this transfer.',
  ],
  consent_revoked: () => [
    'Die Person hat die Einwilligung widerrufen. Es darf nichts mehr übermittelt werden.',
    'The person has revoked the consent. Nothing may be transferred any more.',
  ],
  consent_expired: ({ context }) => [
    `Die Einwilligung ist abgelaufen (gültig bis ${germanDate(context.validUntil)}). Bitte bereiten Sie eine neue vor.`,
    `The consent has expired (valid until ${context.validUntil ?? '?'}). Please prepare a new one.`,
  ],
  consent_discarded: () => [
    'Der Entwurf wurde verworfen und nie unterschrieben.',
    'The draft was discarded and never signed.',
  ],
  consent_declined: () => [
    'Die Person hat am Kiosk nicht zugestimmt. Es darf nichts übermittelt werden.',
    'The person did not agree at the kiosk. Nothing may be transferred.',
  ],
  consent_lapsed: () => [
    'Die Einwilligung ist erloschen: Die Person hat sie nach ihrem 18. Geburtstag nicht selbst bestätigt. Bitte holen Sie, falls nötig, eine neue Einwilligung ein.',
    'The consent has lapsed: the person did not confirm it after turning 18. Obtain a new consent if needed.',
  ],
  consent_renewed: () => [
    'Die Einwilligung wurde erneuert und gilt nicht mehr: Die Person hat eine neue Einwilligung unterschrieben. Senden Sie unter der neuen Einwilligung.',
    'The consent was renewed and no longer applies: the person signed a new consent. Send under the new consent.',
  ],
  not_yet_valid: ({ context }) => [
    `Die Einwilligung gilt erst ab ${germanDate(context.validFrom)}.`,
    `The consent is valid only from ${context.validFrom ?? '?'}.`,
  ],
  recipient_not_covered: ({ recipient }) => [
    `Die Empfängerin ${recipient} ist in der Einwilligung nicht genannt (oder wurde abgewählt).`,
    `The recipient ${recipient} is not named in the consent (or was deselected).`,
  ],
  sender_not_covered: () => [
    'Ihre Stelle ist in dieser Einwilligung nicht als absendende Stelle genannt. Die Richtung zählt: eine Einwilligung für die Gegenrichtung gilt nicht.',
    'Your agency is not named as a sender in this consent. Direction matters: a consent for the opposite direction does not apply.',
  ],
  purpose_not_covered: ({ purpose }) => [
    `Der Zweck „${purpose}“ ist von der Einwilligung nicht gedeckt.`,
    `The purpose "${purpose}" is not covered by the consent.`,
  ],
  categories_missing: () => [
    'Die Zusammenfassung hat keinen Abschnitt. Fügen Sie mindestens einen hinzu.',
    'The summary has no section. Add at least one.',
  ],
  youth_signature_missing: () => [
    'Die Unterschrift der jungen Person fehlt noch.',
    "The young person's signature is still missing.",
  ],
  guardian_signature_missing: () => [
    'Die Unterschrift der/des Erziehungsberechtigten fehlt noch (die Person war bei der Unterschrift minderjährig).',
    "The guardian's signature is still missing (the person was a minor when signing).",
  ],
  entrusting_person_signature_missing: () => [
    'Die Unterschrift der Person, die die Daten dem Jugendamt anvertraut hat, fehlt (§ 65 SGB VIII).',
    'The signature of the person who entrusted the data to the Jugendamt is missing (§ 65 SGB VIII).',
  ],
  staff_not_in_sender_agency: () => [
    'Sie gehören nicht zur absendenden Stelle.',
    'You do not belong to the sending agency.',
  ],
  recipient_certificate_missing: ({ recipient }) => [
    `Für ${recipient} ist kein Zertifikat hinterlegt; verschlüsselt senden ist nicht möglich. Bitte wenden Sie sich an die Administration.`,
    `No certificate is registered for ${recipient}; encrypted sending is impossible. Please contact the administrator.`,
  ],
  recipient_certificate_revoked: ({ recipient }) => [
    `Das Zertifikat von ${recipient} ist gesperrt (von der Zertifizierungsstelle oder hier widerrufen); an dieses Zertifikat wird nicht verschlüsselt. Bitte wenden Sie sich an die Administration.`,
    `The certificate of ${recipient} is revoked (by its certification authority or here); nothing is encrypted to it. Please contact the administrator.`,
  ],
  recipient_certificate_expired: ({ recipient }) => [
    `Das Zertifikat von ${recipient} ist abgelaufen; verschlüsselt senden ist erst mit einem neuen Zertifikat möglich. Bitte wenden Sie sich an die Administration.`,
    `The certificate of ${recipient} has expired; encrypted sending needs a new certificate. Please contact the administrator.`,
  ],
  recipient_certificate_untrusted: ({ recipient }) => [
    `Dem Zertifikat von ${recipient} kann zurzeit nicht vertraut werden (keine vertrauenswürdige Zertifizierungsstelle, oder keine aktuelle Sperrliste). Bitte wenden Sie sich an die Administration.`,
    `The certificate of ${recipient} cannot be trusted now (no trusted certification authority, or no current revocation list). Please contact the administrator.`,
  ],
  recipient_certificate_invalid: ({ recipient }) => [
    `Das Zertifikat von ${recipient} taugt nicht zum Verschlüsseln an dieses Postfach (Verwendungszweck, Postfach oder Gültigkeitsbeginn). Bitte wenden Sie sich an die Administration.`,
    `The certificate of ${recipient} is not usable for encrypting to this mailbox (key usage, mailbox or start of validity). Please contact the administrator.`,
  ],
  sender_certificate_missing: () => [
    'Für Ihre Stelle ist kein Zertifikat hinterlegt; ohne es kann Brücke nicht signiert senden. Bitte wenden Sie sich an die Administration.',
    'No certificate is registered for your agency; without it Brücke cannot send signed mail. Please contact the administrator.',
  ],
  sender_certificate_revoked: () => [
    'Das Zertifikat Ihrer Stelle ist gesperrt; mit ihm wird nicht signiert. Bitte wenden Sie sich an die Administration.',
    'Your agency’s certificate is revoked; nothing is signed with it. Please contact the administrator.',
  ],
  sender_certificate_expired: () => [
    'Das Zertifikat Ihrer Stelle ist abgelaufen. Bitte wenden Sie sich an die Administration.',
    'Your agency’s certificate has expired. Please contact the administrator.',
  ],
  sender_certificate_untrusted: () => [
    'Dem Zertifikat Ihrer Stelle kann zurzeit nicht vertraut werden (keine vertrauenswürdige Zertifizierungsstelle, oder keine aktuelle Sperrliste). Bitte wenden Sie sich an die Administration.',
    'Your agency’s certificate cannot be trusted now (no trusted certification authority, or no current revocation list). Please contact the administrator.',
  ],
  sender_certificate_invalid: () => [
    'Das Zertifikat Ihrer Stelle taugt nicht zum Signieren (Verwendungszweck, Postfach oder Gültigkeitsbeginn). Bitte wenden Sie sich an die Administration.',
    'Your agency’s certificate is not usable for signing (key usage, mailbox or start of validity). Please contact the administrator.',
  ],
  sender_key_missing: () => [
    'Zum Zertifikat Ihrer Stelle fehlt der private Schlüssel; ohne ihn kann Brücke nicht signieren. Bitte wenden Sie sich an die Administration.',
    'The private key for your agency’s certificate is missing; without it Brücke cannot sign. Please contact the administrator.',
  ],
  necessity_missing: () => [
    'Bitte begründen Sie in einigen Worten, warum die Übermittlung erforderlich ist (§ 67a SGB X).',
    'Please state in a few words why the transfer is necessary (§ 67a SGB X).',
  ],
  summary_mismatch: () => [
    'Die Einwilligung gilt nur für eine bestimmte Zusammenfassung, die die Person gesehen hat; diese hier weicht davon ab.',
    'The consent covers only one specific summary the person saw; this one differs from it.',
  ],
  consent_used_up: () => [
    'Diese Einzel-Einwilligung wurde bereits für eine Übermittlung verwendet.',
    'This single-transfer consent has already been used for a transfer.',
  ],
} as const satisfies Record<DenyReasonCode, (wording: Wording) => readonly [string, string]>

// Own keys only: a string such as `constructor` must not match the object's prototype.
const isDenyReasonCode = (reason: string): reason is DenyReasonCode =>
  Object.hasOwn(sentences, reason)

/**
 * The sentence for a deny reason; an uncovered category is named by its label. Unknown codes (a
 * newer server) are shown as they are rather than hidden.
 */
export function explainDenyReason(
  reason: string,
  language: StaffLanguage,
  vocabulary: Vocabulary,
  context: ReasonContext = {},
): string {
  if (reason.startsWith(categoryNotCoveredPrefix)) {
    const category = reason.slice(categoryNotCoveredPrefix.length)
    const term = vocabulary.categories[category]
    const label = term ? localized(term.label, language) : category
    return say(
      language,
      `Die Datenkategorie „${label}“ ist von der Einwilligung nicht gedeckt (oder wurde von der Person abgewählt). Entfernen Sie diesen Abschnitt oder holen Sie eine neue Einwilligung ein.`,
      `The data category "${label}" is not covered by the consent (or the person deselected it). Remove this section or obtain a new consent.`,
    )
  }
  if (!isDenyReasonCode(reason))
    return say(language, `Nicht erlaubt (Grund: ${reason}).`, `Not permitted (reason: ${reason}).`)
  const [de, en] = sentences[reason]({
    recipient: context.recipientName ?? '{recipient}',
    purpose: context.purposeLabel ?? '{purpose}',
    context,
  })
  return say(language, de, en)
}

/** Every sentence the composer's live dry run may need, by reason code (for the page script). */
export function reasonTextTable(
  language: StaffLanguage,
  vocabulary: Vocabulary,
  context: ReasonContext,
): Record<string, string> {
  const codes: string[] = [
    ...denyReasonCodes,
    ...Object.keys(vocabulary.categories).map(categoryNotCovered),
  ]
  return Object.fromEntries(
    codes.map((code) => [code, explainDenyReason(code, language, vocabulary, context)]),
  )
}
