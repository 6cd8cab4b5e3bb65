import type { Kysely, Transaction } from 'kysely'
import { agencySchema, userSchema, type Agency, type User } from '../accounts/account-schemas.ts'
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
      created_at: at.toISOString(),
    })
    .execute()
}

export async function listAgencies(db: Executor): Promise<Agency[]> {
  const rows = await db.selectFrom('agencies').selectAll().orderBy('id').execute()
  return rows.map(toAgency)
}

export async function findAgency(db: Executor, id: string): Promise<Agency | undefined> {
  const row = await db.selectFrom('agencies').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? toAgency(row) : undefined
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
