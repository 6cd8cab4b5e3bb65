import type { Principal, Role } from '../../accounts/roles.ts'
import { findAgency, findUser } from '../../db/account-repository.ts'
import { html } from '../../templates/pages/html.ts'
import { layout } from '../../templates/pages/layout.ts'
import type { Deps } from '../deps.ts'
import { pageRoute, type AnyPageRoute } from '../http/route.ts'
import { sessionCookieName, touchSession } from '../auth/sessions.ts'
import { parseCookies } from '../http/cookies.ts'

const titles: Record<Role, string> = {
  staff: 'Arbeitsplatz',
  dpo: 'Datenschutz',
  admin: 'Verwaltung',
  kiosk: 'Kiosk',
}

/** The CSRF token of the caller's browser session, for forms on a page. */
export async function csrfTokenOf(deps: Deps, cookieHeader: string | undefined): Promise<string> {
  const token = parseCookies(cookieHeader)[sessionCookieName]
  const session = token
    ? await touchSession(deps.db, token, deps.clock.now(), deps.config.sessionIdleMinutes)
    : undefined
  return session?.csrfToken ?? ''
}

export async function whoOf(
  deps: Deps,
  principal: Principal,
  cookieHeader: string | undefined,
): Promise<{ name: string; role: string; csrfToken: string }> {
  const user = await findUser(deps.db, principal.userId)
  const agency = principal.agencyId ? await findAgency(deps.db, principal.agencyId) : undefined
  return {
    name: `${user?.displayName ?? principal.userId}${agency ? ` (${agency.name})` : ''}`,
    role: titles[principal.role],
    csrfToken: await csrfTokenOf(deps, cookieHeader),
  }
}

/** A start page per role; the staff, DPO, admin and kiosk workplaces grow from here. */
export function homePages(
  deps: Deps,
  roles: readonly Role[] = ['staff', 'dpo', 'admin', 'kiosk'],
): AnyPageRoute[] {
  return roles.map((role) =>
    pageRoute({
      method: 'get',
      path: `/${role}`,
      access: [role],
      handle: async ({ principal, req }) => ({
        html: layout({
          title: titles[role],
          who: await whoOf(deps, principal, req.headers.cookie),
          body: html`<section class="card">
            <h1>${titles[role]}</h1>
            <p>Sie sind angemeldet als <strong>${principal.userId}</strong>.</p>
            <p class="muted">
              Die API ist unter <code>/api/v1</code> beschrieben:
              <a href="/api/v1/openapi.json">OpenAPI-Dokument</a>.
            </p>
          </section>`,
        }),
      }),
    }),
  )
}
