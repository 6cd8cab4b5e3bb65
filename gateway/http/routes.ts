import type { Deps } from '../deps.ts'
import { adminPages } from '../pages/admin-pages.ts'
import { dpoPages } from '../pages/dpo-pages.ts'
import { kioskPages } from '../pages/kiosk-pages.ts'
import { loginPages } from '../pages/login-pages.ts'
import { selfServicePages } from '../pages/self-service-pages.ts'
import { staffPages } from '../pages/staff-pages.ts'
import {
  addAgencyRoute,
  addUserRoute,
  listAgenciesRoute,
  listAgencyUsersRoute,
  whoAmIRoute,
} from './account-routes.ts'
import { accountLockoutRoutes } from './account-lockout-routes.ts'
import type { AnyApiRoute, AnyPageRoute } from './route.ts'
import type { RouteLimits } from './route-limits.ts'
import { healthzRoute } from './system-routes.ts'
import { auditApiRoutes } from './audit-routes.ts'
import { consentApiRoutes } from './consent-routes.ts'
import { cryptoApiRoutes } from './crypto-routes.ts'
import { kioskApiRoutes } from './kiosk-routes.ts'
import { relayApiRoutes } from './relay-routes.ts'

export const apiPrefix = '/api/v1'

/** Every JSON route under {@link apiPrefix}. Areas append theirs here. */
export function apiRoutes(deps: Deps, limits: RouteLimits): AnyApiRoute[] {
  return [
    healthzRoute,
    listAgenciesRoute,
    addAgencyRoute,
    listAgencyUsersRoute,
    addUserRoute,
    whoAmIRoute,
    ...accountLockoutRoutes,
    ...consentApiRoutes(deps, limits),
    ...cryptoApiRoutes(deps),
    ...relayApiRoutes(deps),
    ...auditApiRoutes(deps),
    ...kioskApiRoutes(deps),
  ]
}

/** Every server-rendered page. Areas append theirs here. */
export function pageRoutes(deps: Deps, limits: RouteLimits): AnyPageRoute[] {
  return [
    ...loginPages(deps),
    ...adminPages(deps),
    ...dpoPages(deps),
    ...staffPages(deps),
    ...kioskPages(deps, limits),
    ...selfServicePages(deps),
  ]
}
