import { z } from 'zod'
import { ageOn, berlinDateOf } from '../../consent/calendar.ts'
import { ConsentError } from '../../consent/errors.ts'
import { vocabulary } from '../../config/vocabulary.ts'
import {
  coveredCategories,
  isWrittenOrElectronic,
  majorityConfirmationMethodSchema,
  type TextReference,
} from '../../consent/consent.ts'
import { needsWrittenForm } from '../../consent/sign.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { findMajorityReviews, markMajorityConfirmed } from '../../db/kiosk-repository.ts'
import { liveKioskState, loadAuthorized, type ConsentCaller } from '../consent/consent-caller.ts'
import { renderTextOfConsent } from '../consent/consent-texts.ts'
import { checkEvidence } from '../consent/signature-evidence.ts'
import type { Deps } from '../deps.ts'

export const majorityConfirmationInputSchema = z.strictObject({
  /**
   * `kiosk_drawn` / `kiosk_typed`: the young adult draws, or types their name and confirms, at a
   * kiosk; `staff_attested`: in person with staff.
   */
  method: majorityConfirmationMethodSchema,
  /** The drawing (PNG data URL), the typed signature (JSON), or the circumstances written down. */
  evidence: z.string().min(1).max(700_000),
})
export type MajorityConfirmationInput = z.infer<typeof majorityConfirmationInputSchema>

const notConfirmable = (why: string) =>
  new ConsentError('ERR_CONSENT_NOT_CONFIRMABLE', `There is nothing to confirm: ${why}`)

/**
 * The youth, now of age, confirms a consent their guardian co-signed (docs/design.md §3.1). It must be
 * the adult's own act — at a kiosk of the preparing agency (drawn, or typed and expressly
 * confirmed, after reading the text there)
 * or in person with staff of a sending agency (the circumstances written down) — never a code
 * someone else may have seen. Recorded with its evidence and `consent_majority_confirmed`.
 */
export async function confirmAtMajority(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'consentTexts'>,
  input: { caller: ConsentCaller; consentId: string; confirmation: MajorityConfirmationInput },
): Promise<{ confirmedAt: string }> {
  const { caller, confirmation } = input
  const now = deps.clock.now()
  const { evidence, evidenceSha256 } = checkEvidence(confirmation.method, confirmation.evidence)
  return deps.db.transaction().execute(async (trx) => {
    const scoped = { db: trx, config: deps.config, consentTexts: deps.consentTexts }
    const { consent, subject } = await loadAuthorized(scoped, {
      caller,
      consentId: input.consentId,
      action: { type: 'confirm_majority', method: confirmation.method },
      now,
    })
    const [review] = await findMajorityReviews(trx, [consent.id])
    const today = berlinDateOf(now)
    if (!review) throw notConfirmable('no guardian co-signed this consent for a minor.')
    if (review.confirmedAt !== null) throw notConfirmable('it is confirmed already.')
    if (review.lapsedAt !== null || today > review.confirmBy)
      throw notConfirmable('the time to confirm has passed.')
    if (ageOn(subject.birthDate, today) < 18) throw notConfirmable('the person is not yet 18.')
    if (
      !isWrittenOrElectronic(confirmation.method) &&
      needsWrittenForm(coveredCategories(consent), vocabulary)
    )
      throw new ConsentError(
        'ERR_CONSENT_WRITTEN_FORM_REQUIRED',
        'Health or addiction data need the young adult’s own confirmation at a kiosk (drawn or typed), not an attestation (§ 67b Abs. 2 SGB X).',
      )

    let text: TextReference
    if (caller.role === 'kiosk') {
      const state = await liveKioskState(trx, deps.config, caller.userId, now)
      if (!state?.shownText || state.consentId !== consent.id)
        throw new ConsentError(
          'ERR_CONSENT_TEXT_NOT_SHOWN',
          'The consent text was not displayed on this kiosk before confirming.',
        )
      text = state.shownText
    } else
      text = (await renderTextOfConsent(scoped, { consent, subject }, consent.text.language))
        .reference

    const recorded = await markMajorityConfirmed(trx, consent.id, {
      at: now,
      evidence,
      confirmation: { by: caller.actor, method: confirmation.method, evidenceSha256, text },
    })
    if (!recorded) throw notConfirmable('it was confirmed or lapsed meanwhile.')
    await appendAuditEvent(trx, {
      at: now,
      actor: caller.actor,
      event: {
        type: 'consent_majority_confirmed',
        consentId: consent.id,
        subjectPseudonym: consent.subjectPseudonym,
        method: confirmation.method,
        evidenceSha256,
      },
    })
    return { confirmedAt: now.toISOString() }
  })
}
