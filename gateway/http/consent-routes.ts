import type { Deps } from '../deps.ts'
import type { AnyApiRoute } from './route.ts'

/** JSON routes of the consent area under /api/v1. */
export function consentApiRoutes(_deps: Deps): AnyApiRoute[] {
  return []
}
