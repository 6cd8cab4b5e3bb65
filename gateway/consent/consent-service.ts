import { createHash } from 'node:crypto'
import { z } from 'zod'
import { identifierSchema } from '../../accounts/account-schemas.ts'
import type { Actor } from '../../audit/audit-event.ts'
import { vocabulary } from '../../config/vocabulary.ts'
import { validityWindow } from '../../consent/calendar.ts'
import {
  coveredCategories,
  coveredRecipients,
  factsOf,
  revocationChannelSchema,
  signatoryRoleSchema,
  signatureMethodSchema,
  type Consent,
  type ConsentFacts,
  type RevocationChannel,
  type SignatoryRole,
} from '../../consent/consent.ts'
import {
  findConsentTemplate,
  renderConsentText,
  templateIdFor,
  type RenderedConsentText,
} from '../../consent/consent-text.ts'
import { decide, type Decision } from '../../consent/decide.ts'
import { ConsentError } from '../../consent/errors.ts'
import { personNameSchema } from '../../consent/person-name.ts'
import { pseudonymOf } from '../../consent/pseudonym.ts'
import { requiredSignatories } from '../../consent/signatories.ts'
import { consentStatus, missingSignatories } from '../../consent/status.ts'
import { termIdSchema, isSpecialCategory } from '../../consent/vocabulary.ts'
import {
  consentDraftInputSchema,
  validateDraft,
  type ConsentDraftInput,
} from '../../consent/validate-draft.ts'
import { listAgencies } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import {
  findConsent,
  findConsentByKioskCode,
  findConsentFacts,
  insertConsent,
  insertRevocation,
  insertSignature,
  isKioskCodeTaken,
  listConsentsOfAgency,
  markConsentDiscarded,
  releaseExpiredKioskCodes,
  type StoredConsent,
} from '../../db/consent-repository.ts'
import type { Deps } from '../deps.ts'
import { consentTemplates } from './consent-texts.ts'
import { toConsentView, type ConsentView } from './consent-view.ts'
import { kioskCodeTtlMs, newKioskCode, normaliseKioskCode } from './kiosk-code.ts'
import { isUniqueViolation } from '../../db/unique-violation.ts'
import { pseudonymKeyOf } from './pseudonym-key.ts'

type ServiceDeps = Pick<Deps, 'db' | 'clock' | 'ids' | 'config'>

/**
 * Who calls a use case: an account of an agency (staff or kiosk), or the young person in the
 * self-service (`role: 'youth'`, bound to their own pseudonym, actor `youth:<pseudonym>`).
 */
export interface ConsentCaller {
  actor: Actor
  role: 'staff' | 'kiosk' | 'dpo' | 'admin' | 'youth'
  agencyId: string | null
  userId: string
  /** Only for `youth`: the pseudonym the self-service session is bound to. */
  subjectPseudonym?: string
}

/** The caller of the youth's self-service (DESIGN.md §3.6), bound to one subject. */
export function selfServiceCaller(subjectPseudonym: string): ConsentCaller {
  return {
    actor: `youth:${subjectPseudonym}`,
    role: 'youth',
    agencyId: null,
    userId: subjectPseudonym,
    subjectPseudonym,
  }
}

const notFound = (): ConsentError =>
  new ConsentError('ERR_CONSENT_NOT_FOUND', 'No consent with this id for your agency.')

/**
 * An agency sees a consent it is a party to or prepared; everyone else gets "not found", so the
 * answer does not confirm that the consent exists (no cross-agency lookup, DESIGN.md §3.3).
 */
function isVisibleTo(consent: Consent, caller: ConsentCaller): boolean {
  if (caller.role === 'youth') return consent.subjectPseudonym === caller.subjectPseudonym
  const agencyId = caller.agencyId
  if (agencyId === null) return false
  return (
    consent.createdByAgencyId === agencyId ||
    consent.senders.includes(agencyId) ||
    consent.recipients.includes(agencyId)
  )
}

async function loadVisible(
  db: ServiceDeps['db'],
  id: string,
  caller: ConsentCaller,
): Promise<StoredConsent> {
  const stored = await findConsent(db, id)
  if (!stored || !isVisibleTo(stored.consent, caller)) throw notFound()
  return stored
}

async function agencyDirectory(db: ServiceDeps['db']) {
  const agencies = await listAgencies(db)
  return {
    kinds: new Map(agencies.map((a) => [a.id, a.kind as string])),
    byId: new Map(agencies.map((a) => [a.id, a])),
  }
}

/** The consent text of a consent in a language, from the same facts it was created with. */
export function renderTextOf(
  consent: Consent,
  contact: string,
  agencyNames: ReadonlyMap<string, string>,
  language: string,
): RenderedConsentText {
  const templates = consentTemplates()
  const templateId = templateIdFor(consent.kind)
  const template =
    language === consent.text.language
      ? (templates.find(
          (t) =>
            t.templateId === consent.text.templateId &&
            t.version === consent.text.version &&
            t.language === language,
        ) ?? findConsentTemplate(templates, templateId, language))
      : findConsentTemplate(templates, templateId, language)
  const named = (ids: readonly string[]) =>
    ids.map((id) => ({ id, name: agencyNames.get(id) ?? id }))
  return renderConsentText(
    template,
    {
      kind: consent.kind,
      senders: named(consent.senders),
      recipients: named(consent.recipients),
      purposes: consent.purposes,
      categories: consent.categories,
      validFrom: consent.validFrom,
      validUntil: consent.validUntil,
      releasedProfessionals: consent.releasedProfessionals,
      entrustingPerson: consent.entrustingPerson,
      summarySha256: consent.singleTransfer?.summarySha256 ?? null,
      contact,
    },
    vocabulary,
  )
}

function contactOf(agency: { name: string; mailbox: string } | undefined): string {
  return agency ? `${agency.name} (${agency.mailbox})` : ''
}

/**
 * Creates a draft consent (staff; DESIGN.md §6 `POST /consents`): validates it, renders and
 * hashes the text, stores the subject once under its pseudonym, hands out a kiosk pickup code
 * and writes `consent_created` in the same transaction.
 */
export async function createConsentDraft(
  deps: ServiceDeps,
  input: {
    caller: ConsentCaller
    draft: z.input<typeof consentDraftInputSchema> | ConsentDraftInput
  },
): Promise<ConsentView> {
  const { caller } = input
  if (caller.role !== 'staff' || caller.agencyId === null)
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
    creatorAgencyId: caller.agencyId,
  })
  const subjectPseudonym = pseudonymOf(draft.subject, pseudonymKeyOf(deps.config))
  const entrustingPerson = draft.entrustingPerson ?? null
  const base: Consent = {
    id: deps.ids.newId('cns'),
    kind: draft.kind,
    scope: draft.summarySha256 ? 'single_transfer' : 'standing',
    subjectPseudonym,
    createdBy: caller.userId,
    createdByAgencyId: caller.agencyId,
    createdAt: now.toISOString(),
    senders: draft.senders,
    recipients: draft.recipients,
    purposes: draft.purposes,
    categories: draft.categories,
    validFrom: draft.validFrom,
    validUntil: draft.validUntil,
    text: {
      templateId: templateIdFor(draft.kind),
      version: 1,
      language: draft.language,
      sha256: '0'.repeat(64),
    },
    releasedProfessionals: draft.releasedProfessionals,
    entrustingPerson,
    requiredSignatories: requiredSignatories({
      birthDate: draft.subject.birthDate,
      at: now,
      guardianAge: deps.config.guardianAge,
      senders: draft.senders,
      senderKinds: directory.kinds,
      categories: draft.categories,
      deselectedCategories: [],
      entrustingPerson,
      vocabulary,
    }),
    signatures: [],
    deselectedCategories: [],
    deselectedRecipients: [],
    revocation: null,
    discardedAt: null,
    singleTransfer: draft.summarySha256 ? { summarySha256: draft.summarySha256 } : null,
  }
  const names = new Map([...directory.byId].map(([id, a]) => [id, a.name]))
  const rendered = renderTextOf(
    base,
    contactOf(directory.byId.get(caller.agencyId)),
    names,
    draft.language,
  )
  const consent: Consent = { ...base, text: rendered.reference }
  const expiresAt = new Date(now.getTime() + kioskCodeTtlMs)

  // A pickup code drawn by two drafts at once meets the unique index: draw again (the
  // transaction rolled back, audit entry included).
  const kioskCode = await retryOnUniqueViolation(() =>
    deps.db.transaction().execute(async (trx) => {
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
          agencyId: caller.agencyId as string,
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

export async function getConsent(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; consentId: string },
): Promise<ConsentView> {
  const stored = await loadVisible(deps.db, input.consentId, input.caller)
  return toConsentView(stored, deps.clock.now())
}

/** The consents of the caller's agency (a party or the preparer), optionally by status. */
export async function listConsents(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; status?: ConsentView['status']; limit?: number },
): Promise<ConsentView[]> {
  if (input.caller.agencyId === null) return []
  const now = deps.clock.now()
  // Status is derived, so it is filtered after reading; the agency bound keeps this small.
  const stored = await listConsentsOfAgency(deps.db, input.caller.agencyId, 2000)
  return stored
    .map((s) => toConsentView(s, now))
    .filter((v) => input.status === undefined || v.status === input.status)
    .slice(0, input.limit ?? 500)
}

/** The draft behind a pickup code, for a kiosk of an agency that is a party to it. */
export async function pickUpDraft(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; code: string },
): Promise<ConsentView> {
  const now = deps.clock.now()
  const stored = await findConsentByKioskCode(deps.db, normaliseKioskCode(input.code), now)
  if (!stored || !isVisibleTo(stored.consent, input.caller))
    throw new ConsentError('ERR_CONSENT_KIOSK_CODE_INVALID', 'This code is unknown or has expired.')
  const view = toConsentView(stored, now)
  if (view.status !== 'draft')
    throw new ConsentError('ERR_CONSENT_KIOSK_CODE_INVALID', 'This code is unknown or has expired.')
  return view
}

/** The text of a consent in a language (the stored version in its own language). */
export async function consentText(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; consentId: string; language?: string },
): Promise<RenderedConsentText> {
  const stored = await loadVisible(deps.db, input.consentId, input.caller)
  const directory = await agencyDirectory(deps.db)
  const names = new Map([...directory.byId].map(([id, a]) => [id, a.name]))
  return renderTextOf(
    stored.consent,
    contactOf(directory.byId.get(stored.consent.createdByAgencyId)),
    names,
    input.language ?? stored.consent.text.language,
  )
}

export const signatureInputSchema = z.strictObject({
  role: signatoryRoleSchema,
  name: personNameSchema,
  method: signatureMethodSchema,
  /** The drawn signature (data URL) or a reference to the scan (e.g. its SHA-256). */
  evidence: z.string().min(1).max(700_000),
  deselectedCategories: z.array(termIdSchema).max(40).default([]),
  deselectedRecipients: z.array(z.string().min(1).max(64)).max(20).default([]),
  /**
   * Special categories (Art. 9/10 GDPR) the youth expressly chose. They are never preselected:
   * a special category of the consent not named here is deselected by the youth's signature.
   */
  chosenSpecialCategories: z.array(termIdSchema).max(40).default([]),
  /** Staff member attending a kiosk signature. */
  attendingStaff: z.string().min(1).max(128).optional(),
})
export type SignatureInput = z.input<typeof signatureInputSchema>

/**
 * Records a signature (DESIGN.md §6 `POST /consents/:id/signatures`): kiosks sign with
 * `kiosk_drawn`, staff record `paper_scan` or `staff_attested`. The youth's signature may
 * deselect categories and recipients (at least one of each must remain). The consent becomes
 * active when every required signatory has signed; `consent_signed` (and `consent_activated`)
 * are written in the same transaction.
 */
export async function signConsent(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; consentId: string; signature: SignatureInput },
): Promise<ConsentView> {
  const { caller } = input
  const signature = signatureInputSchema.parse(input.signature)
  const allowed =
    (caller.role === 'kiosk' && signature.method === 'kiosk_drawn') ||
    (caller.role === 'staff' && signature.method !== 'kiosk_drawn')
  if (!allowed)
    throw new ConsentError(
      'ERR_CONSENT_METHOD_NOT_ALLOWED',
      'Kiosks record drawn signatures; staff record paper scans or attested signatures.',
    )
  const now = deps.clock.now()
  const directory = await agencyDirectory(deps.db)
  const stored = await deps.db
    .transaction()
    .execute(async (trx) => {
      const current = await loadVisible(trx, input.consentId, caller)
      const { consent, subject } = current
      if (consentStatus(factsOf(consent), now) !== 'draft')
        throw new ConsentError('ERR_CONSENT_NOT_DRAFT', 'Only a draft can be signed.')
      if (consent.signatures.some((s) => s.role === signature.role))
        throw new ConsentError(
          'ERR_CONSENT_ALREADY_SIGNED',
          `The ${signature.role} has already signed.`,
        )

      const isYouth = signature.role === 'youth'
      if (
        !isYouth &&
        (signature.deselectedCategories.length > 0 ||
          signature.deselectedRecipients.length > 0 ||
          signature.chosenSpecialCategories.length > 0)
      )
        throw new ConsentError(
          'ERR_CONSENT_DESELECTION_NOT_YOUTH',
          'Only the young person chooses what is shared.',
        )
      let deselectedCategories = consent.deselectedCategories
      let deselectedRecipients = consent.deselectedRecipients
      if (isYouth) {
        const special = consent.categories.filter((c) => isSpecialCategory(vocabulary, c))
        const wrong = [
          ...signature.deselectedCategories.filter((c) => !consent.categories.includes(c)),
          ...signature.chosenSpecialCategories.filter(
            (c) => !special.includes(c) || signature.deselectedCategories.includes(c),
          ),
          ...signature.deselectedRecipients.filter((r) => !consent.recipients.includes(r)),
        ]
        if (wrong.length > 0)
          throw new ConsentError(
            'ERR_CONSENT_DESELECTION_INVALID',
            'The choice names terms this consent does not contain.',
            {
              problems: wrong.map((value) => ({
                code: 'ERR_CONSENT_DESELECTION_INVALID',
                path: 'deselection',
                value,
              })),
            },
          )
        const unchosen = special.filter((c) => !signature.chosenSpecialCategories.includes(c))
        deselectedCategories = [...new Set([...signature.deselectedCategories, ...unchosen])].sort()
        deselectedRecipients = [...new Set(signature.deselectedRecipients)].sort()
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
      }
      // The guardian rule looks at the age when the youth signs (or now, before that).
      const youthSignedAt = isYouth
        ? now
        : consent.signatures.find((s) => s.role === 'youth')?.signedAt
      const required = requiredSignatories({
        birthDate: subject.birthDate,
        at: youthSignedAt ? new Date(youthSignedAt) : now,
        guardianAge: deps.config.guardianAge,
        senders: consent.senders,
        senderKinds: directory.kinds,
        categories: consent.categories,
        deselectedCategories,
        entrustingPerson: consent.entrustingPerson,
        vocabulary,
      })
      if (!required.includes(signature.role))
        throw new ConsentError(
          'ERR_CONSENT_SIGNATORY_NOT_REQUIRED',
          `No ${signature.role} signature is needed.`,
        )
      const signedRoles: SignatoryRole[] = [
        ...consent.signatures.map((s) => s.role),
        signature.role,
      ]
      const complete =
        missingSignatories({ requiredSignatories: required, signedRoles }).length === 0
      // A paper scan is never uploaded: staff hand in the scan's own SHA-256, which is kept as is.
      const scanSha256 =
        signature.method === 'paper_scan'
          ? /^(?:sha256:)?([0-9a-f]{64})$/i.exec(signature.evidence)?.[1]?.toLowerCase()
          : undefined
      const evidenceSha256 =
        scanSha256 ?? createHash('sha256').update(signature.evidence, 'utf8').digest('hex')
      await insertSignature(trx, {
        consentId: consent.id,
        signature: {
          role: signature.role,
          name: signature.name,
          signedAt: now.toISOString(),
          method: signature.method,
          evidence: signature.evidence,
          evidenceSha256,
          ...(caller.role === 'kiosk' ? { kioskDevice: caller.userId } : {}),
          ...(caller.role === 'staff'
            ? { attendingStaff: caller.userId }
            : signature.attendingStaff
              ? { attendingStaff: signature.attendingStaff }
              : {}),
        },
        requiredSignatories: required,
        signedRoles,
        deselectedCategories,
        deselectedRecipients,
        complete,
      })
      const agencyId = caller.agencyId as string
      await appendAuditEvent(trx, {
        at: now,
        actor: caller.actor,
        event: {
          type: 'consent_signed',
          consentId: consent.id,
          subjectPseudonym: consent.subjectPseudonym,
          agencyId,
          role: signature.role,
          method: signature.method,
          evidenceSha256,
          deselectedCategories: [...deselectedCategories],
          deselectedRecipients: [...deselectedRecipients],
        },
      })
      if (complete) {
        await appendAuditEvent(trx, {
          at: now,
          actor: caller.actor,
          event: {
            type: 'consent_activated',
            consentId: consent.id,
            subjectPseudonym: consent.subjectPseudonym,
            agencyId,
          },
        })
      }
      return loadVisible(trx, consent.id, caller)
    })
    .catch((error: unknown) => {
      // The same role signing twice at once: the second insert meets the first one's row.
      if (isUniqueViolation(error))
        throw new ConsentError(
          'ERR_CONSENT_ALREADY_SIGNED',
          `The ${signature.role} has already signed.`,
        )
      throw error
    })
  return toConsentView(stored, now)
}

export const revocationInputSchema = z.strictObject({
  channel: revocationChannelSchema,
  reason: z.string().trim().min(1).max(500).optional(),
})
export type RevocationInput = z.infer<typeof revocationInputSchema>

/** Which channels each kind of caller may record. */
const channelsOf: Record<ConsentCaller['role'], readonly RevocationChannel[]> = {
  staff: ['staff'],
  kiosk: ['kiosk'],
  youth: ['self_service'],
  dpo: [],
  admin: [],
}

/**
 * Revokes a consent (DESIGN.md §3.1): one call, nothing asked beyond who calls; effective from
 * this instant for every later decision, including transfers queued but not yet delivered.
 */
export async function revokeConsent(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; consentId: string; revocation: RevocationInput },
): Promise<ConsentView> {
  const { caller, revocation } = input
  if (!channelsOf[caller.role].includes(revocation.channel))
    throw new ConsentError(
      'ERR_CONSENT_METHOD_NOT_ALLOWED',
      `A ${caller.role} records revocations on the channel ${channelsOf[caller.role].join(', ') || '(none)'}.`,
    )
  const now = deps.clock.now()
  const stored = await deps.db.transaction().execute(async (trx) => {
    const { consent } = await loadVisible(trx, input.consentId, caller)
    if (consentStatus(factsOf(consent), now) !== 'active')
      throw new ConsentError(
        'ERR_CONSENT_NOT_ACTIVE',
        'Only an active consent can be revoked; a draft is discarded.',
      )
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
        ...(caller.agencyId ? { agencyId: caller.agencyId } : {}),
        channel: revocation.channel,
        reasonGiven: revocation.reason !== undefined,
      },
    })
    return loadVisible(trx, consent.id, caller)
  })
  return toConsentView(stored, now)
}

/** Discards a draft (staff); a discarded draft can no longer be signed. */
export async function discardConsent(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; consentId: string },
): Promise<ConsentView> {
  const { caller } = input
  if (caller.role !== 'staff')
    throw new ConsentError('ERR_CONSENT_METHOD_NOT_ALLOWED', 'Only staff discard drafts.')
  const now = deps.clock.now()
  const stored = await deps.db.transaction().execute(async (trx) => {
    const { consent } = await loadVisible(trx, input.consentId, caller)
    if (consentStatus(factsOf(consent), now) !== 'draft')
      throw new ConsentError('ERR_CONSENT_NOT_DRAFT', 'Only a draft can be discarded.')
    await markConsentDiscarded(trx, consent.id, now)
    await appendAuditEvent(trx, {
      at: now,
      actor: caller.actor,
      event: {
        type: 'consent_discarded',
        consentId: consent.id,
        subjectPseudonym: consent.subjectPseudonym,
        agencyId: caller.agencyId as string,
      },
    })
    return loadVisible(trx, consent.id, caller)
  })
  return toConsentView(stored, now)
}

/**
 * The youth pressed "Nicht zustimmen" at the kiosk: an audit entry, nothing else — no content,
 * no reason, and the draft stays as it was (staff may discard it).
 */
export async function declineConsent(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; consentId: string },
): Promise<void> {
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const { consent } = await loadVisible(trx, input.consentId, input.caller)
    if (consentStatus(factsOf(consent), now) !== 'draft')
      throw new ConsentError('ERR_CONSENT_NOT_DRAFT', 'Only a draft can be declined.')
    await appendAuditEvent(trx, {
      at: now,
      actor: input.caller.actor,
      event: {
        type: 'consent_declined',
        consentId: consent.id,
        subjectPseudonym: consent.subjectPseudonym,
        agencyId: input.caller.agencyId as string,
      },
    })
  })
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
 * A dry-run decision (DESIGN.md §6 `POST /decisions`): the sender is the caller's agency. A
 * consent the agency is no party to is "not found". The check is recorded as
 * `decision_checked`.
 */
export async function checkDecision(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; request: DecisionInput },
): Promise<Decision> {
  const { caller, request } = input
  const agencyId = caller.agencyId
  if (caller.role !== 'staff' || agencyId === null) throw notFound()
  const now = deps.clock.now()
  const facts: ConsentFacts | undefined = await findConsentFacts(deps.db, request.consentId)
  if (!facts || !(facts.senders.includes(agencyId) || facts.recipients.includes(agencyId)))
    throw notFound()
  const decision = decide(
    {
      subjectPseudonym: facts.subjectPseudonym,
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
  await appendAuditEvent(deps.db, {
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
