import type { Principal, Role } from '../../accounts/roles.ts'
import { findAgency, findUser } from '../../db/account-repository.ts'
import type { Deps } from '../deps.ts'
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
