import { validityWindow, type CalendarDate } from './calendar.ts'
import {
  coveredCategories,
  coveredRecipients,
  isWrittenOrElectronic,
  type Consent,
  type SignatoryRole,
  type SignatureMethod,
} from './consent.ts'
import { ConsentError } from './errors.ts'
import { requiredSignatories } from './signatories.ts'
import { missingSignatories } from './status.ts'
import type { Vocabulary } from './vocabulary.ts'
import { isSpecialCategory } from './vocabulary.ts'

/** One signature as asked for, after its evidence was checked at the edge. */
export interface SignatureRequest {
  role: SignatoryRole
  method: SignatureMethod
  /** What the young person deselected (only the youth chooses). */
  deselectedCategories: readonly string[]
  deselectedRecipients: readonly string[]
  /** Special categories (Art. 9/10 GDPR) the youth expressly chose; never preselected. */
  chosenSpecialCategories: readonly string[]
}

export interface SignatureContext {
  /** The instant of this signature. */
  at: Date
  birthDate: CalendarDate
  guardianAge: number
  /** Agency kind per agency id (`jugendamt`, …), for § 65 SGB VIII. */
  agencyKinds: ReadonlyMap<string, string>
  vocabulary: Vocabulary
}

/** The consent's facts after the signature. */
export interface SignatureOutcome {
  requiredSignatories: SignatoryRole[]
  signedRoles: SignatoryRole[]
  deselectedCategories: string[]
  deselectedRecipients: string[]
  /** Every required signatory has signed: the consent becomes active. */
  complete: boolean
}

/**
 * Health and addiction data (Art. 9 GDPR) need a written or electronic consent
 * (§ 67b Abs. 2 S. 2 SGB X): a signature staff only attest is not enough for them; a paper
 * signature and the person's own act at the kiosk (drawn, or typed and expressly confirmed) are
 * (see `isWrittenOrElectronic`).
 */
export function needsWrittenForm(categories: readonly string[], vocabulary: Vocabulary): boolean {
  return categories.some((c) => vocabulary.categories[c]?.sensitivity === 'art9')
}

/**
 * Applies one signature to a draft (docs/design.md §3.1): the signatory must still be required and
 * not have signed; only the youth chooses what is shared (special categories count only when
 * expressly chosen; at least one category and one recipient remain); who must sign is worked
 * out again at the youth's signing instant (guardian under `guardianAge`, the entrusting person
 * for § 65 data that remains); a signature that is not the person's own written or electronic
 * declaration (an attestation) never covers health or addiction data; nothing is signed once the
 * validity has ended. Pure; throws `ConsentError`.
 */
export function applySignature(
  consent: Consent,
  request: SignatureRequest,
  context: SignatureContext,
): SignatureOutcome {
  if (consent.signatures.some((s) => s.role === request.role))
    throw new ConsentError('ERR_CONSENT_ALREADY_SIGNED', `The ${request.role} has already signed.`)
  // A draft whose validity has ended can no longer take effect; its data is then due for erasure.
  if (context.at.getTime() >= validityWindow(consent.validFrom, consent.validUntil).end.getTime())
    throw new ConsentError('ERR_CONSENT_VALIDITY_ENDED', 'The validity of this draft has ended.')
  const isYouth = request.role === 'youth'
  const choosing =
    request.deselectedCategories.length > 0 ||
    request.deselectedRecipients.length > 0 ||
    request.chosenSpecialCategories.length > 0
  if (!isYouth && choosing)
    throw new ConsentError(
      'ERR_CONSENT_DESELECTION_NOT_YOUTH',
      'Only the young person chooses what is shared.',
    )
  const choice = isYouth
    ? youthChoice(consent, request, context.vocabulary)
    : {
        deselectedCategories: [...consent.deselectedCategories],
        deselectedRecipients: [...consent.deselectedRecipients],
      }
  if (
    !isWrittenOrElectronic(request.method) &&
    needsWrittenForm(
      coveredCategories({ categories: consent.categories, ...choice }),
      context.vocabulary,
    )
  )
    throw new ConsentError(
      'ERR_CONSENT_WRITTEN_FORM_REQUIRED',
      'Health or addiction data need the person’s own written or electronic signature (paper, or drawn or typed at the kiosk), not an attestation (§ 67b Abs. 2 SGB X).',
    )
  // The guardian rule looks at the age when the youth signs (or now, before that).
  const youthSignedAt = isYouth
    ? context.at
    : new Date(consent.signatures.find((s) => s.role === 'youth')?.signedAt ?? context.at)
  const required = requiredSignatories({
    birthDate: context.birthDate,
    at: youthSignedAt,
    guardianAge: context.guardianAge,
    senders: consent.senders,
    senderKinds: context.agencyKinds,
    categories: consent.categories,
    deselectedCategories: choice.deselectedCategories,
    entrustedCategories: consent.entrustedCategories,
    entrustingPersons: consent.entrustingPersons,
  })
  if (!required.includes(request.role))
    throw new ConsentError(
      'ERR_CONSENT_SIGNATORY_NOT_REQUIRED',
      `No ${request.role} signature is needed.`,
    )
  const signedRoles: SignatoryRole[] = [...consent.signatures.map((s) => s.role), request.role]
  return {
    requiredSignatories: required,
    signedRoles,
    ...choice,
    complete: missingSignatories({ requiredSignatories: required, signedRoles }).length === 0,
  }
}

function youthChoice(
  consent: Consent,
  request: SignatureRequest,
  vocabulary: Vocabulary,
): { deselectedCategories: string[]; deselectedRecipients: string[] } {
  const special = consent.categories.filter((c) => isSpecialCategory(vocabulary, c))
  const wrong = [
    ...request.deselectedCategories.filter((c) => !consent.categories.includes(c)),
    ...request.chosenSpecialCategories.filter(
      (c) => !special.includes(c) || request.deselectedCategories.includes(c),
    ),
    ...request.deselectedRecipients.filter((r) => !consent.recipients.includes(r)),
  ]
  if (wrong.length > 0)
    throw new ConsentError(
      'ERR_CONSENT_DESELECTION_INVALID',
      'The choice names terms this consent does not contain.',
      {
        details: {
          problems: wrong.map((value) => ({
            code: 'ERR_CONSENT_DESELECTION_INVALID',
            path: 'deselection',
            value,
          })),
        },
      },
    )
  const unchosen = special.filter((c) => !request.chosenSpecialCategories.includes(c))
  const deselectedCategories = [...new Set([...request.deselectedCategories, ...unchosen])].sort()
  const deselectedRecipients = [...new Set(request.deselectedRecipients)].sort()
  const remaining = {
    categories: consent.categories,
    deselectedCategories,
    recipients: consent.recipients,
    deselectedRecipients,
  }
  if (coveredCategories(remaining).length === 0 || coveredRecipients(remaining).length === 0)
    throw new ConsentError(
      'ERR_CONSENT_NOTHING_LEFT',
      'At least one category and one recipient must remain.',
    )
  return { deselectedCategories, deselectedRecipients }
}
