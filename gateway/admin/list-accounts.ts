import { userSchema, type User } from '../../accounts/account-schemas.ts'
import type { Deps } from '../deps.ts'

/** Every account (users and kiosk devices) for the admin page, by role and id. */
export async function listAllAccounts(deps: Pick<Deps, 'db'>): Promise<User[]> {
  const rows = await deps.db
    .selectFrom('users')
    .select(['id', 'display_name', 'role', 'agency_id', 'all_agencies', 'disabled'])
    .orderBy('role')
    .orderBy('id')
    .execute()
  return rows.map((row) =>
    userSchema.parse({
      id: row.id,
      displayName: row.display_name,
      role: row.role,
      agencyId: row.agency_id,
      allAgencies: Number(row.all_agencies) === 1,
      disabled: Number(row.disabled) === 1,
    }),
  )
}
