import type { Deps } from '../deps.ts'
import type { AnyApiRoute } from './route.ts'

/** JSON routes of the crypto area under /api/v1. */
export function cryptoApiRoutes(_deps: Deps): AnyApiRoute[] {
  return []
}
