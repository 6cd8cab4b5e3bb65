import {
  newAgencySchema,
  newUserSchema,
  type Agency,
  type NewAgency,
  type NewUser,
  type User,
} from '../../accounts/account-schemas.ts'
import type { Actor } from '../../audit/audit-event.ts'
import {
  findAgency,
  findAgencyByMailbox,
  findUser,
  insertAgency,
  insertUser,
} from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import type { Deps } from '../deps.ts'
import { ApiError } from '../http/api-error.ts'
import { hashPassword } from '../auth/password.ts'

export async function addAgency(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: { actor: Actor; agency: NewAgency },
): Promise<Agency> {
  const agency = newAgencySchema.parse({
    ...input.agency,
    mailbox: input.agency.mailbox.toLowerCase(),
  })
  const at = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    if (await findAgency(trx, agency.id))
      throw new ApiError('conflict', `Agency ${agency.id} already exists.`)
    if (await findAgencyByMailbox(trx, agency.mailbox))
      throw new ApiError('conflict', `The mailbox ${agency.mailbox} belongs to another agency.`)
    await insertAgency(trx, agency, at)
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: { type: 'agency_added', agencyId: agency.id, kind: agency.kind },
    })
  })
  return agency
}

export async function addUser(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: { actor: Actor; user: NewUser },
): Promise<User> {
  const parsed = newUserSchema.parse(input.user)
  const passwordHash = await hashPassword(parsed.password)
  const at = deps.clock.now()
  const user: User = {
    id: parsed.id,
    displayName: parsed.displayName,
    role: parsed.role,
    agencyId: parsed.agencyId,
    allAgencies: parsed.allAgencies,
    disabled: false,
  }
  await deps.db.transaction().execute(async (trx) => {
    if (await findUser(trx, user.id))
      throw new ApiError('conflict', `Account ${user.id} already exists.`)
    if (user.agencyId !== null && !(await findAgency(trx, user.agencyId))) {
      throw new ApiError('validation_failed', `Agency ${user.agencyId} does not exist.`, {
        details: {
          issues: [{ path: 'agencyId', code: 'unknown_agency', message: 'unknown agency' }],
        },
      })
    }
    await insertUser(trx, { ...user, passwordHash }, at)
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: {
        type: 'user_added',
        userId: user.id,
        role: user.role,
        ...(user.agencyId ? { agencyId: user.agencyId } : {}),
      },
    })
  })
  return user
}
