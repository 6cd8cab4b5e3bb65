import { z } from 'zod'
import { identifierSchema } from '../../accounts/account-schemas.ts'
import { actorOf, type Principal } from '../../accounts/roles.ts'
import {
  cancelTransfer,
  leverActorOf,
  listPausedPartners,
  pausePartner,
  resumePartner,
  retryTransfer,
  type LeverCaller,
} from '../relay/transfer-levers.ts'
import { apiRoute, type AnyApiRoute } from './route.ts'

// The operator's levers (issue 19 point 5). Route access lets admins in; which transfers and
// partners an admin reaches is the object rule's (consent/transfer-levers.ts).

const adminOnly = ['admin'] as const
const idParams = z.strictObject({ id: z.string().min(1).max(64) })
const agencyParams = z.strictObject({ agencyId: identifierSchema })
const leverResult = z.strictObject({ id: z.string(), status: z.enum(['queued', 'cancelled']) })
const pauseView = z.strictObject({
  agencyId: z.string(),
  pausedAt: z.string(),
  pausedBy: z.string(),
})

function callerOf(principal: Principal): LeverCaller {
  return { actor: leverActorOf(principal), auditActor: actorOf(principal) }
}

export const retryTransferRoute = apiRoute({
  method: 'post',
  path: '/transfers/:id/retry',
  summary: 'Send a failed transfer again, if its consent still covers it (admin)',
  access: adminOnly,
  params: idParams,
  response: leverResult,
  handle: ({ deps, principal, params }) =>
    retryTransfer(deps, { caller: callerOf(principal), id: params.id }),
})

export const cancelTransferRoute = apiRoute({
  method: 'post',
  path: '/transfers/:id/cancel',
  summary: 'Cancel a waiting or failed transfer for good (admin)',
  access: adminOnly,
  params: idParams,
  response: leverResult,
  handle: ({ deps, principal, params }) =>
    cancelTransfer(deps, { caller: callerOf(principal), id: params.id }),
})

export const listPausedPartnersRoute = apiRoute({
  method: 'get',
  path: '/partners/paused',
  summary: 'Partner agencies delivery is paused to (admin)',
  access: adminOnly,
  response: z.strictObject({ partners: z.array(pauseView) }),
  handle: async ({ deps }) => ({ partners: await listPausedPartners(deps) }),
})

export const pausePartnerRoute = apiRoute({
  method: 'put',
  path: '/partners/:agencyId/pause',
  summary: 'Pause delivery to a partner agency; its transfers wait queued (admin)',
  access: adminOnly,
  params: agencyParams,
  response: pauseView,
  handle: ({ deps, principal, params }) =>
    pausePartner(deps, { caller: callerOf(principal), agencyId: params.agencyId }),
})

export const resumePartnerRoute = apiRoute({
  method: 'delete',
  path: '/partners/:agencyId/pause',
  summary: 'Resume delivery to a partner agency; its waiting transfers are due at once (admin)',
  access: adminOnly,
  params: agencyParams,
  response: z.strictObject({
    agencyId: z.string(),
    wasPaused: z.boolean(),
    madeDue: z.number().int().nonnegative(),
  }),
  handle: ({ deps, principal, params }) =>
    resumePartner(deps, { caller: callerOf(principal), agencyId: params.agencyId }),
})

/** The lever routes under /api/v1. */
export const relayLeverRoutes: AnyApiRoute[] = [
  retryTransferRoute,
  cancelTransferRoute,
  listPausedPartnersRoute,
  pausePartnerRoute,
  resumePartnerRoute,
]
