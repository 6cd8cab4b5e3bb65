import { z } from 'zod'
import { identifierSchema } from '../../accounts/account-schemas.ts'
import { vocabulary } from '../../config/vocabulary.ts'
import { berlinDateOf, validityWindow } from '../../consent/calendar.ts'
import { revocationChannelSchema, type Consent, type ConsentFacts } from '../../consent/consent.ts'
import {
  approvedTextVersions,
  templateIdFor,
  type RenderedConsentText,
} from '../../consent/consent-text.ts'
import { decide, type Decision } from '../../consent/decide.ts'
import { ConsentError } from '../../consent/errors.ts'
import { pseudonymOf } from '../../consent/pseudonym.ts'
import { checkRenewalSubject, renewalDraftOf } from '../../consent/renewal.ts'
import { requiredSignatories } from '../../consent/signatories.ts'
import { termIdSchema } from '../../consent/vocabulary.ts'
import {
  consentDraftInputSchema,
  validateDraft,
  type ConsentDraftInput,
} from '../../consent/validate-draft.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import {
  findConsent,
  findConsentByKioskCode,
  findConsentFacts,
  insertConsent,
  insertRevocation,
  isKioskCodeTaken,
  listConsentsOfAgency,
  markConsentDeclined,
  markConsentDiscarded,
  releaseExpiredKioskCodes,
} from '../../db/consent-repository.ts'
import { isUniqueViolation } from '../../db/unique-violation.ts'
import type { Deps } from '../deps.ts'
import type { RecordOutcome } from '../idempotency/idempotent-call.ts'
import {
  agencyOfCaller,
  consentActorOf,
  loadAuthorized,
  partyFactsOf,
  type ConsentCaller,
} from './consent-caller.ts'
import {
  agenciesWithPrivacyNotice,
  agencyDirectory,
  currentApprovals,
  privacyNoticesOf,
  renderTextOfConsent,
  renderWith,
} from './consent-texts.ts'
import { toConsentView, type ConsentView } from './consent-view.ts'
import { kioskCodeTtlMs, newKioskCode, normaliseKioskCode } from './kiosk-code.ts'
import { authorizeConsentAction } from '../../consent/permissions.ts'
import { lookUpCertificateConditions } from '../relay/certificate-conditions.ts'

type ServiceDeps = Pick<Deps, 'db' | 'clock' | 'ids' | 'config' | 'consentTexts' | 'derivedKeys'>
type DecisionDeps = Pick<Deps, 'db' | 'clock' | 'auditAppender' | 'metrics' | 'relay'>

export { selfServiceCaller, type ConsentCaller } from './consent-caller.ts'
export { signatureInputSchema, signConsent, type SignatureInput } from './sign-consent.ts'

/**
 * Creates a draft consent (staff; docs/design.md §6 `POST /consents`): validates it, renders and
 * hashes the text, stores the subject once under its pseudonym, hands out a kiosk pickup code
 * and writes `consent_created` in the same transaction.
 */
export async function createConsentDraft(
  deps: ServiceDeps,
  input: {
    caller: ConsentCaller
    draft: z.input<typeof consentDraftInputSchema> | ConsentDraftInput
    /** Stores the caller's idempotency key with the new consent, in its transaction. */
    recordOutcome?: RecordOutcome
    /**
     * The consent this draft renews (issue 18 point 5): the caller must be allowed to renew it
     * (consent/permissions.ts), and the draft must be for the same person.
     */
    renewsConsentId?: string
  },
): Promise<ConsentView> {
  const { caller } = input
  const agencyId = caller.agencyId
  if (caller.role !== 'staff' || agencyId === null)
    throw new ConsentError(
      'ERR_CONSENT_METHOD_NOT_ALLOWED',
      'Only staff of an agency prepare consents.',
    )
  const now = deps.clock.now()
  const directory = await agencyDirectory(deps.db)
  const draft = validateDraft(consentDraftInputSchema.parse(input.draft), {
    now,
    maxMonths: deps.config.consentMaxMonths,
    vocabulary,
    agencyKinds: directory.kinds,
    creatorAgencyId: agencyId,
    agenciesWithPrivacyNotice: agenciesWithPrivacyNotice(directory),
  })
  const subjectPseudonym = pseudonymOf(draft.subject, deps.derivedKeys.pseudonym)
  const templateId = templateIdFor(draft.kind)
  // Every language the draft may be read in gets its newest approved version now; old consents
  // keep theirs when a newer wording is approved later (docs/design.md §3.1).
  const textVersions = approvedTextVersions(
    deps.consentTexts.templates,
    await currentApprovals(deps),
    templateId,
  )
  const version = textVersions[draft.language]
  if (version === undefined)
    throw new ConsentError(
      'ERR_CONSENT_UNKNOWN_LANGUAGE',
      `No approved consent text ${templateId} in ${draft.language}.`,
      { details: { language: draft.language } },
    )
  const base: Consent = {
    id: deps.ids.newId('cns'),
    kind: draft.kind,
    scope: draft.summarySha256 ? 'single_transfer' : 'standing',
    subjectPseudonym,
    createdBy: caller.userId,
    createdByAgencyId: agencyId,
    createdAt: now.toISOString(),
    senders: draft.senders,
    recipients: draft.recipients,
    purposes: draft.purposes,
    categories: draft.categories,
    validFrom: draft.validFrom,
    validUntil: draft.validUntil,
    text: { templateId, version, language: draft.language, sha256: '0'.repeat(64) },
    releasedProfessionals: draft.releasedProfessionals,
    entrustingPersons: draft.entrustingPersons,
    entrustedCategories: draft.entrustedCategories,
    requiredSignatories: requiredSignatories({
      birthDate: draft.subject.birthDate,
      at: now,
      guardianAge: deps.config.guardianAge,
      senders: draft.senders,
      senderKinds: directory.kinds,
      categories: draft.categories,
      deselectedCategories: [],
      entrustedCategories: draft.entrustedCategories,
      entrustingPersons: draft.entrustingPersons,
    }),
    signatures: [],
    deselectedCategories: [],
    deselectedRecipients: [],
    revocation: null,
    discardedAt: null,
    declinedAt: null,
    declineReason: null,
    lapsedAt: null,
    renewsConsentId: input.renewsConsentId ?? null,
    renewedAt: null,
    renewedByConsentId: null,
    textVersions,
    privacyNotices: privacyNoticesOf(draft, directory),
    singleTransfer: draft.summarySha256 ? { summarySha256: draft.summarySha256 } : null,
  }
  const rendered = renderWith(
    deps,
    { consent: base, subject: draft.subject },
    draft.language,
    directory,
  )
  const consent: Consent = { ...base, text: rendered.reference }
  const expiresAt = new Date(now.getTime() + kioskCodeTtlMs)

  // A pickup code drawn by two drafts at once meets the unique index: draw again (the
  // transaction rolled back, audit entry included).
  const kioskCode = await retryOnUniqueViolation(() =>
    deps.db.transaction().execute(async (trx) => {
      // The consent view holds the person's name: only its id goes with the key.
      await input.recordOutcome?.(trx, { resourceId: consent.id })
      if (input.renewsConsentId !== undefined) {
        // Checked in the transaction that stores the draft, at the same instant.
        const old = await loadAuthorized(
          { db: trx, config: deps.config },
          { caller, consentId: input.renewsConsentId, action: { type: 'renew' }, now },
        )
        if (old.consent.scope === 'single_transfer')
          throw new ConsentError(
            'ERR_CONSENT_NOT_RENEWABLE',
            'A single-transfer consent is bound to one case summary and is not renewed.',
          )
        checkRenewalSubject(old.consent, subjectPseudonym)
      }
      await releaseExpiredKioskCodes(trx, now)
      let code = newKioskCode()
      for (let attempt = 0; await isKioskCodeTaken(trx, code); attempt++) {
        if (attempt > 20) throw new Error('no free kiosk code found')
        code = newKioskCode()
      }
      await insertConsent(trx, {
        consent,
        subject: draft.subject,
        validEndAt: validityWindow(consent.validFrom, consent.validUntil).end,
        kioskCode: code,
        kioskCodeExpiresAt: expiresAt,
      })
      await appendAuditEvent(trx, {
        at: now,
        actor: caller.actor,
        event: {
          type: 'consent_created',
          consentId: consent.id,
          subjectPseudonym,
          agencyId,
          kind: consent.kind,
          scope: consent.scope,
          senders: [...consent.senders],
          recipients: [...consent.recipients],
          purposes: [...consent.purposes],
          categories: [...consent.categories],
          validFrom: consent.validFrom,
          validUntil: consent.validUntil,
          textSha256: consent.text.sha256,
          requiredSignatories: [...consent.requiredSignatories],
          ...(consent.renewsConsentId !== null ? { renewsConsentId: consent.renewsConsentId } : {}),
          ...(caller.via ? { via: caller.via } : {}),
        },
      })
      return code
    }),
  )
  return toConsentView(
    { consent, subject: draft.subject, kioskCode, kioskCodeExpiresAt: expiresAt.toISOString() },
    now,
  )
}

/**
 * What the renewal form starts from (issue 18 point 5): the consent to renew, checked against
 * the object-level rule, and the draft prefilled from it, valid from today until `validUntil`.
 */
export async function prepareRenewal(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; consentId: string; validUntil: string },
): Promise<{ renews: ConsentView; draft: ConsentDraftInput }> {
  const now = deps.clock.now()
  const stored = await loadAuthorized(deps, {
    caller: input.caller,
    consentId: input.consentId,
    action: { type: 'renew' },
    now,
  })
  const draft = renewalDraftOf({
    consent: stored.consent,
    subject: stored.subject,
    today: berlinDateOf(now),
    validUntil: input.validUntil,
  })
  return { renews: toConsentView(stored, now), draft }
}

export async function getConsent(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; consentId: string },
): Promise<ConsentView> {
  const now = deps.clock.now()
  const stored = await loadAuthorized(deps, { ...input, action: { type: 'view' }, now })
  return toConsentView(stored, now)
}

/** The consents of the caller's agency (a party or the preparer), optionally by status. */
export async function listConsents(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; status?: ConsentView['status']; limit?: number },
): Promise<ConsentView[]> {
  if (input.caller.role !== 'staff' || input.caller.agencyId === null) return []
  const now = deps.clock.now()
  // Status is derived, so it is filtered after reading; the agency bound keeps this small.
  const stored = await listConsentsOfAgency(deps.db, input.caller.agencyId, 2000)
  return stored
    .map((s) => toConsentView(s, now))
    .filter((v) => input.status === undefined || v.status === input.status)
    .slice(0, input.limit ?? 500)
}

const unknownCode = () =>
  new ConsentError('ERR_CONSENT_KIOSK_CODE_INVALID', 'This code is unknown or has expired.')

/** The draft behind a pickup code, for a kiosk of the agency that prepared it. */
export async function pickUpDraft(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; code: string },
): Promise<ConsentView> {
  const now = deps.clock.now()
  const stored = await findConsentByKioskCode(deps.db, normaliseKioskCode(input.code), now)
  if (!stored) throw unknownCode()
  const actor = await consentActorOf(deps, input.caller, now)
  const permission = authorizeConsentAction(actor, { type: 'pick_up' }, partyFactsOf(stored, now))
  if (!permission.allowed) throw unknownCode()
  return toConsentView(stored, now)
}

/** The text of a consent in a language (the version fixed for that language at drafting). */
export async function consentText(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; consentId: string; language?: string },
): Promise<RenderedConsentText> {
  const now = deps.clock.now()
  const stored = await loadAuthorized(deps, { ...input, action: { type: 'view' }, now })
  return renderTextOfConsent(deps, stored, input.language ?? stored.consent.text.language)
}

export const revocationInputSchema = z.strictObject({
  channel: revocationChannelSchema,
  reason: z.string().trim().min(1).max(500).optional(),
  /** A kiosk proves the person's revocation with the receipt code and the date of birth. */
  receiptCode: z.string().trim().min(1).max(40).optional(),
  birthDate: z.iso.date().optional(),
})
export type RevocationInput = z.infer<typeof revocationInputSchema>

/** Which channel each kind of caller records. */
const channelOf: Record<ConsentCaller['role'], RevocationInput['channel'] | null> = {
  staff: 'staff',
  kiosk: 'kiosk',
  youth: 'self_service',
  dpo: null,
  admin: null,
}

/**
 * Revokes a consent (docs/design.md §3.1): effective from this instant for every later decision,
 * including transfers queued but not yet delivered. Staff of a party record what the person
 * declared to them; a kiosk needs the receipt code with the birth date; `/me` its receipt.
 */
export async function revokeConsent(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; consentId: string; revocation: RevocationInput },
): Promise<ConsentView> {
  const { caller, revocation } = input
  if (channelOf[caller.role] !== revocation.channel)
    throw new ConsentError(
      'ERR_CONSENT_METHOD_NOT_ALLOWED',
      `A ${caller.role} records revocations on the channel ${channelOf[caller.role] ?? '(none)'}.`,
    )
  const now = deps.clock.now()
  const stored = await deps.db.transaction().execute(async (trx) => {
    const scoped = { db: trx, config: deps.config }
    const { consent } = await loadAuthorized(scoped, {
      caller,
      consentId: input.consentId,
      action: { type: 'revoke' },
      now,
    })
    await insertRevocation(trx, consent.id, {
      at: now.toISOString(),
      channel: revocation.channel,
      by: caller.actor,
      ...(revocation.reason ? { reason: revocation.reason } : {}),
    })
    await appendAuditEvent(trx, {
      at: now,
      actor: caller.actor,
      event: {
        type: 'consent_revoked',
        consentId: consent.id,
        subjectPseudonym: consent.subjectPseudonym,
        agencyId: caller.agencyId ?? consent.createdByAgencyId,
        channel: revocation.channel,
        ...(revocation.channel === 'staff' && caller.via ? { via: caller.via } : {}),
        reasonGiven: revocation.reason !== undefined,
      },
    })
    return findConsent(trx, consent.id)
  })
  if (!stored) throw new Error('revoked consent vanished')
  return toConsentView(stored, now)
}

/** Discards a draft (staff of the preparing agency); a discarded draft can no longer be signed. */
export async function discardConsent(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; consentId: string },
): Promise<ConsentView> {
  const { caller } = input
  const now = deps.clock.now()
  const stored = await deps.db.transaction().execute(async (trx) => {
    const { consent } = await loadAuthorized(
      { db: trx, config: deps.config },
      { caller, consentId: input.consentId, action: { type: 'discard' }, now },
    )
    await markConsentDiscarded(trx, consent.id, now)
    await appendAuditEvent(trx, {
      at: now,
      actor: caller.actor,
      event: {
        type: 'consent_discarded',
        consentId: consent.id,
        subjectPseudonym: consent.subjectPseudonym,
        agencyId: agencyOfCaller(caller),
      },
    })
    return findConsent(trx, consent.id)
  })
  if (!stored) throw new Error('discarded consent vanished')
  return toConsentView(stored, now)
}

export const declineInputSchema = z
  .strictObject({
    /** The reason the person chose to give, if any; kept in the consent store only. */
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .default({})
export type DeclineInput = z.infer<typeof declineInputSchema>

/**
 * The person said no at the kiosk ("Nicht zustimmen"; docs/design.md §3.1): the draft becomes
 * `declined`, its pickup code dies, the preparing staff see it (with the reason, if given).
 */
export async function declineConsent(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; consentId: string; decline?: DeclineInput },
): Promise<ConsentView> {
  const now = deps.clock.now()
  const reason = input.decline?.reason ?? null
  const stored = await deps.db.transaction().execute(async (trx) => {
    const { consent } = await loadAuthorized(
      { db: trx, config: deps.config },
      { caller: input.caller, consentId: input.consentId, action: { type: 'decline' }, now },
    )
    await markConsentDeclined(trx, consent.id, { at: now, reason })
    await appendAuditEvent(trx, {
      at: now,
      actor: input.caller.actor,
      event: {
        type: 'consent_declined',
        consentId: consent.id,
        subjectPseudonym: consent.subjectPseudonym,
        agencyId: consent.createdByAgencyId,
        reasonGiven: reason !== null,
      },
    })
    return findConsent(trx, consent.id)
  })
  if (!stored) throw new Error('declined consent vanished')
  return toConsentView(stored, now)
}

export const decisionInputSchema = z.strictObject({
  consentId: z.string().min(1).max(64),
  to: identifierSchema,
  purpose: termIdSchema,
  categories: z.array(termIdSchema).min(1).max(40),
  /** Optional in a dry run; without it the necessity is not assessed. */
  necessity: z.string().max(2000).optional(),
  summarySha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
})
export type DecisionInput = z.infer<typeof decisionInputSchema>

/**
 * A dry-run decision (docs/design.md §6 `POST /decisions`): the sender is the caller's agency. A
 * consent the agency is no party to is "not found". The certificates are looked up as for the
 * transfer (`lookUpCertificateConditions`): the recipient's names its cause
 * (`recipient_certificate_*`), and the sender's own signing certificate and key, which the
 * transfer refuses with an `ERR_RELAY_SENDER_*` 409, is named as `sender_*` — so the dry run says
 * `permit` only where the transfer would go out. The check is recorded as `decision_checked`.
 */
export async function checkDecision(
  deps: DecisionDeps,
  input: { caller: ConsentCaller; request: DecisionInput },
): Promise<Decision> {
  const { caller, request } = input
  const agencyId = caller.agencyId
  if (caller.role !== 'staff' || agencyId === null)
    throw new ConsentError('ERR_CONSENT_NOT_FOUND', 'No consent with this id for you.')
  const now = deps.clock.now()
  const facts: ConsentFacts | undefined = await findConsentFacts(deps.db, request.consentId)
  if (!facts || !(facts.senders.includes(agencyId) || facts.recipients.includes(agencyId)))
    throw new ConsentError('ERR_CONSENT_NOT_FOUND', 'No consent with this id for you.')
  const certificates = await lookUpCertificateConditions(deps.relay.keyring, {
    from: agencyId,
    to: request.to,
    at: now,
  })
  const decision = decide(
    {
      subjectPseudonym: facts.subjectPseudonym,
      recipientCertificate: certificates.recipientStanding,
      senderCertificate: certificates.senderStanding,
      from: agencyId,
      staffAgencyId: agencyId,
      to: request.to,
      purpose: request.purpose,
      categories: request.categories,
      dryRun: request.necessity === undefined,
      ...(request.necessity !== undefined ? { necessity: request.necessity } : {}),
      ...(request.summarySha256 ? { summarySha256: request.summarySha256 } : {}),
    },
    [facts],
    now,
  )
  deps.metrics.decision('check', decision)
  // A dry run changes nothing: its entry may share a commit with others (group commit).
  await deps.auditAppender.append({
    at: now,
    actor: caller.actor,
    event: {
      type: 'decision_checked',
      consentId: facts.id,
      subjectPseudonym: facts.subjectPseudonym,
      agencyId,
      recipientAgencyId: request.to,
      purpose: request.purpose,
      categories: [...request.categories],
      decision: decision.decision,
      reasons: [...decision.reasons],
    },
  })
  return decision
}

/** Runs `work` again (up to three times in all) when it failed on a unique key taken meanwhile. */
async function retryOnUniqueViolation<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work()
    } catch (error) {
      if (attempt >= 3 || !isUniqueViolation(error)) throw error
    }
  }
}
