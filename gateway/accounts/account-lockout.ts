import type { Transaction } from 'kysely'
import { AccountError } from '../../accounts/account-error.ts'
import type { User } from '../../accounts/account-schemas.ts'
import { checkDisableAllowed } from '../../accounts/disable-rule.ts'
import type { Actor } from '../../audit/audit-event.ts'
import {
  findUserWithTokensNotBefore,
  listEnabledAdminIds,
  setTokensNotBefore,
  setUserDisabled,
  updatePasswordHash,
} from '../../db/account-repository.ts'
import {
  findApiToken,
  purgeExpiredApiTokens,
  revokeApiToken,
  revokeApiTokensOfUser,
} from '../../db/api-token-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import {
  clearKioskState,
  clearPushedDraft,
  findKioskState,
  findPushedDraft,
} from '../../db/kiosk-repository.ts'
import type { Tables } from '../../db/tables.ts'
import { generatePassword, hashPassword } from '../auth/password.ts'
import { endSessionsOfUser } from '../auth/sessions.ts'
import type { Deps } from '../deps.ts'

/*
 * Taking access away (docs/design.md §3.6: "accounts, sessions, kiosk devices and tokens can be
 * disabled or revoked at once"). Each use case runs in one transaction with its audit entry, so
 * a lockout is either complete and audited or did not happen. A lost kiosk tablet or a leaked
 * token is locked out by one call: `disableAccount` ends the sessions, revokes every token and
 * wipes the kiosk's state; `revokeAllTokens` / `revokeToken` for a token alone.
 */

type LockoutDeps = Pick<Deps, 'db' | 'clock' | 'database'>
type Executor = Transaction<Tables>

export interface AccountInput {
  actor: Actor
  userId: string
}

async function requireAccount(
  trx: Executor,
  userId: string,
): Promise<{ user: User; tokensNotBefore: Date | null }> {
  const found = await findUserWithTokensNotBefore(trx, userId)
  if (!found) throw new AccountError('ERR_ACCOUNT_NOT_FOUND', `No account ${userId}.`)
  return found
}

function agencyOf(user: User): { agencyId?: string } {
  return user.agencyId ? { agencyId: user.agencyId } : {}
}

/**
 * Refuses every token of the account issued up to `at` and marks its registered tokens revoked.
 * The instant never moves back (a CLI host whose clock lags must not revive tokens a revocation
 * on the server already refused).
 */
async function revokeTokensUpTo(
  trx: Executor,
  account: { user: User; tokensNotBefore: Date | null },
  at: Date,
): Promise<Date> {
  const notBefore =
    account.tokensNotBefore && account.tokensNotBefore > at ? account.tokensNotBefore : at
  await setTokensNotBefore(trx, account.user.id, notBefore)
  await revokeApiTokensOfUser(trx, account.user.id, at)
  await purgeExpiredApiTokens(trx, at)
  return notBefore
}

export interface DisableResult {
  account: User
  /** False when the account was disabled already (nothing done, nothing audited). */
  changed: boolean
  sessionsEnded: number
  tokensNotBefore: Date | null
}

/**
 * Disables an account: it can no longer sign in, its sessions end, every token issued so far is
 * refused, and for a kiosk device the person's session on it and a draft pushed to it are wiped.
 * `protectLastAdmin` (page and API) refuses to disable the last enabled admin.
 */
export async function disableAccount(
  deps: LockoutDeps,
  input: AccountInput & { protectLastAdmin: boolean },
): Promise<DisableResult> {
  const at = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const account = await requireAccount(trx, input.userId)
    const { user } = account
    if (user.disabled)
      return {
        account: user,
        changed: false,
        sessionsEnded: 0,
        tokensNotBefore: account.tokensNotBefore,
      }
    if (user.role === 'admin') {
      const enabledAdminIds = await listEnabledAdminIds(trx, {
        lock: deps.database.dialect === 'postgres',
      })
      checkDisableAllowed({
        target: user,
        enabledAdminIds,
        protectLastAdmin: input.protectLastAdmin,
      })
    }
    await setUserDisabled(trx, user.id, true)
    const sessionsEnded = await endSessionsOfUser(trx, user.id)
    const tokensNotBefore = await revokeTokensUpTo(trx, account, at)
    let kioskCleared: boolean | undefined
    if (user.role === 'kiosk') {
      kioskCleared =
        (await findKioskState(trx, user.id)) !== undefined ||
        (await findPushedDraft(trx, user.id)) !== undefined
      await clearKioskState(trx, user.id)
      await clearPushedDraft(trx, user.id)
    }
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: {
        type: 'account_disabled',
        userId: user.id,
        role: user.role,
        ...agencyOf(user),
        sessionsEnded,
        tokensNotBefore: tokensNotBefore.toISOString(),
        ...(kioskCleared === undefined ? {} : { kioskCleared }),
      },
    })
    return { account: { ...user, disabled: true }, changed: true, sessionsEnded, tokensNotBefore }
  })
}

/**
 * Enables a disabled account. Its old tokens stay revoked (enabling is no amnesty for a leaked
 * token): the holder signs in again or gets a new token.
 */
export async function enableAccount(
  deps: LockoutDeps,
  input: AccountInput,
): Promise<{ account: User; changed: boolean }> {
  const at = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const { user } = await requireAccount(trx, input.userId)
    if (!user.disabled) return { account: user, changed: false }
    await setUserDisabled(trx, user.id, false)
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: { type: 'account_enabled', userId: user.id, role: user.role, ...agencyOf(user) },
    })
    return { account: { ...user, disabled: false }, changed: true }
  })
}

export interface PasswordResetResult {
  account: User
  /** The new password, in clear this once; only its scrypt hash is stored. */
  password: string
  sessionsEnded: number
  tokensNotBefore: Date
}

/**
 * Sets a newly generated password, ends every session and revokes every token — whoever knew the
 * old password may have signed in or fetched a token with it.
 */
export async function resetPassword(
  deps: LockoutDeps,
  input: AccountInput,
): Promise<PasswordResetResult> {
  const password = generatePassword()
  // scrypt takes a while; hash before the transaction so no lock is held meanwhile.
  const passwordHash = await hashPassword(password)
  const at = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const account = await requireAccount(trx, input.userId)
    const { user } = account
    await updatePasswordHash(trx, user.id, passwordHash)
    const sessionsEnded = await endSessionsOfUser(trx, user.id)
    const tokensNotBefore = await revokeTokensUpTo(trx, account, at)
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: {
        type: 'password_reset',
        userId: user.id,
        ...agencyOf(user),
        sessionsEnded,
        tokensNotBefore: tokensNotBefore.toISOString(),
      },
    })
    return { account: user, password, sessionsEnded, tokensNotBefore }
  })
}

/** Ends every browser session of the account (all devices); it may sign in again. */
export async function endAllSessions(
  deps: LockoutDeps,
  input: AccountInput,
): Promise<{ account: User; sessionsEnded: number }> {
  const at = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const { user } = await requireAccount(trx, input.userId)
    const sessionsEnded = await endSessionsOfUser(trx, user.id)
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: { type: 'sessions_ended', userId: user.id, ...agencyOf(user), sessionsEnded },
    })
    return { account: user, sessionsEnded }
  })
}

/** Refuses every token of the account issued up to now; tokens issued later work. */
export async function revokeAllTokens(
  deps: LockoutDeps,
  input: AccountInput,
): Promise<{ account: User; tokensNotBefore: Date }> {
  const at = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const account = await requireAccount(trx, input.userId)
    const { user } = account
    const tokensNotBefore = await revokeTokensUpTo(trx, account, at)
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: {
        type: 'tokens_revoked',
        userId: user.id,
        ...agencyOf(user),
        tokensNotBefore: tokensNotBefore.toISOString(),
      },
    })
    return { account: user, tokensNotBefore }
  })
}

/**
 * Revokes one token by its `jti`. With `userId` (the API's path) the token must be that
 * account's; an unknown, expired or other account's token id is the same not-found.
 */
export async function revokeToken(
  deps: LockoutDeps,
  input: { actor: Actor; tokenId: string; userId?: string },
): Promise<{ account: User; tokenId: string; changed: boolean }> {
  const at = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    if (input.userId !== undefined) await requireAccount(trx, input.userId)
    const token = await findApiToken(trx, input.tokenId)
    if (
      !token ||
      (input.userId !== undefined && token.userId !== input.userId) ||
      token.expiresAt <= at.toISOString()
    )
      throw new AccountError(
        'ERR_ACCOUNT_TOKEN_NOT_FOUND',
        `No live token ${input.tokenId}${input.userId ? ` of account ${input.userId}` : ''} (an expired token needs no revocation).`,
      )
    const { user } = await requireAccount(trx, token.userId)
    if (token.revokedAt !== null) return { account: user, tokenId: token.tokenId, changed: false }
    await revokeApiToken(trx, token.tokenId, at)
    await purgeExpiredApiTokens(trx, at)
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: { type: 'token_revoked', userId: user.id, ...agencyOf(user), tokenId: token.tokenId },
    })
    return { account: user, tokenId: token.tokenId, changed: true }
  })
}
