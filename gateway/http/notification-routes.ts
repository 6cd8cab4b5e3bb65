import { z } from 'zod'
import { actorOf } from '../../accounts/roles.ts'
import { notificationKinds } from '../../consent/notification-permissions.ts'
import { getConsent } from '../consent/consent-service.ts'
import { consentStatusSchema } from '../consent/consent-view.ts'
import { listNotifications, notificationLimit } from '../notifications/notification-service.ts'
import { apiRoute, type AnyApiRoute } from './route.ts'

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)

/**
 * The small answer the staff pages poll (short polling instead of a held connection: nothing to
 * close at shutdown, nothing to leak). A page sends `X-Brucke-Background: 1` so the poll does
 * not keep an idle session alive. `consent` watches one draft for the kiosk to finish.
 */
export const notificationSummaryRoute = apiRoute({
  method: 'get',
  path: '/notifications/summary',
  summary:
    'How many notifications of your agency you have not read, and (optionally) the status of one consent; polled by the staff pages',
  access: ['staff'],
  query: z.strictObject({ consent: id.optional() }),
  response: z.strictObject({
    unread: z.number().int().min(0),
    /** When the newest notification happened (ISO-8601 UTC), null when there is none. */
    newest: z.string().nullable(),
    consent: z.strictObject({ id, status: consentStatusSchema }).optional(),
  }),
  handle: async ({ deps, principal, query }) => {
    const list = await listNotifications(deps, { caller: principal })
    const consent = query.consent
      ? await getConsent(deps, {
          caller: {
            actor: actorOf(principal),
            role: principal.role,
            agencyId: principal.agencyId,
            userId: principal.userId,
          },
          consentId: query.consent,
        })
      : undefined
    return {
      unread: list.unread,
      newest: list.items[0]?.at ?? null,
      ...(consent ? { consent: { id: consent.id, status: consent.status } } : {}),
    }
  },
})

const notificationSchema = z.strictObject({
  kind: z.enum(notificationKinds),
  at: z.string(),
  unread: z.boolean(),
  consentId: z.string().nullable(),
  transferId: z.string().nullable(),
  inboxItemId: z.string().nullable(),
  otherAgencyId: z.string().nullable(),
  validUntil: z.string().nullable(),
  itemKind: z.string().nullable(),
})

export const listNotificationsRoute = apiRoute({
  method: 'get',
  path: '/notifications',
  summary: `The notifications of your agency, newest first (last 30 days, at most ${String(notificationLimit)}); no names`,
  access: ['staff'],
  response: z.strictObject({ items: z.array(notificationSchema), unread: z.number().int() }),
  handle: async ({ deps, principal }) => {
    const list = await listNotifications(deps, { caller: principal })
    return {
      unread: list.unread,
      items: list.items.map((n) => ({
        kind: n.kind,
        at: n.at,
        unread: n.unread,
        consentId: n.consentId,
        transferId: n.transferId,
        inboxItemId: n.inboxItemId,
        otherAgencyId: n.otherAgencyId,
        validUntil: n.validUntil,
        itemKind: n.itemKind,
      })),
    }
  },
})

export const notificationApiRoutes: AnyApiRoute[] = [
  notificationSummaryRoute,
  listNotificationsRoute,
]
