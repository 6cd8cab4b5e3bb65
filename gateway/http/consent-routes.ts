import { z } from 'zod'
import { actorOf, type Principal } from '../../accounts/roles.ts'
import { calendarDateSchema } from '../../consent/calendar.ts'
import { consentDraftInputSchema } from '../../consent/validate-draft.ts'
import {
  checkDecision,
  consentText,
  createConsentDraft,
  declineConsent,
  declineInputSchema,
  decisionInputSchema,
  discardConsent,
  getConsent,
  listConsents,
  prepareRenewal,
  revocationInputSchema,
  revokeConsent,
  signatureInputSchema,
  signConsent,
  type ConsentCaller,
} from '../consent/consent-service.ts'
import { approveConsentText, listConsentTexts } from '../consent/consent-texts.ts'
import { consentStatusSchema, consentViewSchema } from '../consent/consent-view.ts'
import { consentOfReceipt, showTextAtKiosk, startFromPickupCode } from '../kiosk/kiosk-service.ts'
import { pickUpWithinLimits } from '../kiosk/pickup-throttle.ts'
import {
  confirmAtMajority,
  majorityConfirmationInputSchema,
} from '../self-service/majority-confirmation.ts'
import { runIdempotently } from '../idempotency/idempotent-call.ts'
import { ApiError } from './api-error.ts'
import { idempotencyClaimOf, idempotencyHeadersSchema, markReplayed } from './idempotency-header.ts'
import { apiRoute, type AnyApiRoute } from './route.ts'

function callerOf(principal: Principal): ConsentCaller {
  return {
    actor: actorOf(principal),
    role: principal.role,
    agencyId: principal.agencyId,
    userId: principal.userId,
    // The staff pages call the API with their browser session: that is the page, not the API.
    via: principal.via === 'session' ? 'page' : 'api',
  }
}

const idParams = z.strictObject({ id: z.string().min(1).max(64) })

export const createConsentRoute = apiRoute({
  method: 'post',
  path: '/consents',
  summary: 'Prepare a consent (draft) with the young person; idempotent with an Idempotency-Key',
  access: ['staff'],
  headers: idempotencyHeadersSchema,
  body: consentDraftInputSchema,
  status: 201,
  response: consentViewSchema,
  handle: async ({ deps, principal, headers, body, res }) => {
    const caller = callerOf(principal)
    const { result, replayed } = await runIdempotently(
      deps,
      idempotencyClaimOf(principal, headers, 'consent.create', body),
      {
        status: 201,
        run: (recordOutcome) =>
          createConsentDraft(deps, {
            caller,
            draft: body,
            ...(recordOutcome ? { recordOutcome } : {}),
          }),
        // The view holds the person's name and birth date, which the key table never stores:
        // the replay reads the consent again (as it is now).
        replay: (stored) => getConsent(deps, { caller, consentId: stored.resourceId }),
      },
    )
    markReplayed(res, replayed)
    return result
  },
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
export const pickUpConsentRoute = apiRoute({
  method: 'get',
  path: '/consents/pickup/:code',
  summary:
    'Open a draft of your agency at this kiosk with its pickup code: the kiosk flow is bound to it',
  access: ['kiosk'],
  params: z.strictObject({ code: z.string().min(4).max(20) }),
  response: consentViewSchema,
  handle: ({ deps, limits, principal, params, req }) =>
    pickUpWithinLimits(
      deps,
      {
        budget: limits.pickup,
        principal,
        remoteAddress: req.ip ?? 'unknown',
        code: params.code,
        method: 'GET',
        route: '/api/v1/consents/pickup/:code',
      },
      () => startFromPickupCode(deps, principal, params.code),
    ),
})

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
    // A kiosk reads only the consent of its live flow, and what it reads is what its signature
    // will prove it displayed.
    const rendered =
      principal.role === 'kiosk'
        ? await showTextAtKiosk(deps, principal, {
            consentId: params.id,
            ...(query.language ? { language: query.language } : {}),
          })
        : await consentText(deps, {
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
  summary:
    'Sign a consent (kiosk: drawn, inside its live flow; staff of a sending agency: paper scan or attested)',
  access: ['kiosk', 'staff'],
  params: idParams,
  body: signatureInputSchema,
  bodyLimit: 8 * 1024 * 1024,
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
  handle: async ({ deps, principal, params, body }) => {
    const { receiptCode, birthDate, ...revocation } = body
    const caller = callerOf(principal)
    if (principal.role === 'kiosk') {
      // A kiosk revokes only what the person proves with the receipt code and the birth date.
      if (receiptCode === undefined || birthDate === undefined)
        throw new ApiError(
          'validation_failed',
          'At a kiosk, send the receipt code and the date of birth of the person revoking.',
        )
      caller.receiptConsentIds = [await consentOfReceipt(deps, { receiptCode, birthDate })]
    } else if (receiptCode !== undefined || birthDate !== undefined)
      throw new ApiError('validation_failed', 'Receipt code and birth date are for kiosks only.')
    return revokeConsent(deps, { caller, consentId: params.id, revocation })
  },
})

/**
 * "verlängern / erneuern" (issue 18 point 5): a new draft prefilled from the consent (same person,
 * parties, purposes, covered categories and recipients, text language), valid from today until
 * `validUntil`, linked to it; it goes to the kiosk like any draft, and when it is fully signed
 * the consent it renews ends (`renewed`).
 */
export const renewConsentRoute = apiRoute({
  method: 'post',
  path: '/consents/:id/renewal',
  summary:
    'Prepare a renewal of a consent: a new draft that ends this consent once it is signed; idempotent with an Idempotency-Key',
  access: ['staff'],
  headers: idempotencyHeadersSchema,
  params: idParams,
  body: z.strictObject({ validUntil: calendarDateSchema }),
  status: 201,
  response: consentViewSchema,
  handle: async ({ deps, principal, headers, params, body, res }) => {
    const caller = callerOf(principal)
    const { result, replayed } = await runIdempotently(
      deps,
      // The key covers which consent is renewed, not only the body.
      idempotencyClaimOf(principal, headers, 'consent.renew', { consentId: params.id, ...body }),
      {
        status: 201,
        run: async (recordOutcome) => {
          const { draft } = await prepareRenewal(deps, {
            caller,
            consentId: params.id,
            validUntil: body.validUntil,
          })
          return createConsentDraft(deps, {
            caller,
            draft,
            renewsConsentId: params.id,
            ...(recordOutcome ? { recordOutcome } : {}),
          })
        },
        // As for a new consent: the view is read again, the key table holds no personal data.
        replay: (stored) => getConsent(deps, { caller, consentId: stored.resourceId }),
      },
    )
    markReplayed(res, replayed)
    return result
  },
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
  summary:
    'The young person declined at the kiosk ("Nicht zustimmen"): the draft is declined, its pickup code dies',
  access: ['kiosk'],
  params: idParams,
  body: declineInputSchema,
  response: consentViewSchema,
  handle: ({ deps, principal, params, body }) =>
    declineConsent(deps, { caller: callerOf(principal), consentId: params.id, decline: body }),
})

export const majorityConfirmationRoute = apiRoute({
  method: 'post',
  path: '/consents/:id/majority-confirmation',
  summary:
    'The young adult confirms, in person, a consent a guardian co-signed (kiosk: drawn in its flow; staff of a sending agency: attested)',
  access: ['kiosk', 'staff'],
  params: idParams,
  body: majorityConfirmationInputSchema,
  bodyLimit: 1024 * 1024,
  response: z.strictObject({ confirmedAt: z.iso.datetime() }),
  handle: ({ deps, principal, params, body }) =>
    confirmAtMajority(deps, {
      caller: callerOf(principal),
      consentId: params.id,
      confirmation: body,
    }),
})

const consentTextInfoSchema = z.strictObject({
  templateId: z.string(),
  version: z.number().int(),
  language: z.string(),
  bodySha256: z.string(),
  approved: z.boolean(),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
})

export const listConsentTextsRoute = apiRoute({
  method: 'get',
  path: '/consent-texts',
  summary: 'The consent text templates by version and language, with their approvals',
  access: ['staff', 'dpo', 'admin'],
  response: z.strictObject({ texts: z.array(consentTextInfoSchema) }),
  handle: async ({ deps }) => ({ texts: await listConsentTexts(deps) }),
})

export const approveConsentTextRoute = apiRoute({
  method: 'post',
  path: '/consent-texts/approvals',
  summary:
    'Approve a template version in one language (a DPO for all agencies); new drafts use the newest approved version',
  access: ['dpo'],
  body: z.strictObject({
    templateId: z.string().regex(/^[a-z][a-z0-9-]{1,60}$/),
    version: z.number().int().positive(),
    language: z.string().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/),
  }),
  status: 201,
  response: consentTextInfoSchema,
  handle: async ({ deps, principal, body }) => {
    // The texts serve every agency: only a DPO with the view over all agencies approves them.
    if (!principal.allAgencies)
      throw new ApiError('forbidden', 'Only a DPO for all agencies approves consent texts.')
    return approveConsentText(deps, { actor: actorOf(principal), ...body })
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

/** JSON routes of the consent area under /api/v1 (docs/design.md §6). */
export const consentApiRoutes: AnyApiRoute[] = [
  createConsentRoute,
  listConsentsRoute,
  pickUpConsentRoute,
  getConsentRoute,
  consentTextRoute,
  signConsentRoute,
  revokeConsentRoute,
  renewConsentRoute,
  discardConsentRoute,
  declineConsentRoute,
  majorityConfirmationRoute,
  decisionRoute,
  listConsentTextsRoute,
  approveConsentTextRoute,
]
