import { appendAuditEvent } from '../../db/audit-repository.ts'
import { markUncertainHandoffs } from '../../db/transfer-repository.ts'
import type { Deps } from '../deps.ts'

/** Rows reconciled per round at most; the rest follow in the next rounds. */
const perRound = 20

/**
 * Reconciles SMTP handoffs no live worker is finishing (docs/operator-guide.md, "Nothing twice"):
 * a transfer whose handoff marker is set, with no outcome and an expired lease, may have reached
 * the recipient — its worker died between committing the marker and committing the outcome, or
 * could not commit the outcome. It becomes `handoff_uncertain` with a `transfer_handoff_uncertain`
 * entry in the same transaction, and is never sent again without an operator. Returns how many.
 */
export async function reconcileUncertainHandoffs(
  deps: Pick<Deps, 'db' | 'clock' | 'log' | 'database'>,
): Promise<number> {
  const now = deps.clock.now()
  const reconciled = await deps.db.transaction().execute(async (trx) => {
    const rows = await markUncertainHandoffs(trx, {
      now,
      limit: perRound,
      dialect: deps.database.dialect,
    })
    for (const t of rows) {
      await appendAuditEvent(trx, {
        at: now,
        actor: 'system',
        event: {
          type: 'transfer_handoff_uncertain',
          transferId: t.id,
          kind: t.kind,
          // A partner receipt is made under no consent (its row keeps empty strings there).
          consentId: t.consentId || null,
          subjectPseudonym: t.subjectPseudonym || null,
          senderAgencyId: t.senderAgencyId,
          recipientAgencyId: t.recipientAgencyId,
          attempt: t.attempts + 1,
          messageId: t.messageId,
          handoffStartedAt: new Date(t.handoffStartedAt ?? now).toISOString(),
        },
      })
    }
    return rows
  })
  for (const t of reconciled)
    deps.log.error(
      { transferId: t.id, handoffStartedAt: t.handoffStartedAt, handoffWorker: t.handoffWorker },
      'transfer handoff uncertain: not re-sent; check with the recipient (operator guide)',
    )
  return reconciled.length
}
