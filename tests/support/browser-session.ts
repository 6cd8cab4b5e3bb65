import { createSession, sessionCookieName } from '../../gateway/auth/sessions.ts'
import type { Deps } from '../../gateway/deps.ts'

/** A browser session for a user, as the login form would create it: the cookie header and CSRF token. */
export async function sessionFor(
  deps: Deps,
  userId: string,
): Promise<{ cookie: string; csrfToken: string }> {
  const { token, csrfToken } = await createSession(deps.db, userId, deps.clock.now())
  return { cookie: `${sessionCookieName}=${token}`, csrfToken }
}
