import { addDays, type CalendarDate } from './calendar.ts'
import {
  coveredCategories,
  coveredRecipients,
  type Consent,
  type ConsentSubject,
} from './consent.ts'
import { ConsentError } from './errors.ts'
import { authorizeConsentAction, type ConsentActor, type ConsentPartyFacts } from './permissions.ts'
import { consentStatus, type ConsentStatus, type LifecycleFacts } from './status.ts'
import type { ConsentDraftInput } from './validate-draft.ts'

/**
 * Renewal (issue 18 point 5, "verlängern / erneuern"): a new draft prefilled from a consent that
 * is ending or has ended, signed like any draft; when it is fully signed, the old consent ends
 * (`renewed`). A renewal is a new consent in every respect — the person reads the text again and
 * may deselect again — so nothing of the old consent's signatures carries over.
 */

/**
 * The draft a renewal starts from: the same person, parties, purposes and text language, and what
 * the old consent covered after the person's own choice (deselected recipients and categories
 * stay out), valid from `today` — never later, so the old consent never ends before the new one
 * holds — until `validUntil`.
 *
 * @throws ConsentError `ERR_CONSENT_NOT_RENEWABLE` for a single-transfer consent: it was bound
 * to one case summary and used up by it; a new summary needs a new consent of its own.
 */
export function renewalDraftOf(input: {
  consent: Consent
  subject: ConsentSubject
  today: CalendarDate
  validUntil: CalendarDate
}): ConsentDraftInput {
  const { consent, subject } = input
  if (consent.scope === 'single_transfer')
    throw new ConsentError(
      'ERR_CONSENT_NOT_RENEWABLE',
      'A single-transfer consent is bound to one case summary and is not renewed.',
    )
  const categories = coveredCategories(consent)
  const entrusted = consent.entrustedCategories.filter((c) => categories.includes(c))
  return {
    kind: consent.kind,
    subject: {
      givenName: subject.givenName,
      familyName: subject.familyName,
      birthDate: subject.birthDate,
      caseRefs: { ...subject.caseRefs },
    },
    senders: [...consent.senders],
    recipients: coveredRecipients(consent),
    purposes: [...consent.purposes],
    categories,
    validFrom: input.today,
    validUntil: input.validUntil,
    language: consent.text.language,
    releasedProfessionals: [...consent.releasedProfessionals],
    ...(consent.entrustingPersons.length > 0
      ? { entrustingPersons: consent.entrustingPersons.map((p) => ({ ...p })) }
      : {}),
    ...(entrusted.length > 0 ? { entrustedCategories: entrusted } : {}),
  }
}

/**
 * A renewal is for the same young person: the new draft's pseudonym (keyed HMAC of name and
 * birth date) must be the old consent's. Staff who changed the person made a new consent, not a
 * renewal.
 *
 * @throws ConsentError `ERR_CONSENT_RENEWAL_OTHER_PERSON` otherwise.
 */
export function checkRenewalSubject(
  old: Pick<Consent, 'subjectPseudonym'>,
  renewalPseudonym: string,
): void {
  if (old.subjectPseudonym !== renewalPseudonym)
    throw new ConsentError(
      'ERR_CONSENT_RENEWAL_OTHER_PERSON',
      'A renewal is for the person of the consent it renews; name and birth date must stay.',
    )
}

/** What signing a renewal does to the consent it renews. */
export type RenewalEnding =
  | { end: true; at: string }
  /** The old consent had already ended otherwise (revoked, expired, lapsed, renewed): it stays so. */
  | { end: false; status: ConsentStatus }

/**
 * When the renewal becomes fully signed at `at`, the old consent ends at that same instant — if
 * it is still in force then. An old consent that meanwhile was revoked, expired, lapsed or was
 * renewed by another draft keeps that ending: the record says what really ended it.
 */
export function renewalEnding(old: LifecycleFacts, at: Date): RenewalEnding {
  const status = consentStatus(old, at)
  return status === 'active' ? { end: true, at: at.toISOString() } : { end: false, status }
}

/**
 * Whether the consent page offers "verlängern / erneuern": the actor may renew the consent
 * (consent/permissions.ts), it is a standing consent, and it has ended or ends within
 * `withinDays` of `today` (the same horizon as the overview's "läuft bald ab").
 */
export function offersRenewal(input: {
  actor: ConsentActor
  consent: ConsentPartyFacts & { scope: Consent['scope']; validUntil: CalendarDate }
  today: CalendarDate
  withinDays: number
}): boolean {
  const { consent } = input
  if (consent.scope === 'single_transfer') return false
  if (!authorizeConsentAction(input.actor, { type: 'renew' }, consent).allowed) return false
  return consent.status !== 'active' || consent.validUntil <= addDays(input.today, input.withinDays)
}
