import { adminCardPageRoutes } from '../pages/admin-card-pages.ts'
import { adminCertificatePageRoutes } from '../pages/admin-certificate-pages.ts'
import { adminKioskPageRoutes } from '../pages/admin-kiosk-pages.ts'
import { adminLeverPageRoutes } from '../pages/admin-lever-pages.ts'
import { adminPageRoutes } from '../pages/admin-pages.ts'
import { dpoPageRoutes } from '../pages/dpo-pages.ts'
import { kioskPageRoutes } from '../pages/kiosk-pages.ts'
import { loginPageRoutes } from '../pages/login-pages.ts'
import { selfServicePageRoutes } from '../pages/self-service-pages.ts'
import { staffNotificationPageRoutes } from '../pages/staff-notification-pages.ts'
import { staffPageRoutes } from '../pages/staff-pages.ts'
import { staffRenewalPageRoutes } from '../pages/staff-renewal-pages.ts'
import {
  addAgencyRoute,
  addUserRoute,
  listAgenciesRoute,
  listAgencyUsersRoute,
  whoAmIRoute,
} from './account-routes.ts'
import { accountLockoutRoutes } from './account-lockout-routes.ts'
import type { AnyApiRoute, AnyPageRoute } from './route.ts'
import { healthzRoute, readyzRoute } from './system-routes.ts'
import { auditApiRoutes } from './audit-routes.ts'
import { composerDraftApiRoutes } from './composer-draft-routes.ts'
import { consentApiRoutes } from './consent-routes.ts'
import { cryptoApiRoutes } from './crypto-routes.ts'
import { inboxApiRoutes } from './inbox-routes.ts'
import { kioskApiRoutes } from './kiosk-routes.ts'
import { metricsRoute } from './metrics-routes.ts'
import { notificationApiRoutes } from './notification-routes.ts'
import { relayLeverRoutes } from './relay-lever-routes.ts'
import { relayApiRoutes } from './relay-routes.ts'

export const apiPrefix = '/api/v1'

/**
 * Every JSON route under {@link apiPrefix}, as constants: each route is a value with its schemas;
 * what it needs at run time (deps, the app's attempt limits) comes in its context.
 */
export const apiRoutes: readonly AnyApiRoute[] = [
  healthzRoute,
  readyzRoute,
  listAgenciesRoute,
  addAgencyRoute,
  listAgencyUsersRoute,
  addUserRoute,
  whoAmIRoute,
  ...accountLockoutRoutes,
  ...consentApiRoutes,
  ...cryptoApiRoutes,
  ...relayApiRoutes,
  ...relayLeverRoutes,
  ...inboxApiRoutes,
  ...composerDraftApiRoutes,
  ...auditApiRoutes,
  ...kioskApiRoutes,
  ...notificationApiRoutes,
  metricsRoute,
]

/** Every server-rendered page, the same way. */
export const pageRoutes: readonly AnyPageRoute[] = [
  ...loginPageRoutes,
  ...adminPageRoutes,
  ...adminLeverPageRoutes,
  ...adminCardPageRoutes,
  ...adminCertificatePageRoutes,
  ...adminKioskPageRoutes,
  ...dpoPageRoutes,
  ...staffPageRoutes,
  ...staffNotificationPageRoutes,
  ...staffRenewalPageRoutes,
  ...kioskPageRoutes,
  ...selfServicePageRoutes,
]
