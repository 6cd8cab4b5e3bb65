import { z } from 'zod'
import { mayAdminister, type KioskAction } from '../../accounts/admin-permissions.ts'
import { identifierSchema } from '../../accounts/account-schemas.ts'
import { actorOf, type Principal } from '../../accounts/roles.ts'
import { findUser } from '../../db/account-repository.ts'
import { layout } from '../../templates/pages/layout.ts'
import { kiosksView } from '../../templates/pages/admin/kiosks-view.ts'
import { disableAccount, enableAccount } from '../accounts/account-lockout.ts'
import { loadKioskRows } from '../admin/kiosk-admin.ts'
import type { Deps } from '../deps.ts'
import { pageRoute, type AnyPageRoute, type PageResult } from '../http/route.ts'
import { whoOf } from './home-pages.ts'

// Kiosk devices on the admin pages (issue 18 point 7): state, last use, and locking a device out
// with the account lockout use cases (the same as `brucke user disable` and the API), after the
// object rule accounts/admin-permissions.ts. Another agency's device is "not found".

const adminOnly = ['admin'] as const

async function renderKiosks(
  deps: Deps,
  ctx: { principal: Principal; cookie: string | undefined },
  extra: { status?: number; notice?: string; problem?: string } = {},
): Promise<PageResult> {
  const [who, kiosks] = await Promise.all([
    whoOf(deps, ctx.principal, ctx.cookie),
    loadKioskRows(deps, ctx.principal, deps.clock.now()),
  ])
  const { status, ...rest } = extra
  return {
    status: status ?? 200,
    html: layout({
      title: 'Kiosk-Geräte – Verwaltung',
      who,
      styles: ['/assets/dpo.css', '/assets/admin.css'],
      body: kiosksView({ csrfToken: who.csrfToken, kiosks, ...rest }),
    }),
  }
}

const doneSchema = z
  .string()
  .regex(/^(locked|unlocked):[a-z0-9][a-z0-9-]{1,62}$/)
  .transform((value) => {
    const [action = '', id = ''] = value.split(':')
    return { action, id }
  })

export const kiosksPage = pageRoute({
  method: 'get',
  path: '/admin/kiosks',
  access: adminOnly,
  handle: async ({ deps, principal, query, req }) => {
    const done = doneSchema.safeParse(query.done)
    const notice = !done.success
      ? undefined
      : done.data.action === 'locked'
        ? `Kiosk-Gerät ${done.data.id} gesperrt: abgemeldet, Tokens widerrufen, Gerät geleert.`
        : `Kiosk-Gerät ${done.data.id} entsperrt: Es kann sich wieder anmelden.`
    return renderKiosks(
      deps,
      { principal, cookie: req.headers.cookie },
      notice === undefined ? {} : { notice },
    )
  },
})

function kioskLever(action: Exclude<KioskAction, 'view'>) {
  return pageRoute({
    method: 'post',
    path: `/admin/kiosks/:kioskId/${action}`,
    access: adminOnly,
    form: z.strictObject({}),
    handle: async ({ deps, principal, params, req }) => {
      const id = identifierSchema.safeParse(params.kioskId)
      const kiosk = id.success ? await findUser(deps.db, id.data) : undefined
      if (kiosk === undefined || !mayAdminister(principal, { kind: 'kiosk', action, kiosk }))
        return renderKiosks(
          deps,
          { principal, cookie: req.headers.cookie },
          { status: 404, problem: 'Dieses Kiosk-Gerät gibt es hier nicht.' },
        )
      const actor = actorOf(principal)
      if (action === 'lock')
        await disableAccount(deps, { actor, userId: kiosk.id, protectLastAdmin: true })
      else await enableAccount(deps, { actor, userId: kiosk.id })
      return { redirect: `/admin/kiosks?done=${action}ed:${kiosk.id}` }
    },
  })
}

export const lockKioskPage = kioskLever('lock')
export const unlockKioskPage = kioskLever('unlock')

/** The kiosk devices page of the administration. */
export const adminKioskPageRoutes: AnyPageRoute[] = [kiosksPage, lockKioskPage, unlockKioskPage]
