import type { Deps } from '../deps.ts'
import type { AnyApiRoute } from './route.ts'

/** JSON routes of the relay area under /api/v1. */
export function relayApiRoutes(_deps: Deps): AnyApiRoute[] {
  return []
}
