import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Tables } from '../../db/tables.ts'

export const sessionCookieName = 'brucke_session'
const absoluteLifetimeMs = 10 * 60 * 60 * 1000

export interface BrowserSession {
  userId: string
  csrfToken: string
}

function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export async function createSession(
  db: Kysely<Tables>,
  userId: string,
  now: Date,
): Promise<{ token: string; csrfToken: string }> {
  const token = randomBytes(32).toString('base64url')
  const csrfToken = randomBytes(24).toString('base64url')
  await db
    .insertInto('sessions')
    .values({
      id_hash: hashSessionToken(token),
      user_id: userId,
      csrf_token: csrfToken,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + absoluteLifetimeMs).toISOString(),
    })
    .execute()
  return { token, csrfToken }
}

/**
 * Finds a live session and refreshes its idle timer; an idle or expired session is removed.
 * `refresh: false` (a page's background poll) leaves the timer alone, so an open page nobody
 * uses still ends its session after `SESSION_IDLE_MINUTES`.
 */
export async function touchSession(
  db: Kysely<Tables>,
  token: string,
  now: Date,
  idleMinutes: number,
  options: { refresh?: boolean } = {},
): Promise<BrowserSession | undefined> {
  const idHash = hashSessionToken(token)
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id_hash', '=', idHash)
    .executeTakeFirst()
  if (!row) return undefined
  const idleLimit = new Date(row.last_seen_at).getTime() + idleMinutes * 60_000
  if (now.toISOString() >= row.expires_at || now.getTime() >= idleLimit) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute()
    return undefined
  }
  if (options.refresh !== false && now.getTime() - new Date(row.last_seen_at).getTime() > 15_000) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now.toISOString() })
      .where('id_hash', '=', idHash)
      .execute()
  }
  return { userId: row.user_id, csrfToken: row.csrf_token }
}

export async function endSession(db: Kysely<Tables>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', hashSessionToken(token)).execute()
}

/** Ends every browser session of the account (all devices); returns how many there were. */
export async function endSessionsOfUser(db: Kysely<Tables>, userId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst()
  return Number(result.numDeletedRows)
}
