import type { Request } from 'express'
import { findUser } from '../../db/account-repository.ts'
import type { Principal } from '../../accounts/roles.ts'
import type { Deps } from '../deps.ts'
import { ApiError } from '../http/api-error.ts'
import { parseCookies, sessionCookieName, touchSession } from './sessions.ts'
import { verifyToken } from './tokens.ts'

export interface Authentication {
  principal: Principal | null
  /** The session's CSRF token when the caller came with a browser session. */
  csrfToken: string | null
}

/**
 * Resolves the caller from a bearer token or a session cookie. The user row is re-read each time,
 * so a disabled account or a changed role takes effect at once. A present but bad token is an
 * error (never silently anonymous).
 */
export async function authenticate(deps: Deps, req: Request, now: Date): Promise<Authentication> {
  const header = req.headers.authorization
  if (header !== undefined) {
    const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(header)
    if (!match?.[1])
      throw new ApiError('token_invalid', 'The Authorization header must be "Bearer <token>".')
    const check = await verifyToken(match[1], deps.config.secrets.tokenKey, now)
    if (!check.ok) {
      throw new ApiError(
        check.code,
        check.code === 'token_expired' ? 'The token has expired.' : 'The token is not valid.',
      )
    }
    const user = await findUser(deps.db, check.userId)
    if (!user || user.disabled) throw new ApiError('token_invalid', 'The token is not valid.')
    return {
      principal: {
        userId: user.id,
        role: user.role,
        agencyId: user.agencyId,
        allAgencies: user.allAgencies,
        via: 'token',
      },
      csrfToken: null,
    }
  }
  const cookie = parseCookies(req.headers.cookie)[sessionCookieName]
  if (cookie) {
    const session = await touchSession(deps.db, cookie, now, deps.config.sessionIdleMinutes)
    if (session) {
      const user = await findUser(deps.db, session.userId)
      if (user && !user.disabled) {
        return {
          principal: {
            userId: user.id,
            role: user.role,
            agencyId: user.agencyId,
            allAgencies: user.allAgencies,
            via: 'session',
          },
          csrfToken: session.csrfToken,
        }
      }
    }
  }
  return { principal: null, csrfToken: null }
}
