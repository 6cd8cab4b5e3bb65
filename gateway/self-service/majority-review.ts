import { addDays, berlinDateOf, type CalendarDate } from '../../consent/calendar.ts'
import { factsOf } from '../../consent/consent.ts'
import { consentStatus } from '../../consent/status.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import {
  findConsent,
  listConsentsOfAgency,
  markConsentLapsed,
  type StoredConsent,
} from '../../db/consent-repository.ts'
import {
  findMajorityReviews,
  insertMajorityReview,
  markMajorityLapsed,
  type MajorityReview,
} from '../../db/kiosk-repository.ts'
import type { Deps } from '../deps.ts'
import { startPeriodicService } from '../periodic-service.ts'
import type { Service } from '../serve.ts'
import { majorityGraceDaysOf } from '../kiosk/kiosk-settings.ts'

/** Full age under § 2 BGB. */
const ageOfMajority = 18

/** The 18th birthday; someone born on 29 February comes of age on 1 March (§ 187 Abs. 2 BGB). */
export function comingOfAgeDate(birthDate: CalendarDate): CalendarDate {
  const [y, m, d] = birthDate.split('-') as [string, string, string]
  const year = String(Number(y) + ageOfMajority).padStart(4, '0')
  const candidate = `${year}-${m}-${d}`
  const parsed = new Date(`${candidate}T00:00:00Z`)
  return parsed.toISOString().slice(0, 10) === candidate ? candidate : `${year}-03-01`
}

/**
 * Finds the consents a guardian co-signed for a minor whose youth has now come of age, flags each
 * once (`consent_majority_flagged`), and lets those unconfirmed past the grace period
 * (`MAJORITY_GRACE_DAYS`) lapse: the consent's own fact `lapsed_at` and the event
 * `consent_majority_lapsed` by `system` — not a revocation, because nobody revoked it. Every
 * later decision denies it (`consent_lapsed`) and the recipients' notices say that it lapsed.
 */
async function reviewConsents(deps: Deps, stored: readonly StoredConsent[]): Promise<void> {
  const now = deps.clock.now()
  const today = berlinDateOf(now)
  const grace = majorityGraceDaysOf(deps.config)
  const candidates = stored.filter(
    (s) =>
      s.consent.signatures.some((sig) => sig.role === 'guardian') &&
      comingOfAgeDate(s.subject.birthDate) <= today,
  )
  if (candidates.length === 0) return
  const known = new Map(
    (
      await findMajorityReviews(
        deps.db,
        candidates.map((c) => c.consent.id),
      )
    ).map((r) => [r.consentId, r]),
  )
  for (const { consent, subject } of candidates) {
    const status = consentStatus(factsOf(consent), now)
    let review = known.get(consent.id)
    if (!review) {
      if (status !== 'active') continue
      const cameOfAgeOn = comingOfAgeDate(subject.birthDate)
      review = {
        consentId: consent.id,
        subjectPseudonym: consent.subjectPseudonym,
        cameOfAgeOn,
        confirmBy: addDays(cameOfAgeOn > today ? cameOfAgeOn : today, grace),
        flaggedAt: now.toISOString(),
        confirmedAt: null,
        lapsedAt: null,
        confirmation: null,
      }
      const flagged = review
      await deps.db.transaction().execute(async (trx) => {
        // Staff listing, the self-service page and the sweeper may meet here: flag once.
        if ((await findMajorityReviews(trx, [consent.id])).length > 0) return
        await insertMajorityReview(trx, flagged)
        await appendAuditEvent(trx, {
          at: now,
          actor: 'system',
          event: {
            type: 'consent_majority_flagged',
            consentId: consent.id,
            subjectPseudonym: consent.subjectPseudonym,
            confirmBy: flagged.confirmBy,
          },
        })
      })
    }
    if (
      review.confirmedAt === null &&
      review.lapsedAt === null &&
      today > review.confirmBy &&
      status === 'active'
    ) {
      await deps.db.transaction().execute(async (trx) => {
        const [current] = await findMajorityReviews(trx, [consent.id])
        const fresh = await findConsent(trx, consent.id)
        if (
          !current ||
          current.lapsedAt !== null ||
          current.confirmedAt !== null ||
          !fresh ||
          consentStatus(factsOf(fresh.consent), now) !== 'active'
        )
          return
        await markMajorityLapsed(trx, consent.id, now)
        await markConsentLapsed(trx, consent.id, now)
        await appendAuditEvent(trx, {
          at: now,
          actor: 'system',
          event: {
            type: 'consent_majority_lapsed',
            consentId: consent.id,
            subjectPseudonym: consent.subjectPseudonym,
          },
        })
      })
    }
  }
}

/** Reviews the given consents (the self-service page does this for its receipt's). */
export async function reviewMajorityOf(
  deps: Deps,
  stored: readonly StoredConsent[],
): Promise<void> {
  await reviewConsents(deps, stored)
}

/** A flagged consent as staff see it. */
export interface MajorityReviewView extends MajorityReview {
  state: 'awaiting_confirmation' | 'confirmed' | 'lapsed'
}

/**
 * The consents of the staff member's agency that a guardian co-signed and whose youth has come of
 * age (issue point 7), after reviewing them (flagging new ones, letting overdue ones lapse).
 */
export async function listMajorityReviews(
  deps: Deps,
  agencyId: string,
): Promise<MajorityReviewView[]> {
  const stored = await listConsentsOfAgency(deps.db, agencyId, 2000)
  await reviewConsents(deps, stored)
  const reviews = await findMajorityReviews(
    deps.db,
    stored.map((s) => s.consent.id),
  )
  return reviews
    .map((r) => ({
      ...r,
      state:
        r.confirmedAt !== null
          ? ('confirmed' as const)
          : r.lapsedAt !== null
            ? ('lapsed' as const)
            : ('awaiting_confirmation' as const),
    }))
    .sort((a, b) => a.confirmBy.localeCompare(b.confirmBy))
}

/** Reviews every guardian-signed consent still in force (the background sweep). */
export async function reviewAllMajority(deps: Deps): Promise<void> {
  const rows = await deps.db
    .selectFrom('consents')
    .select('id')
    .where('signed_roles', 'like', '%"guardian"%')
    .where('revoked_at', 'is', null)
    .where('lapsed_at', 'is', null)
    .where('discarded_at', 'is', null)
    .execute()
  const stored = (await Promise.all(rows.map((r) => findConsent(deps.db, r.id)))).filter(
    (s) => s !== undefined,
  )
  await reviewConsents(deps, stored)
}

/**
 * The majority review as a background service of `brucke serve`, hourly: a lapse takes effect
 * even when nobody opens the staff list or the self-service page.
 */
export function startMajoritySweeper(deps: Deps, intervalMs = 3_600_000): Promise<Service> {
  return Promise.resolve(
    startPeriodicService({
      name: 'majority-review-sweeper',
      intervalMs,
      log: deps.log,
      metrics: deps.metrics,
      tick: () => reviewAllMajority(deps),
    }),
  )
}
