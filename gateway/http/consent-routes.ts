import { z } from 'zod'
import { actorOf, type Principal } from '../../accounts/roles.ts'
import { consentDraftInputSchema } from '../../consent/validate-draft.ts'
import {
  checkDecision,
  consentText,
  createConsentDraft,
  declineConsent,
  decisionInputSchema,
  discardConsent,
  getConsent,
  listConsents,
  pickUpDraft,
  revocationInputSchema,
  revokeConsent,
  signatureInputSchema,
  signConsent,
  type ConsentCaller,
} from '../consent/consent-service.ts'
import { consentStatusSchema, consentViewSchema } from '../consent/consent-view.ts'
import type { Deps } from '../deps.ts'
import { pickUpWithinLimits, type PickupBudget } from '../kiosk/pickup-throttle.ts'
import { apiRoute, type AnyApiRoute } from './route.ts'
import type { RouteLimits } from './route-limits.ts'

function callerOf(principal: Principal): ConsentCaller {
  return {
    actor: actorOf(principal),
    role: principal.role,
    agencyId: principal.agencyId,
    userId: principal.userId,
  }
}

const idParams = z.strictObject({ id: z.string().min(1).max(64) })

export const createConsentRoute = apiRoute({
  method: 'post',
  path: '/consents',
  summary: 'Prepare a consent (draft) with the young person',
  access: ['staff'],
  body: consentDraftInputSchema,
  status: 201,
  response: consentViewSchema,
  handle: ({ deps, principal, body }) =>
    createConsentDraft(deps, { caller: callerOf(principal), draft: body }),
})

export const listConsentsRoute = apiRoute({
  method: 'get',
  path: '/consents',
  summary: 'List the consents your agency is a party to or prepared',
  access: ['staff'],
  query: z.strictObject({ status: consentStatusSchema.optional() }),
  response: z.strictObject({ consents: z.array(consentViewSchema) }),
  handle: async ({ deps, principal, query }) => ({
    consents: await listConsents(deps, {
      caller: callerOf(principal),
      ...(query.status ? { status: query.status } : {}),
    }),
  }),
})

/** Pickup codes are guessable secrets: wrong ones are limited per kiosk, address and prefix. */
export function pickUpConsentRoute(budget: PickupBudget) {
  return apiRoute({
    method: 'get',
    path: '/consents/pickup/:code',
    summary: 'Open a draft at the kiosk with its pickup code',
    access: ['kiosk'],
    params: z.strictObject({ code: z.string().min(4).max(20) }),
    response: consentViewSchema,
    handle: ({ deps, principal, params, req }) =>
      pickUpWithinLimits(
        deps,
        {
          budget,
          principal,
          remoteAddress: req.ip ?? 'unknown',
          code: params.code,
          method: 'GET',
          route: '/api/v1/consents/pickup/:code',
        },
        () => pickUpDraft(deps, { caller: callerOf(principal), code: params.code }),
      ),
  })
}

export const getConsentRoute = apiRoute({
  method: 'get',
  path: '/consents/:id',
  summary: 'Read a consent of your agency',
  access: ['staff'],
  params: idParams,
  response: consentViewSchema,
  handle: ({ deps, principal, params }) =>
    getConsent(deps, { caller: callerOf(principal), consentId: params.id }),
})

export const consentTextRoute = apiRoute({
  method: 'get',
  path: '/consents/:id/text',
  summary: 'The consent text in a language (German is binding)',
  access: ['staff', 'kiosk'],
  params: idParams,
  query: z.strictObject({ language: z.string().min(2).max(16).optional() }),
  response: z.strictObject({
    text: z.string(),
    templateId: z.string(),
    version: z.number().int(),
    language: z.string(),
    sha256: z.string(),
  }),
  handle: async ({ deps, principal, params, query }) => {
    const rendered = await consentText(deps, {
      caller: callerOf(principal),
      consentId: params.id,
      ...(query.language ? { language: query.language } : {}),
    })
    return { text: rendered.text, ...rendered.reference }
  },
})

export const signConsentRoute = apiRoute({
  method: 'post',
  path: '/consents/:id/signatures',
  summary: 'Sign a consent (kiosk: drawn; staff: paper scan or attested)',
  access: ['kiosk', 'staff'],
  params: idParams,
  body: signatureInputSchema,
  bodyLimit: 1024 * 1024,
  response: consentViewSchema,
  handle: ({ deps, principal, params, body }) =>
    signConsent(deps, { caller: callerOf(principal), consentId: params.id, signature: body }),
})

export const revokeConsentRoute = apiRoute({
  method: 'post',
  path: '/consents/:id/revocation',
  summary: 'Revoke a consent, effective immediately for every later decision',
  access: ['staff', 'kiosk'],
  params: idParams,
  body: revocationInputSchema,
  response: consentViewSchema,
  handle: ({ deps, principal, params, body }) =>
    revokeConsent(deps, { caller: callerOf(principal), consentId: params.id, revocation: body }),
})

export const discardConsentRoute = apiRoute({
  method: 'post',
  path: '/consents/:id/discard',
  summary: 'Discard a draft',
  access: ['staff'],
  params: idParams,
  response: consentViewSchema,
  handle: ({ deps, principal, params }) =>
    discardConsent(deps, { caller: callerOf(principal), consentId: params.id }),
})

export const declineConsentRoute = apiRoute({
  method: 'post',
  path: '/consents/:id/decline',
  summary: 'The young person declined at the kiosk ("Nicht zustimmen"); recorded, nothing else',
  access: ['kiosk'],
  params: idParams,
  response: z.strictObject({ declined: z.literal(true) }),
  handle: async ({ deps, principal, params }) => {
    await declineConsent(deps, { caller: callerOf(principal), consentId: params.id })
    return { declined: true as const }
  },
})

export const decisionRoute = apiRoute({
  method: 'post',
  path: '/decisions',
  summary: 'Dry-run the transfer decision; the sender is your agency',
  access: ['staff'],
  body: decisionInputSchema,
  response: z.strictObject({
    decision: z.enum(['permit', 'deny']),
    reasons: z.array(z.string()),
  }),
  handle: async ({ deps, principal, body }) => {
    const result = await checkDecision(deps, { caller: callerOf(principal), request: body })
    return { decision: result.decision, reasons: [...result.reasons] }
  },
})

/** JSON routes of the consent area under /api/v1 (DESIGN.md §6). */
export function consentApiRoutes(_deps: Deps, limits: RouteLimits): AnyApiRoute[] {
  return [
    createConsentRoute,
    listConsentsRoute,
    pickUpConsentRoute(limits.pickup),
    getConsentRoute,
    consentTextRoute,
    signConsentRoute,
    revokeConsentRoute,
    discardConsentRoute,
    declineConsentRoute,
    decisionRoute,
  ]
}
