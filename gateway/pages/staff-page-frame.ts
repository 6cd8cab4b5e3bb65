import type { StaffPrincipal } from '../../accounts/roles.ts'
import { listDataRequests } from '../../db/data-request-repository.ts'
import { countInboxAttention } from '../../db/inbox-repository.ts'
import type { SafeHtml } from '../../templates/pages/html.ts'
import { staffFrame, type StaffNavEntry } from '../../templates/pages/staff/staff-frame.ts'
import type { Deps } from '../deps.ts'
import { listNotifications } from '../notifications/notification-service.ts'
import type { RouteContext } from '../http/route.ts'
import { staffLanguageOf } from '../staff/staff-language-cookie.ts'
import { whoOf } from './home-pages.ts'

export type StaffCtx = RouteContext<
  Record<string, string>,
  Record<string, unknown>,
  unknown,
  StaffPrincipal
>

/** How many requests the inbox count looks at (the newest first). */
const countWindow = 200

/** Open requests partner agencies sent to this agency, for the navigation's inbox count. */
export async function openIncomingRequests(deps: Deps, agencyId: string | null): Promise<number> {
  if (!agencyId) return 0
  const incoming = await listDataRequests(deps.db, {
    agencyId,
    direction: 'incoming',
    limit: countWindow,
  })
  return incoming.filter((r) => r.status === 'open').length
}

/**
 * Renders a staff page inside the workplace frame (navigation with the request count, and the
 * inbox banner while revocation notices or stopped items wait to be acknowledged).
 */
export async function staffPageFrame(
  deps: Deps,
  ctx: StaffCtx,
  page: {
    title: string
    current: StaffNavEntry
    here: string
    body: SafeHtml
    /** Given by the notification centre, which has just counted them. */
    unreadNotifications?: number
  },
): Promise<string> {
  const unreadNotifications =
    page.unreadNotifications ?? (await listNotifications(deps, { caller: ctx.principal })).unread
  return staffFrame({
    language: staffLanguageOf(ctx.req),
    who: await whoOf(deps, ctx.principal, ctx.req.headers.cookie),
    openRequests: await openIncomingRequests(deps, ctx.principal.agencyId),
    inboxAttention: await countInboxAttention(deps.db, ctx.principal.agencyId),
    ...page,
    unreadNotifications,
  })
}
