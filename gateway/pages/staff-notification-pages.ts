import { z } from 'zod'
import { listAgencies } from '../../db/account-repository.ts'
import {
  notificationsView,
  type NotificationRow,
} from '../../templates/pages/staff/notifications-view.ts'
import { say, type StaffLanguage } from '../../templates/pages/view-models/staff-language.ts'
import { pageRoute, type AnyPageRoute } from '../http/route.ts'
import {
  listNotifications,
  markNotificationsRead,
  setNoticeEmail,
  type StaffNotification,
} from '../notifications/notification-service.ts'
import { staffLanguageOf } from '../staff/staff-language-cookie.ts'
import { whoOf } from './home-pages.ts'
import { staffPageFrame, type StaffCtx } from './staff-page-frame.ts'

const readFormSchema = z.strictObject({
  upTo: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
})
const emailFormSchema = z.strictObject({ email: z.string().max(320).default('') })
const noticeEmailSchema = z.email().max(320)

/** Where a notification leads: the consent, the transfer or the inbox item. */
function hrefOf(n: StaffNotification): string | null {
  if (n.inboxItemId) return `/staff/inbox/${encodeURIComponent(n.inboxItemId)}`
  if (n.transferId) return `/staff/transfers/${encodeURIComponent(n.transferId)}`
  if (n.consentId) return `/staff/consents/${encodeURIComponent(n.consentId)}`
  return null
}

const messages = {
  read: [
    'Alle Benachrichtigungen sind als gelesen markiert.',
    'All notifications are marked as read.',
  ],
  email: ['Der Hinweis per E-Mail ist gespeichert.', 'The e-mail notice is saved.'],
  emailOff: ['Der Hinweis per E-Mail ist abgeschaltet.', 'The e-mail notice is turned off.'],
} as const
const doneSchema = z.enum(['read', 'email', 'emailOff'])

async function renderCentre(
  ctx: StaffCtx,
  extra: { message?: string; error?: string; status?: number } = {},
): Promise<{ html: string; status?: number }> {
  const lang: StaffLanguage = staffLanguageOf(ctx.req)
  const { deps, principal } = ctx
  const [list, agencies, who] = await Promise.all([
    listNotifications(deps, { caller: principal }),
    listAgencies(deps.db),
    whoOf(deps, principal, ctx.req.headers.cookie),
  ])
  const nameOf = (id: string | null): string | null =>
    id === null ? null : (agencies.find((a) => a.id === id)?.name ?? id)
  const items: NotificationRow[] = list.items.map((n) => ({
    kind: n.kind,
    at: n.at,
    unread: n.unread,
    person: n.person ? `${n.person.givenName} ${n.person.familyName}` : null,
    otherAgency: nameOf(n.otherAgencyId),
    validUntil: n.validUntil,
    itemKind: n.itemKind,
    href: hrefOf(n),
  }))
  return {
    ...(extra.status ? { status: extra.status } : {}),
    html: await staffPageFrame(deps, ctx, {
      title: say(lang, 'Benachrichtigungen', 'Notifications'),
      current: 'notifications',
      here: '/staff/notifications',
      unreadNotifications: list.unread,
      body: notificationsView({
        language: lang,
        items,
        unread: list.unread,
        upTo: list.latestSeq,
        csrfToken: who.csrfToken,
        lapsingDays: deps.config.notifyLapsingDays,
        notice: deps.config.notifyEmail ? { email: list.state.noticeEmail } : null,
        ...(extra.message ? { message: extra.message } : {}),
        ...(extra.error ? { error: extra.error } : {}),
      }),
    }),
  }
}

export const staffNotificationsPage = pageRoute({
  method: 'get',
  path: '/staff/notifications',
  access: ['staff'],
  handle: async (ctx) => {
    const done = doneSchema.safeParse(ctx.query.done)
    const lang = staffLanguageOf(ctx.req)
    return renderCentre(
      ctx,
      done.success ? { message: say(lang, messages[done.data][0], messages[done.data][1]) } : {},
    )
  },
})

export const staffNotificationsReadPage = pageRoute({
  method: 'post',
  path: '/staff/notifications/read',
  access: ['staff'],
  form: readFormSchema,
  handle: async (ctx) => {
    await markNotificationsRead(ctx.deps, { caller: ctx.principal, upTo: ctx.body.upTo })
    return { redirect: '/staff/notifications?done=read' }
  },
})

export const staffNotificationsEmailPage = pageRoute({
  method: 'post',
  path: '/staff/notifications/email',
  access: ['staff'],
  form: emailFormSchema,
  handle: async (ctx) => {
    const lang = staffLanguageOf(ctx.req)
    if (!ctx.deps.config.notifyEmail)
      return renderCentre(ctx, {
        status: 409,
        error: say(
          lang,
          'Der Hinweis per E-Mail ist in dieser Installation nicht eingeschaltet.',
          'The e-mail notice is not turned on in this installation.',
        ),
      })
    const typed = ctx.body.email.trim()
    if (typed === '') {
      await setNoticeEmail(ctx.deps, { caller: ctx.principal, email: null })
      return { redirect: '/staff/notifications?done=emailOff' }
    }
    const email = noticeEmailSchema.safeParse(typed)
    if (!email.success)
      return renderCentre(ctx, {
        status: 400,
        error: say(
          lang,
          'Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. vorname.name@jobcenter.example.',
          'Please enter a valid e-mail address, e.g. first.last@jobcenter.example.',
        ),
      })
    await setNoticeEmail(ctx.deps, { caller: ctx.principal, email: email.data })
    return { redirect: '/staff/notifications?done=email' }
  },
})

/** The notification centre of the staff desk (issue 18 point 4). */
export const staffNotificationPageRoutes: AnyPageRoute[] = [
  staffNotificationsPage,
  staffNotificationsReadPage,
  staffNotificationsEmailPage,
]
