import type { Transaction } from 'kysely'
import { erasureDue, type ConsentRetention } from '../../consent/retention.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { deleteConsentRecords, listEndedConsents } from '../../db/consent-erasure-repository.ts'
import type { Tables } from '../../db/tables.ts'

const hourMs = 3_600_000
const pageSize = 500

/**
 * Deletes the consent records whose retention has ended (consent/retention.ts), each with a
 * `consent_erased` audit entry in the same transaction. Returns how many were deleted.
 */
export async function eraseEndedConsents(
  trx: Transaction<Tables>,
  input: { now: Date; retention: ConsentRetention },
): Promise<number> {
  const { now, retention } = input
  const shortest = Math.min(retention.draftRetentionHours, retention.consentRetentionDays * 24)
  const endedBefore = new Date(now.getTime() - shortest * hourMs)
  let erased = 0
  let afterId: string | undefined
  for (;;) {
    const page = await listEndedConsents(trx, { endedBefore, afterId, limit: pageSize })
    if (page.length === 0) return erased
    afterId = page[page.length - 1]?.id
    const due = page.flatMap((facts) => {
      const when = erasureDue(facts, retention, now)
      return when && when.dueAt.getTime() <= now.getTime() ? [{ id: facts.id, ...when }] : []
    })
    await deleteConsentRecords(
      trx,
      due.map((d) => d.id),
    )
    for (const d of due)
      await appendAuditEvent(trx, {
        at: now,
        actor: 'system',
        event: {
          type: 'consent_erased',
          consentId: d.id,
          ground: d.ground,
          endedAt: d.endedAt.toISOString(),
        },
      })
    erased += due.length
  }
}
