import type { Kysely, Transaction } from 'kysely'
import { z } from 'zod'
import {
  majorityConfirmationMethodSchema,
  textReferenceSchema,
  type MajorityConfirmationMethod,
  type TextReference,
} from '../consent/consent.ts'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

export const kioskStepSchema = z.enum(['read', 'choose', 'sign', 'receipt'])
export type KioskStep = z.infer<typeof kioskStepSchema>

/** What the youth chose before signing (docs/design.md §3.1 granular choice). */
export const kioskChoicesSchema = z.strictObject({
  deselectedCategories: z.array(z.string()),
  deselectedRecipients: z.array(z.string()),
  chosenSpecialCategories: z.array(z.string()),
})
export type KioskChoices = z.infer<typeof kioskChoicesSchema>

/** What a kiosk flow is for: signing a draft, or the young adult confirming at majority. */
export const kioskPurposeSchema = z.enum(['sign', 'confirm_majority'])
export type KioskPurpose = z.infer<typeof kioskPurposeSchema>

/** The one person-bound state of a kiosk device; cleared by the wipe. */
export interface KioskState {
  kioskId: string
  consentId: string
  purpose: KioskPurpose
  step: KioskStep
  language: string
  choices: KioskChoices
  receiptCode: string | null
  /** The staff member who pushed the draft here (the attending staff), if pushed. */
  attendingStaff: string | null
  /** The text last displayed for reading: what a signature on this kiosk records. */
  shownText: TextReference | null
  startedAt: string
  updatedAt: string
}

export async function findKioskState(
  db: Executor,
  kioskId: string,
): Promise<KioskState | undefined> {
  const row = await db
    .selectFrom('kiosk_states')
    .selectAll()
    .where('kiosk_id', '=', kioskId)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    kioskId: row.kiosk_id,
    consentId: row.consent_id,
    purpose: kioskPurposeSchema.parse(row.purpose),
    step: kioskStepSchema.parse(row.step),
    language: row.language,
    choices: kioskChoicesSchema.parse(JSON.parse(row.choices)),
    receiptCode: row.receipt_code,
    attendingStaff: row.attending_staff,
    shownText:
      row.shown_text === null ? null : textReferenceSchema.parse(JSON.parse(row.shown_text)),
    startedAt: row.started_at,
    updatedAt: row.updated_at,
  }
}

/** Starts a kiosk session on a draft, replacing whatever the device held before. */
export async function startKioskState(db: Executor, state: KioskState): Promise<void> {
  await db.deleteFrom('kiosk_states').where('kiosk_id', '=', state.kioskId).execute()
  await db
    .insertInto('kiosk_states')
    .values({
      kiosk_id: state.kioskId,
      consent_id: state.consentId,
      purpose: state.purpose,
      step: state.step,
      language: state.language,
      choices: JSON.stringify(state.choices),
      receipt_code: state.receiptCode,
      attending_staff: state.attendingStaff,
      shown_text: state.shownText ? JSON.stringify(state.shownText) : null,
      started_at: state.startedAt,
      updated_at: state.updatedAt,
    })
    .execute()
}

export async function updateKioskState(
  db: Executor,
  kioskId: string,
  change: {
    step?: KioskStep
    language?: string
    choices?: KioskChoices
    receiptCode?: string | null
    shownText?: TextReference
    at: Date
  },
): Promise<void> {
  await db
    .updateTable('kiosk_states')
    .set({
      ...(change.step ? { step: change.step } : {}),
      ...(change.language ? { language: change.language } : {}),
      ...(change.choices ? { choices: JSON.stringify(change.choices) } : {}),
      ...(change.receiptCode !== undefined ? { receipt_code: change.receiptCode } : {}),
      ...(change.shownText ? { shown_text: JSON.stringify(change.shownText) } : {}),
      updated_at: change.at.toISOString(),
    })
    .where('kiosk_id', '=', kioskId)
    .execute()
}

/** The wipe: nothing of the person stays bound to the device. */
export async function clearKioskState(db: Executor, kioskId: string): Promise<void> {
  await db.deleteFrom('kiosk_states').where('kiosk_id', '=', kioskId).execute()
}

export async function pushDraftToKiosk(
  db: Executor,
  input: { kioskId: string; consentId: string; pushedBy: string; purpose: KioskPurpose; at: Date },
): Promise<void> {
  await db.deleteFrom('kiosk_pushes').where('kiosk_id', '=', input.kioskId).execute()
  await db
    .insertInto('kiosk_pushes')
    .values({
      kiosk_id: input.kioskId,
      consent_id: input.consentId,
      pushed_by: input.pushedBy,
      pushed_at: input.at.toISOString(),
      purpose: input.purpose,
    })
    .execute()
}

export interface PushedDraft {
  consentId: string
  pushedBy: string
  pushedAt: string
  purpose: KioskPurpose
}

export async function findPushedDraft(
  db: Executor,
  kioskId: string,
): Promise<PushedDraft | undefined> {
  const row = await db
    .selectFrom('kiosk_pushes')
    .select(['consent_id', 'pushed_by', 'pushed_at', 'purpose'])
    .where('kiosk_id', '=', kioskId)
    .executeTakeFirst()
  return row
    ? {
        consentId: row.consent_id,
        pushedBy: row.pushed_by,
        pushedAt: row.pushed_at,
        purpose: kioskPurposeSchema.parse(row.purpose),
      }
    : undefined
}

export async function clearPushedDraft(db: Executor, kioskId: string): Promise<void> {
  await db.deleteFrom('kiosk_pushes').where('kiosk_id', '=', kioskId).execute()
}

/** A guardian-signed consent whose youth has come of age (docs/design.md §3.1, § 36 SGB I). */
export interface MajorityReview {
  consentId: string
  subjectPseudonym: string
  cameOfAgeOn: string
  confirmBy: string
  flaggedAt: string
  confirmedAt: string | null
  lapsedAt: string | null
  /** How the young adult confirmed, once confirmed. */
  confirmation: MajorityConfirmation | null
}

/** The young adult's own act confirming at majority: at a kiosk, or in person with staff. */
export interface MajorityConfirmation {
  by: string
  method: MajorityConfirmationMethod
  evidenceSha256: string
  text: TextReference | null
}

export async function findMajorityReviews(
  db: Executor,
  consentIds: readonly string[],
): Promise<MajorityReview[]> {
  if (consentIds.length === 0) return []
  const rows = await db
    .selectFrom('majority_reviews')
    .selectAll()
    .where('consent_id', 'in', [...consentIds])
    .execute()
  return rows.map((row) => ({
    consentId: row.consent_id,
    subjectPseudonym: row.subject_pseudonym,
    cameOfAgeOn: row.came_of_age_on,
    confirmBy: row.confirm_by,
    flaggedAt: row.flagged_at,
    confirmedAt: row.confirmed_at,
    lapsedAt: row.lapsed_at,
    confirmation:
      row.confirmed_by !== null && row.confirmed_evidence_sha256 !== null
        ? {
            by: row.confirmed_by,
            // Rows from before the method was recorded were drawn at a kiosk.
            method: majorityConfirmationMethodSchema
              .catch('kiosk_drawn')
              .parse(row.confirmed_method),
            evidenceSha256: row.confirmed_evidence_sha256,
            text:
              row.confirmed_text === null
                ? null
                : textReferenceSchema.parse(JSON.parse(row.confirmed_text)),
          }
        : null,
  }))
}

export async function insertMajorityReview(db: Executor, review: MajorityReview): Promise<void> {
  await db
    .insertInto('majority_reviews')
    .values({
      consent_id: review.consentId,
      subject_pseudonym: review.subjectPseudonym,
      came_of_age_on: review.cameOfAgeOn,
      confirm_by: review.confirmBy,
      flagged_at: review.flaggedAt,
      confirmed_at: review.confirmedAt,
      lapsed_at: review.lapsedAt,
    })
    .execute()
}

/** Records the confirmation; false when it was confirmed or lapsed meanwhile. */
export async function markMajorityConfirmed(
  db: Executor,
  consentId: string,
  input: { at: Date; confirmation: MajorityConfirmation; evidence: string },
): Promise<boolean> {
  const c = input.confirmation
  const result = await db
    .updateTable('majority_reviews')
    .set({
      confirmed_at: input.at.toISOString(),
      confirmed_by: c.by,
      confirmed_method: c.method,
      confirmed_evidence: input.evidence,
      confirmed_evidence_sha256: c.evidenceSha256,
      confirmed_text: c.text ? JSON.stringify(c.text) : null,
    })
    .where('consent_id', '=', consentId)
    .where('confirmed_at', 'is', null)
    .where('lapsed_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function markMajorityLapsed(db: Executor, consentId: string, at: Date): Promise<void> {
  await db
    .updateTable('majority_reviews')
    .set({ lapsed_at: at.toISOString() })
    .where('consent_id', '=', consentId)
    .execute()
}
