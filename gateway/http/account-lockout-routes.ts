import { z } from 'zod'
import { identifierSchema, userSchema } from '../../accounts/account-schemas.ts'
import { actorOf } from '../../accounts/roles.ts'
import {
  disableAccount,
  enableAccount,
  endAllSessions,
  resetPassword,
  revokeAllTokens,
  revokeToken,
} from '../accounts/account-lockout.ts'
import { requireAdministrableAccount } from '../admin/account-admin.ts'
import { tokenIdSchema } from '../auth/tokens.ts'
import { apiRoute } from './route.ts'

/*
 * Taking access away, for admins (issue 8 point 8). Each answer names the account as it is now,
 * `disabled` included (these are admin routes; the staff-facing lists leave it out).
 */

const accountParams = z.strictObject({ userId: identifierSchema })
const sessionsEnded = z.number().int().min(0)

export const disableAccountRoute = apiRoute({
  method: 'post',
  path: '/users/:userId/disable',
  summary:
    'Disable an account or kiosk device: sessions end, every token is revoked, a kiosk is wiped (admin)',
  access: ['admin'],
  params: accountParams,
  response: z.strictObject({
    account: userSchema,
    /** False when it was disabled already. */
    changed: z.boolean(),
    sessionsEnded,
    tokensNotBefore: z.iso.datetime().nullable(),
  }),
  handle: async ({ deps, principal, params }) => {
    await requireAdministrableAccount(deps, { principal, userId: params.userId, action: 'disable' })
    const result = await disableAccount(deps, {
      actor: actorOf(principal),
      userId: params.userId,
      protectLastAdmin: true,
    })
    return { ...result, tokensNotBefore: result.tokensNotBefore?.toISOString() ?? null }
  },
})

export const enableAccountRoute = apiRoute({
  method: 'post',
  path: '/users/:userId/enable',
  summary: 'Enable a disabled account; its old tokens stay revoked (admin)',
  access: ['admin'],
  params: accountParams,
  response: z.strictObject({ account: userSchema, changed: z.boolean() }),
  handle: async ({ deps, principal, params }) => {
    await requireAdministrableAccount(deps, { principal, userId: params.userId, action: 'enable' })
    return enableAccount(deps, { actor: actorOf(principal), userId: params.userId })
  },
})

export const resetPasswordRoute = apiRoute({
  method: 'post',
  path: '/users/:userId/password-reset',
  summary: 'Set a new generated password (returned this once), end sessions, revoke tokens (admin)',
  access: ['admin'],
  params: accountParams,
  response: z.strictObject({
    account: userSchema,
    password: z.string().min(12),
    sessionsEnded,
    tokensNotBefore: z.iso.datetime(),
  }),
  handle: async ({ deps, principal, params, res }) => {
    await requireAdministrableAccount(deps, {
      principal,
      userId: params.userId,
      action: 'reset_password',
    })
    const result = await resetPassword(deps, { actor: actorOf(principal), userId: params.userId })
    // The one answer that carries a password: no cache may keep it.
    res.setHeader('Cache-Control', 'no-store')
    return { ...result, tokensNotBefore: result.tokensNotBefore.toISOString() }
  },
})

export const endSessionsRoute = apiRoute({
  method: 'post',
  path: '/users/:userId/sessions/end',
  summary: 'End every browser session of an account (admin)',
  access: ['admin'],
  params: accountParams,
  response: z.strictObject({ account: userSchema, sessionsEnded }),
  handle: async ({ deps, principal, params }) => {
    await requireAdministrableAccount(deps, {
      principal,
      userId: params.userId,
      action: 'end_sessions',
    })
    return endAllSessions(deps, { actor: actorOf(principal), userId: params.userId })
  },
})

export const revokeTokensRoute = apiRoute({
  method: 'post',
  path: '/users/:userId/tokens/revoke',
  summary:
    'Revoke one token of an account by its jti, or without a body every token issued up to now (admin)',
  access: ['admin'],
  params: accountParams,
  body: z.strictObject({ jti: tokenIdSchema.optional() }).optional(),
  response: z.strictObject({
    account: userSchema,
    revoked: z.enum(['token', 'all']),
    /** The revoked token's id (one token). */
    tokenId: z.string().optional(),
    /** False when that token was revoked already (one token). */
    changed: z.boolean(),
    /** Every token issued up to this instant is refused (all tokens). */
    tokensNotBefore: z.iso.datetime().optional(),
  }),
  handle: async ({ deps, principal, params, body }) => {
    await requireAdministrableAccount(deps, {
      principal,
      userId: params.userId,
      action: 'revoke_tokens',
    })
    const actor = actorOf(principal)
    if (body?.jti !== undefined) {
      const result = await revokeToken(deps, { actor, tokenId: body.jti, userId: params.userId })
      return { ...result, revoked: 'token' as const }
    }
    const result = await revokeAllTokens(deps, { actor, userId: params.userId })
    return {
      account: result.account,
      revoked: 'all' as const,
      changed: true,
      tokensNotBefore: result.tokensNotBefore.toISOString(),
    }
  },
})

export const accountLockoutRoutes = [
  disableAccountRoute,
  enableAccountRoute,
  resetPasswordRoute,
  endSessionsRoute,
  revokeTokensRoute,
]
