import type { Deps } from '../deps.ts'
import type { AnyApiRoute } from './route.ts'

/** JSON routes of the audit area under /api/v1. */
export function auditApiRoutes(_deps: Deps): AnyApiRoute[] {
  return []
}
