import type { Kysely, Transaction } from 'kysely'
import {
  agencySchema,
  userSchema,
  type Agency,
  type PrivacyNotice,
  type User,
} from '../accounts/account-schemas.ts'
import { preparedQuery } from './prepared-query.ts'
import type { AgencyTable, UserTable } from './tables/account-tables.ts'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

function toAgency(row: AgencyTable): Agency {
  return agencySchema.parse({
    id: row.id,
    name: row.name,
    kind: row.kind,
    mailbox: row.mailbox,
    smimeProfile: row.smime_profile,
    privacyNotice:
      row.controller !== null && row.dpo_contact !== null && row.supervisory_authority !== null
        ? {
            controller: row.controller,
            dpoContact: row.dpo_contact,
            supervisoryAuthority: row.supervisory_authority,
          }
        : null,
  })
}

function toUser(row: UserTable): User {
  return userSchema.parse({
    id: row.id,
    displayName: row.display_name,
    role: row.role,
    agencyId: row.agency_id,
    allAgencies: Number(row.all_agencies) === 1,
    disabled: Number(row.disabled) === 1,
  })
}

export async function insertAgency(db: Executor, agency: Agency, at: Date): Promise<void> {
  await db
    .insertInto('agencies')
    .values({
      id: agency.id,
      name: agency.name,
      kind: agency.kind,
      mailbox: agency.mailbox,
      smime_profile: agency.smimeProfile,
      hosted: 1,
      created_at: at.toISOString(),
      controller: agency.privacyNotice?.controller ?? null,
      dpo_contact: agency.privacyNotice?.dpoContact ?? null,
      supervisory_authority: agency.privacyNotice?.supervisoryAuthority ?? null,
    })
    .execute()
}

/** Sets the Art. 13 GDPR information of an agency; false when there is no such agency. */
export async function updateAgencyPrivacyNotice(
  db: Executor,
  agencyId: string,
  notice: PrivacyNotice,
): Promise<boolean> {
  const result = await db
    .updateTable('agencies')
    .set({
      controller: notice.controller,
      dpo_contact: notice.dpoContact,
      supervisory_authority: notice.supervisoryAuthority,
    })
    .where('id', '=', agencyId)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export async function listAgencies(db: Executor): Promise<Agency[]> {
  const rows = await db.selectFrom('agencies').selectAll().orderBy('id').execute()
  return rows.map(toAgency)
}

export async function findAgency(db: Executor, id: string): Promise<Agency | undefined> {
  const row = await db.selectFrom('agencies').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? toAgency(row) : undefined
}

/** Several agencies by id in one statement, keyed by id (an unknown id is absent). */
export async function findAgencies(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, Agency>> {
  const rows = await db
    .selectFrom('agencies')
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .execute()
  return new Map(rows.map((row) => [row.id, toAgency(row)]))
}

export async function findAgencyByMailbox(
  db: Executor,
  mailbox: string,
): Promise<Agency | undefined> {
  const row = await db
    .selectFrom('agencies')
    .selectAll()
    .where('mailbox', '=', mailbox.toLowerCase())
    .executeTakeFirst()
  return row ? toAgency(row) : undefined
}

export async function insertUser(
  db: Executor,
  user: User & { passwordHash: string | null },
  at: Date,
): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      display_name: user.displayName,
      role: user.role,
      agency_id: user.agencyId,
      all_agencies: user.allAgencies ? 1 : 0,
      password_hash: user.passwordHash,
      disabled: user.disabled ? 1 : 0,
      created_at: at.toISOString(),
    })
    .execute()
}

export async function findUser(db: Executor, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? toUser(row) : undefined
}

export async function findUserWithPasswordHash(
  db: Executor,
  id: string,
): Promise<{ user: User; passwordHash: string | null } | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? { user: toUser(row), passwordHash: row.password_hash } : undefined
}

export async function listUsersOfAgency(db: Executor, agencyId: string): Promise<User[]> {
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .where('agency_id', '=', agencyId)
    .orderBy('id')
    .execute()
  return rows.map(toUser)
}

export async function updatePasswordHash(
  db: Executor,
  userId: string,
  passwordHash: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash })
    .where('id', '=', userId)
    .execute()
}

export async function readSetting(db: Executor, key: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst()
  return row?.value
}

export async function writeSetting(
  db: Executor,
  key: string,
  value: string,
  at: Date,
): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value, updated_at: at.toISOString() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at.toISOString() }))
    .execute()
}

// Runs on every request with a bearer token: built once, then only run (prepared-query.ts).
const tokenHolderQuery = preparedQuery<{ userId: string; tokenId: string }>()((db, slot) =>
  db
    .selectFrom('users')
    .selectAll('users')
    .select((eb) =>
      eb
        .selectFrom('api_tokens')
        .select('api_tokens.revoked_at')
        .where('api_tokens.jti', '=', slot('tokenId'))
        .whereRef('api_tokens.user_id', '=', 'users.id')
        .as('token_revoked_at'),
    )
    .where('users.id', '=', slot('userId')),
)

/**
 * What a bearer token needs checked per request, in one query: the account, the instant up to
 * which its tokens are revoked, and whether this token's id was revoked on its own.
 */
export async function findTokenHolder(
  db: Executor,
  input: { userId: string; tokenId: string },
): Promise<{ user: User; tokensNotBefore: Date | null; tokenRevoked: boolean } | undefined> {
  const [row] = await tokenHolderQuery.execute(db, input)
  if (!row) return undefined
  const { token_revoked_at: tokenRevokedAt, ...user } = row
  return {
    user: toUser(user),
    tokensNotBefore: user.tokens_not_before ? new Date(user.tokens_not_before) : null,
    tokenRevoked: tokenRevokedAt !== null && tokenRevokedAt !== undefined,
  }
}

/** The account and the instant up to which its tokens are revoked (null: none revoked so). */
export async function findUserWithTokensNotBefore(
  db: Executor,
  id: string,
): Promise<{ user: User; tokensNotBefore: Date | null } | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) return undefined
  return {
    user: toUser(row),
    tokensNotBefore: row.tokens_not_before ? new Date(row.tokens_not_before) : null,
  }
}

export async function setUserDisabled(
  db: Executor,
  userId: string,
  disabled: boolean,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ disabled: disabled ? 1 : 0 })
    .where('id', '=', userId)
    .execute()
}

/** Revokes every token of the account issued up to `at` (see gateway/auth/tokens.ts). */
export async function setTokensNotBefore(db: Executor, userId: string, at: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({ tokens_not_before: at.toISOString() })
    .where('id', '=', userId)
    .execute()
}

/**
 * Ids of the enabled admins. With `lock` (PostgreSQL) their rows stay locked until the
 * transaction ends, so two admins disabling each other at once cannot both pass the last-admin
 * check; SQLite runs one write transaction at a time anyway.
 */
export async function listEnabledAdminIds(
  db: Executor,
  options: { lock: boolean },
): Promise<string[]> {
  let query = db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .orderBy('id')
  if (options.lock) query = query.forUpdate()
  const rows = await query.execute()
  return rows.map((row) => row.id)
}
