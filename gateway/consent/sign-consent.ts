import { z } from 'zod'
import { vocabulary } from '../../config/vocabulary.ts'
import {
  signatoryRoleSchema,
  signatureMethodSchema,
  type Consent,
  type TextReference,
} from '../../consent/consent.ts'
import { ConsentError } from '../../consent/errors.ts'
import { personNameSchema } from '../../consent/person-name.ts'
import { applySignature } from '../../consent/sign.ts'
import { termIdSchema } from '../../consent/vocabulary.ts'
import { findUser } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import {
  findConsent,
  findConsentFacts,
  insertSignature,
  markConsentRenewed,
} from '../../db/consent-repository.ts'
import { renewalEnding } from '../../consent/renewal.ts'
import { isUniqueViolation } from '../../db/unique-violation.ts'
import type { Deps } from '../deps.ts'
import {
  agencyOfCaller,
  liveKioskState,
  loadAuthorized,
  type ConsentCaller,
} from './consent-caller.ts'
import { agencyDirectory, renderWith } from './consent-texts.ts'
import { toConsentView, type ConsentView } from './consent-view.ts'
import { checkEvidence, checkTypedName } from './signature-evidence.ts'

type ServiceDeps = Pick<Deps, 'db' | 'clock' | 'ids' | 'config' | 'consentTexts'>

export const signatureInputSchema = z.strictObject({
  role: signatoryRoleSchema,
  name: personNameSchema,
  method: signatureMethodSchema,
  /**
   * `kiosk_drawn`: the drawing as a PNG data URL; `kiosk_typed`: the typed name, the confirmed
   * sentence and its language as JSON (`typedSignatureEvidence`); `paper_scan`: the scan of the
   * signed form as a data URL (PDF, PNG or JPEG); `staff_attested`: the circumstances written
   * down.
   */
  evidence: z.string().min(1).max(6_000_000),
  deselectedCategories: z.array(termIdSchema).max(40).default([]),
  deselectedRecipients: z.array(z.string().min(1).max(64)).max(20).default([]),
  /**
   * Special categories (Art. 9/10 GDPR) the youth expressly chose. They are never preselected:
   * a special category of the consent not named here is deselected by the youth's signature.
   */
  chosenSpecialCategories: z.array(termIdSchema).max(40).default([]),
  /** Staff member attending a kiosk signature: an account of the kiosk's agency. */
  attendingStaff: z.string().min(1).max(128).optional(),
  /**
   * Staff: the language of the text the person read on paper or had read out (default: the
   * draft's). A kiosk records the text it displayed and cannot choose another.
   */
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/)
    .optional(),
})
export type SignatureInput = z.input<typeof signatureInputSchema>

/**
 * Records a signature (docs/design.md §6 `POST /consents/:id/signatures`). The object-level rule
 * (consent/permissions.ts) says who may; the signing rules (consent/sign.ts) what the signature
 * changes; here the evidence is checked, the text the signatory read is fixed, and the
 * signature, `consent_signed` (and `consent_activated`) are stored in one transaction.
 */
export async function signConsent(
  deps: ServiceDeps,
  input: { caller: ConsentCaller; consentId: string; signature: SignatureInput },
): Promise<ConsentView> {
  const { caller } = input
  const signature = signatureInputSchema.parse(input.signature)
  const { evidence, evidenceSha256 } = checkEvidence(signature.method, signature.evidence)
  if (signature.method === 'kiosk_typed') checkTypedName(evidence, signature.name)
  const now = deps.clock.now()
  const directory = await agencyDirectory(deps.db)
  const stored = await deps.db
    .transaction()
    .execute(async (trx) => {
      const current = await loadAuthorized(
        { db: trx, config: deps.config },
        {
          caller,
          consentId: input.consentId,
          action: { type: 'sign', method: signature.method },
          now,
        },
      )
      const { consent, subject } = current
      const outcome = applySignature(consent, signature, {
        at: now,
        birthDate: subject.birthDate,
        guardianAge: deps.config.guardianAge,
        agencyKinds: directory.kinds,
        vocabulary,
      })

      let text: TextReference
      let attendingStaff: string | undefined
      let kioskDevice: string | undefined
      if (caller.role === 'kiosk') {
        const state = await liveKioskState(trx, deps.config, caller.userId, now)
        // The rule checked the flow; the text is what this kiosk displayed for reading.
        if (!state?.shownText || state.consentId !== consent.id)
          throw new ConsentError(
            'ERR_CONSENT_TEXT_NOT_SHOWN',
            'The consent text was not displayed on this kiosk before signing.',
          )
        if (signature.language !== undefined && signature.language !== state.shownText.language)
          throw new ConsentError(
            'ERR_CONSENT_TEXT_NOT_SHOWN',
            `The kiosk displayed the text in ${state.shownText.language}, not ${signature.language}.`,
          )
        text = state.shownText
        kioskDevice = caller.userId
        attendingStaff = signature.attendingStaff ?? state.attendingStaff ?? undefined
        if (attendingStaff !== undefined)
          await requireStaffOf(trx, attendingStaff, agencyOfCaller(caller))
      } else {
        if (signature.attendingStaff !== undefined && signature.attendingStaff !== caller.userId)
          throw new ConsentError(
            'ERR_CONSENT_ATTENDING_STAFF_INVALID',
            'Staff record their own attendance; name no one else.',
          )
        attendingStaff = caller.userId
        text = renderWith(
          deps,
          current,
          signature.language ?? consent.text.language,
          directory,
        ).reference
      }

      await insertSignature(trx, {
        consentId: consent.id,
        signature: {
          role: signature.role,
          name: signature.name,
          signedAt: now.toISOString(),
          method: signature.method,
          evidence,
          evidenceSha256,
          ...(kioskDevice ? { kioskDevice } : {}),
          ...(attendingStaff ? { attendingStaff } : {}),
          text,
        },
        requiredSignatories: outcome.requiredSignatories,
        signedRoles: outcome.signedRoles,
        deselectedCategories: outcome.deselectedCategories,
        deselectedRecipients: outcome.deselectedRecipients,
        complete: outcome.complete,
      })
      const agencyId = agencyOfCaller(caller)
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
          deselectedCategories: [...outcome.deselectedCategories],
          deselectedRecipients: [...outcome.deselectedRecipients],
          textLanguage: text.language,
          textVersion: text.version,
          textSha256: text.sha256,
        },
      })
      if (outcome.complete) {
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
        if (consent.renewsConsentId !== null)
          await endRenewedConsent(trx, {
            renewsConsentId: consent.renewsConsentId,
            renewal: consent,
            agencyId: consent.createdByAgencyId,
            actor: caller.actor,
            at: now,
          })
      }
      return findConsent(trx, consent.id)
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
  if (!stored) throw new Error('signed consent vanished')
  return toConsentView(stored, now)
}

/**
 * The renewal is in force: the consent it renews ends at the same instant, if it is still in
 * force then (consent/renewal.ts), recorded and audited in the signing transaction.
 */
async function endRenewedConsent(
  trx: Deps['db'],
  input: {
    renewsConsentId: string
    renewal: Pick<Consent, 'id' | 'subjectPseudonym'>
    agencyId: string
    actor: string
    at: Date
  },
): Promise<void> {
  const old = await findConsentFacts(trx, input.renewsConsentId)
  // Erased by retention meanwhile: nothing left to end.
  if (!old || old.subjectPseudonym !== input.renewal.subjectPseudonym) return
  const ending = renewalEnding(old, input.at)
  if (!ending.end) return
  if (!(await markConsentRenewed(trx, old.id, { at: input.at, byConsentId: input.renewal.id })))
    return
  await appendAuditEvent(trx, {
    at: input.at,
    actor: input.actor,
    event: {
      type: 'consent_renewed',
      consentId: old.id,
      subjectPseudonym: old.subjectPseudonym,
      agencyId: input.agencyId,
      renewedByConsentId: input.renewal.id,
    },
  })
}

/** The attending staff member of a kiosk signature: an enabled staff account of its agency. */
async function requireStaffOf(db: Deps['db'], userId: string, agencyId: string): Promise<void> {
  const user = await findUser(db, userId)
  if (!user || user.role !== 'staff' || user.agencyId !== agencyId || user.disabled)
    throw new ConsentError(
      'ERR_CONSENT_ATTENDING_STAFF_INVALID',
      'The attending staff member must be a staff account of the kiosk’s agency.',
    )
}
