import type { Deps } from '../deps.ts'
import { createPickupBudget, type PickupBudget } from '../kiosk/pickup-throttle.ts'

/**
 * Attempt limits shared by several routes of one app (a page and its REST twin must draw on the
 * same budget, or each would double the guesses). Built once in `createApp`, never per request.
 */
export interface RouteLimits {
  /** Wrong pickup codes: `POST /kiosk/pickup` and `GET /api/v1/consents/pickup/:code`. */
  pickup: PickupBudget
}

export function createRouteLimits(deps: Pick<Deps, 'clock'>): RouteLimits {
  return { pickup: createPickupBudget(deps.clock) }
}
