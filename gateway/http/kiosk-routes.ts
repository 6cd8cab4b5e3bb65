import { z } from 'zod'
import { actorOf } from '../../accounts/roles.ts'
import { identifierSchema } from '../../accounts/account-schemas.ts'
import { pushDraft } from '../kiosk/kiosk-service.ts'
import { kioskSummarySchema } from '../kiosk/kiosk-summaries.ts'
import { listMajorityReviews } from '../self-service/majority-review.ts'
import { apiRoute, type AnyApiRoute } from './route.ts'

export const pushDraftRoute = apiRoute({
  method: 'post',
  path: '/kiosks/:kioskId/push',
  summary: 'Send a draft consent of your agency to a named kiosk of your agency',
  access: ['staff'],
  params: z.strictObject({ kioskId: identifierSchema }),
  body: z.strictObject({
    consentId: z.string().min(1).max(64),
    /** For a single-transfer consent: the case summary it is bound to, shown before signing. */
    summary: kioskSummarySchema.optional(),
    /** `confirm_majority`: an active consent for the young adult to confirm in person. */
    purpose: z.enum(['sign', 'confirm_majority']).default('sign'),
  }),
  bodyLimit: 1024 * 1024,
  response: z.strictObject({
    kioskId: z.string(),
    consentId: z.string(),
    pushedAt: z.iso.datetime(),
    purpose: z.enum(['sign', 'confirm_majority']),
  }),
  handle: async ({ deps, principal, params, body }) =>
    pushDraft(deps, {
      caller: {
        actor: actorOf(principal),
        role: principal.role,
        agencyId: principal.agencyId,
        userId: principal.userId,
      },
      kioskId: params.kioskId,
      consentId: body.consentId,
      purpose: body.purpose,
      ...(body.summary ? { summary: body.summary } : {}),
    }),
})

const majorityReviewSchema = z.strictObject({
  consentId: z.string(),
  subjectPseudonym: z.string(),
  cameOfAgeOn: z.iso.date(),
  confirmBy: z.iso.date(),
  flaggedAt: z.iso.datetime(),
  confirmedAt: z.iso.datetime().nullable(),
  lapsedAt: z.iso.datetime().nullable(),
  /** How the young adult confirmed in person: at a kiosk (drawn or typed) or with staff (attested). */
  confirmation: z
    .strictObject({
      by: z.string(),
      method: z.enum(['kiosk_drawn', 'kiosk_typed', 'staff_attested']),
      evidenceSha256: z.string(),
      text: z
        .strictObject({
          templateId: z.string(),
          version: z.number().int(),
          language: z.string(),
          sha256: z.string(),
        })
        .nullable(),
    })
    .nullable(),
  state: z.enum(['awaiting_confirmation', 'confirmed', 'lapsed']),
})

export const majorityReviewsRoute = apiRoute({
  method: 'get',
  path: '/majority-reviews',
  summary:
    'Guardian-signed consents of your agency whose youth has turned 18: awaiting confirmation, confirmed or lapsed',
  access: ['staff'],
  response: z.strictObject({ reviews: z.array(majorityReviewSchema) }),
  handle: async ({ deps, principal }) => ({
    reviews: await listMajorityReviews(deps, principal.agencyId),
  }),
})

/** REST routes of the kiosk area. */
export const kioskApiRoutes: AnyApiRoute[] = [pushDraftRoute, majorityReviewsRoute]
