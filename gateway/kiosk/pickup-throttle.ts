import { actorOf, type Principal } from '../../accounts/roles.ts'
import { ConsentError } from '../../consent/errors.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { normaliseKioskCode } from '../consent/kiosk-code.ts'
import type { Clock, Deps } from '../deps.ts'
import { AttemptBudget } from '../http/attempt-budget.ts'
import { KioskError } from './kiosk-error.ts'

/**
 * Wrong pickup codes allowed per window, as for receipt codes (self-service: 20 per address,
 * 5 per code): per kiosk device, per client address (a stolen kiosk token used from elsewhere,
 * or several devices of one attacker), and per code prefix (someone who read half a code off a
 * desk tries the rest). A code that opens a draft does not count.
 */
export const pickupLimits = {
  perKiosk: 10,
  perAddress: 20,
  perPrefix: 5,
  windowMinutes: 15,
  prefixLength: 4,
} as const

export type PickupBudget = AttemptBudget<'kiosk' | 'address' | 'prefix'>

/** One budget per app, shared by the kiosk page and the REST route. */
export function createPickupBudget(clock: Clock): PickupBudget {
  return new AttemptBudget(clock, {
    windowMs: pickupLimits.windowMinutes * 60_000,
    limits: {
      kiosk: pickupLimits.perKiosk,
      address: pickupLimits.perAddress,
      prefix: pickupLimits.perPrefix,
    },
  })
}

/**
 * Runs a pickup (`pickUp` opens the draft behind `code`, throwing
 * `ERR_CONSENT_KIOSK_CODE_INVALID` for a wrong one) inside the pickup limits: the attempt takes
 * its slots before the code is looked up, a code that opens a draft gives them back, a wrong one
 * keeps them for the window. Past a limit: `ERR_KIOSK_RATE_LIMITED` (429) with
 * `retryAfterSeconds`, audited once per window as a refused permission.
 */
export async function pickUpWithinLimits<T>(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: {
    budget: PickupBudget
    principal: Principal
    remoteAddress: string
    code: string
    /** Where the attempt came from, for the audit entry. */
    method: string
    route: string
  },
  pickUp: () => Promise<T>,
): Promise<T> {
  const reservation = input.budget.reserve({
    kiosk: input.principal.userId,
    address: input.remoteAddress,
    prefix: normaliseKioskCode(input.code).slice(0, pickupLimits.prefixLength),
  })
  if (!reservation.ok) {
    if (reservation.firstRefusal)
      await appendAuditEvent(deps.db, {
        at: deps.clock.now(),
        actor: actorOf(input.principal),
        event: {
          type: 'permission_refused',
          method: input.method,
          route: input.route,
          role: input.principal.role,
          ...(input.principal.agencyId ? { agencyId: input.principal.agencyId } : {}),
          reason: `pickup codes rate-limited per ${reservation.exhausted}`,
        },
      })
    throw new KioskError('ERR_KIOSK_RATE_LIMITED', 'Too many wrong pickup codes; try later.', {
      details: {
        retryAfterSeconds: reservation.retryAfterSeconds,
      },
    })
  }
  try {
    const result = await pickUp()
    reservation.refund()
    return result
  } catch (error) {
    // Only a wrong code is a guess; any other failure gives the slots back.
    if (!(error instanceof ConsentError && error.code === 'ERR_CONSENT_KIOSK_CODE_INVALID'))
      reservation.refund()
    throw error
  }
}
