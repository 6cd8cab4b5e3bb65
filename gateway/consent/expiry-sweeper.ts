import { consentStatus } from '../../consent/status.ts'
import { validityWindow } from '../../consent/calendar.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { listConsentsToRecordExpiry, markExpiryRecorded } from '../../db/consent-repository.ts'
import type { Deps } from '../deps.ts'
import { startPeriodicService } from '../periodic-service.ts'
import type { Service } from '../serve.ts'

/**
 * Writes one `consent_expired` audit entry for each consent that was active when its validity
 * ended (docs/design.md §3.5). Drafts, discarded and revoked consents are only marked as handled.
 * Returns how many entries it wrote. Safe to run concurrently: each consent is claimed once.
 */
export async function recordExpiredConsents(
  deps: Pick<Deps, 'db' | 'clock'>,
  options: { batchSize?: number } = {},
): Promise<number> {
  const now = deps.clock.now()
  const due = await listConsentsToRecordExpiry(deps.db, now, options.batchSize ?? 500)
  let written = 0
  for (const facts of due) {
    await deps.db.transaction().execute(async (trx) => {
      if (!(await markExpiryRecorded(trx, facts.id, now))) return
      // Its status just before the end tells whether it expired or ended some other way.
      const lastMoment = new Date(
        validityWindow(facts.validFrom, facts.validUntil).end.getTime() - 1,
      )
      if (consentStatus(facts, lastMoment) !== 'active') return
      await appendAuditEvent(trx, {
        at: now,
        actor: 'system',
        event: {
          type: 'consent_expired',
          consentId: facts.id,
          subjectPseudonym: facts.subjectPseudonym,
          validUntil: facts.validUntil,
        },
      })
      written++
    })
  }
  return written
}

/** The sweeper as a background service of `brucke serve`, once a minute. */
export function startConsentExpirySweeper(deps: Deps, intervalMs = 60_000): Promise<Service> {
  return Promise.resolve(
    startPeriodicService({
      name: 'consent-expiry-sweeper',
      intervalMs,
      log: deps.log,
      metrics: deps.metrics,
      tick: () => recordExpiredConsents(deps),
    }),
  )
}
