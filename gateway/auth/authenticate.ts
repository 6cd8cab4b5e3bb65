import type { Request } from 'express'
import { findTokenHolder, findUser } from '../../db/account-repository.ts'
import type { Principal } from '../../accounts/roles.ts'
import type { Deps } from '../deps.ts'
import { ApiError } from '../http/api-error.ts'
import { parseCookies } from '../http/cookies.ts'
import { sessionCookieName, touchSession } from './sessions.ts'
import { isRevokedByNotBefore } from './tokens.ts'

export interface Authentication {
  principal: Principal | null
  /** The session's CSRF token when the caller came with a browser session. */
  csrfToken: string | null
}

/**
 * Resolves the caller from a bearer token or a session cookie. The user row is re-read each time,
 * so a disabled account or a changed role takes effect at once; so are a token revoked by its id
 * and the account's "tokens not before" instant (one query with the user row). Only the token's
 * signature check is remembered between requests (verified-tokens.ts), never this query. A present but bad
 * or revoked token is an error (never silently anonymous).
 */
export async function authenticate(deps: Deps, req: Request, now: Date): Promise<Authentication> {
  const header = req.headers.authorization
  if (header !== undefined) {
    const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(header)
    if (!match?.[1])
      throw new ApiError('token_invalid', 'The Authorization header must be "Bearer <token>".')
    const check = await deps.verifiedTokens.verify(match[1], {
      key: deps.config.secrets.tokenKey,
      now,
      maxLifetimeMinutes: deps.config.tokenTtlMinutes,
    })
    if (!check.ok) {
      throw new ApiError(
        check.code,
        check.code === 'token_expired' ? 'The token has expired.' : 'The token is not valid.',
      )
    }
    const holder = await findTokenHolder(deps.db, {
      userId: check.userId,
      tokenId: check.tokenId,
    })
    // Disabled, revoked by id, or revoked with all the account's tokens: the same answer, so the
    // caller learns nothing about which.
    if (
      !holder ||
      holder.user.disabled ||
      holder.tokenRevoked ||
      isRevokedByNotBefore(check.issuedAt, holder.tokensNotBefore)
    )
      throw new ApiError('token_invalid', 'The token is not valid.')
    const { user } = holder
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
    // A page's background poll (`X-Brucke-Background: 1`) is no sign of someone at the desk.
    const refresh = req.headers['x-brucke-background'] !== '1'
    const session = await touchSession(deps.db, cookie, now, deps.config.sessionIdleMinutes, {
      refresh,
    })
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
