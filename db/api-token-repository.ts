import type { Kysely, Transaction } from 'kysely'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

/** An API token Brücke issued, by its `jti` (never the token itself). */
export interface ApiTokenRecord {
  tokenId: string
  userId: string
  issuedAt: string
  expiresAt: string
  revokedAt: string | null
}

function toRecord(row: Tables['api_tokens']): ApiTokenRecord {
  return {
    tokenId: row.jti,
    userId: row.user_id,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  }
}

export async function insertApiToken(
  db: Executor,
  token: { tokenId: string; userId: string; issuedAt: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({
      jti: token.tokenId,
      user_id: token.userId,
      issued_at: token.issuedAt.toISOString(),
      expires_at: token.expiresAt.toISOString(),
      revoked_at: null,
    })
    .execute()
}

export async function findApiToken(
  db: Executor,
  tokenId: string,
): Promise<ApiTokenRecord | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('jti', '=', tokenId)
    .executeTakeFirst()
  return row ? toRecord(row) : undefined
}

export async function revokeApiToken(db: Executor, tokenId: string, at: Date): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: at.toISOString() })
    .where('jti', '=', tokenId)
    .where('revoked_at', 'is', null)
    .execute()
}

/** Marks every registered, unrevoked token of the account revoked; returns how many. */
export async function revokeApiTokensOfUser(
  db: Executor,
  userId: string,
  at: Date,
): Promise<number> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: at.toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/**
 * Removes the rows of expired tokens: an expired token is refused by its `exp` alone, so its row
 * (revoked or not) has nothing left to say.
 */
export async function purgeExpiredApiTokens(db: Executor, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('api_tokens')
    .where('expires_at', '<=', now.toISOString())
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Tokens still usable at `now` (not revoked, not expired), by account and issue time. */
export async function listLiveApiTokens(db: Executor, now: Date): Promise<ApiTokenRecord[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .orderBy('user_id')
    .orderBy('issued_at')
    .execute()
  return rows.map(toRecord)
}
