import { createLoginBudget, type LoginBudget } from '../auth/login-throttle.ts'
import type { Deps } from '../deps.ts'
import { createPickupBudget, type PickupBudget } from '../kiosk/pickup-throttle.ts'
import { RateLimiter } from './rate-limiter.ts'

/**
 * Attempt limits of the routes of one app, built once per running gateway and handed to every route
 * in its context — never per request, and shared where a page and its REST twin must draw on the
 * same budget (or each would double the guesses).
 */
export interface RouteLimits {
  /** Wrong pickup codes: `POST /kiosk/pickup` and `GET /api/v1/consents/pickup/:code`. */
  pickup: PickupBudget
  /** Password guesses on the login page (the SMTP ingress keeps its own). */
  login: LoginBudget
  /** Receipt codes typed on a kiosk to revoke, per device (like `/me` per address). */
  kioskRevoke: RateLimiter
  /** `/me` sign-in: every attempt per client address, and per well-formed receipt code. */
  selfServicePerAddress: RateLimiter
  selfServicePerCode: RateLimiter
}

const fifteenMinutes = 15 * 60_000

export function createRouteLimits(deps: Pick<Deps, 'clock' | 'config'>): RouteLimits {
  return {
    pickup: createPickupBudget(deps.clock),
    login: createLoginBudget(deps),
    kioskRevoke: new RateLimiter(deps.clock, 10, fifteenMinutes),
    selfServicePerAddress: new RateLimiter(deps.clock, 20, fifteenMinutes),
    selfServicePerCode: new RateLimiter(deps.clock, 5, fifteenMinutes),
  }
}
