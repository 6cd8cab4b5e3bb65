import { AccountError } from '../../accounts/account-error.ts'
import type { User } from '../../accounts/account-schemas.ts'
import type { Actor } from '../../audit/audit-event.ts'
import { findUserWithTokensNotBefore } from '../../db/account-repository.ts'
import { insertApiToken, purgeExpiredApiTokens } from '../../db/api-token-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { isRevokedByNotBefore, issueToken } from '../auth/tokens.ts'
import type { Deps } from '../deps.ts'

export interface IssuedApiToken {
  account: User
  token: string
  /** The `jti`: what `brucke token revoke --jti` and the admin take to revoke this token alone. */
  tokenId: string
  expiresAt: Date
}

/**
 * Issues an API bearer token for an account, registers its id (so it can be revoked alone) and
 * audits it, in one transaction. TOKEN_TTL_MINUTES is the longest lifetime the gateway accepts,
 * so a shorter `ttlMinutes` may be asked for, never a longer one.
 */
export async function issueApiToken(
  deps: Pick<Deps, 'db' | 'clock' | 'ids' | 'config'>,
  input: { actor: Actor; userId: string; ttlMinutes?: number },
): Promise<IssuedApiToken> {
  const maxTtl = deps.config.tokenTtlMinutes
  const ttlMinutes = input.ttlMinutes ?? maxTtl
  if (ttlMinutes > maxTtl)
    throw new AccountError(
      'ERR_ACCOUNT_TOKEN_TTL_TOO_LONG',
      `A token may live at most ${maxTtl} minutes (TOKEN_TTL_MINUTES); the gateway refuses longer ones.`,
    )
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const found = await findUserWithTokensNotBefore(trx, input.userId)
    if (!found) throw new AccountError('ERR_ACCOUNT_NOT_FOUND', `No account ${input.userId}.`)
    const { user } = found
    if (user.disabled)
      throw new AccountError('ERR_ACCOUNT_DISABLED', `Account ${user.id} is disabled.`)
    const issued = await issueToken({
      key: deps.config.secrets.tokenKey,
      userId: user.id,
      role: user.role,
      agencyId: user.agencyId,
      now,
      ttlMinutes,
      tokenId: deps.ids.newId('tok'),
    })
    // `iat` has whole seconds: a token issued in the second of a "revoke all" would be refused
    // at once. Say so instead of printing a token that does not work.
    if (isRevokedByNotBefore(issued.issuedAt, found.tokensNotBefore))
      throw new AccountError(
        'ERR_ACCOUNT_TOKENS_JUST_REVOKED',
        `The tokens of ${user.id} were revoked this very second; issue the new token a second later.`,
      )
    await purgeExpiredApiTokens(trx, now)
    await insertApiToken(trx, {
      tokenId: issued.tokenId,
      userId: user.id,
      issuedAt: issued.issuedAt,
      expiresAt: issued.expiresAt,
    })
    await appendAuditEvent(trx, {
      at: now,
      actor: input.actor,
      event: {
        type: 'token_issued',
        userId: user.id,
        expiresAt: issued.expiresAt.toISOString(),
        tokenId: issued.tokenId,
      },
    })
    return {
      account: user,
      token: issued.token,
      tokenId: issued.tokenId,
      expiresAt: issued.expiresAt,
    }
  })
}
