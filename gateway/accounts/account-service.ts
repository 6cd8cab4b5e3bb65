import { createHash } from 'node:crypto'
import {
  newAgencySchema,
  newUserSchema,
  privacyNoticeSchema,
  type Agency,
  type NewAgency,
  type NewUser,
  type PrivacyNotice,
  type User,
} from '../../accounts/account-schemas.ts'
import type { Actor } from '../../audit/audit-event.ts'
import {
  findAgency,
  findAgencyByMailbox,
  findUser,
  insertAgency,
  insertUser,
  updateAgencyPrivacyNotice,
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
      event: {
        type: 'agency_added',
        agencyId: agency.id,
        kind: agency.kind,
        ...(agency.privacyNotice
          ? { privacyNoticeSha256: privacyNoticeSha256(agency.privacyNotice) }
          : {}),
      },
    })
  })
  return agency
}

function privacyNoticeSha256(notice: PrivacyNotice): string {
  const canonical = JSON.stringify([
    notice.controller,
    notice.dpoContact,
    notice.supervisoryAuthority,
  ])
  return createHash('sha256').update(canonical, 'utf8').digest('hex')
}

/**
 * Enters or changes what an agency tells a person under Art. 13 GDPR (controller, data
 * protection officer, supervisory authority). New drafts copy it into their text; consents
 * drafted before keep the information they were drafted with.
 */
export async function setAgencyPrivacyNotice(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: { actor: Actor; agencyId: string; notice: PrivacyNotice },
): Promise<Agency> {
  const notice = privacyNoticeSchema.parse(input.notice)
  const at = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    if (!(await updateAgencyPrivacyNotice(trx, input.agencyId, notice)))
      throw new ApiError('not_found', `There is no agency ${input.agencyId}.`)
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: {
        type: 'agency_privacy_notice_set',
        agencyId: input.agencyId,
        noticeSha256: privacyNoticeSha256(notice),
      },
    })
    const agency = await findAgency(trx, input.agencyId)
    if (!agency) throw new Error('updated agency vanished')
    return agency
  })
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
