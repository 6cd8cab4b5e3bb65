import { validityWindow } from './calendar.ts'
import { missingSignatories, type LifecycleFacts } from './status.ts'

/** How long personal data of a consent is kept after its end (Art. 5(1)(e) DSGVO). */
export interface ConsentRetention {
  /** After a consent that took effect ended: revoked, lapsed, renewed or expired. */
  consentRetentionDays: number
  /** After a draft that never took effect ended: declined, discarded or left unsigned. */
  draftRetentionHours: number
}

/** Why a consent's personal data is erased: the way it ended. */
export type ErasureGround =
  'revoked' | 'lapsed' | 'renewed' | 'expired' | 'declined' | 'discarded' | 'abandoned'

export interface ErasureDue {
  ground: ErasureGround
  /** When the consent ended. */
  endedAt: Date
  /** The first instant at which its personal data must be gone. */
  dueAt: Date
}

type RetentionFacts = LifecycleFacts

const hourMs = 3_600_000
const dayMs = 24 * hourMs

/**
 * When the personal data of a consent — names, birth date, case references, signature images,
 * the entrusting person, the reason given — must be erased, or undefined while it may still be
 * needed: a draft that can still be signed, or a consent in force (or not yet in force).
 *
 * A consent that took effect is kept `consentRetentionDays` after its end, so the agencies can
 * prove what was agreed when a transfer is questioned. A draft that never took effect proves
 * nothing anyone relies on: it goes `draftRetentionHours` after it was declined or discarded, or
 * after its validity ended unsigned (it can no longer be signed then; see `sign.ts`).
 */
export function erasureDue(
  facts: RetentionFacts,
  retention: ConsentRetention,
  now: Date,
): ErasureDue | undefined {
  const validityEnd = validityWindow(facts.validFrom, facts.validUntil).end
  if (missingSignatories(facts).length > 0) {
    const ground: [ErasureGround, string | Date] | undefined =
      facts.declinedAt !== null
        ? ['declined', facts.declinedAt]
        : facts.discardedAt !== null
          ? ['discarded', facts.discardedAt]
          : now.getTime() >= validityEnd.getTime()
            ? ['abandoned', validityEnd]
            : undefined
    if (!ground) return undefined
    const due = ended(ground[0], ground[1], retention.draftRetentionHours * hourMs)
    return due.endedAt.getTime() <= now.getTime() ? due : undefined
  }
  // It took effect; it ended at the first of revocation, lapse, renewal and the end of its
  // validity.
  const ends: [ErasureGround, string | Date | null][] = [
    ['revoked', facts.revokedAt],
    ['lapsed', facts.lapsedAt],
    ['renewed', facts.renewedAt],
    ['expired', validityEnd],
  ]
  let first: ErasureDue | undefined
  for (const [ground, at] of ends) {
    if (at === null) continue
    const candidate = ended(ground, at, retention.consentRetentionDays * dayMs)
    if (candidate.endedAt.getTime() > now.getTime()) continue
    if (!first || candidate.endedAt.getTime() < first.endedAt.getTime()) first = candidate
  }
  return first
}

function ended(ground: ErasureGround, at: string | Date, keptMs: number): ErasureDue {
  const endedAt = new Date(at)
  return { ground, endedAt, dueAt: new Date(endedAt.getTime() + keptMs) }
}
