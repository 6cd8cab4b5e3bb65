import { z } from 'zod'
import type { Deps } from '../deps.ts'

/*
 * Read-only queries of the consent area's tables for the DPO (reports, re-identification). The
 * consent area owns these tables; nothing here writes to them.
 */

const roles = z.array(z.string())

export interface ExpiringConsent {
  consentId: string
  subjectPseudonym: string
  validUntil: string
  agencyId: string
}

/**
 * Active consents whose validity ends within `days` after `now` (active: every required
 * signatory signed, not revoked, renewed, discarded or used up), optionally only those an agency is a
 * party to or prepared.
 */
export async function listConsentsExpiringSoon(
  deps: Deps,
  input: { now: Date; days: number; agencyId?: string },
): Promise<ExpiringConsent[]> {
  const until = new Date(input.now.getTime() + input.days * 86_400_000).toISOString()
  let query = deps.db
    .selectFrom('consents')
    .select([
      'id',
      'subject_pseudonym',
      'valid_until',
      'valid_end_at',
      'created_by_agency_id',
      'required_signatories',
      'signed_roles',
    ])
    .where('valid_end_at', '>', input.now.toISOString())
    .where('valid_end_at', '<=', until)
    .where('revoked_at', 'is', null)
    // Ended by a signed renewal: the renewal is what runs on (issue 18 point 5).
    .where('renewed_at', 'is', null)
    .where('discarded_at', 'is', null)
    .where('used_by_transfer_id', 'is', null)
  if (input.agencyId !== undefined) {
    const agencyId = input.agencyId
    query = query.where((eb) =>
      eb.or([
        eb('created_by_agency_id', '=', agencyId),
        eb(
          'id',
          'in',
          eb.selectFrom('consent_parties').select('consent_id').where('agency_id', '=', agencyId),
        ),
      ]),
    )
  }
  const rows = await query.orderBy('valid_end_at').execute()
  return rows
    .filter((row) => {
      const required = roles.parse(JSON.parse(row.required_signatories))
      const signed = new Set(roles.parse(JSON.parse(row.signed_roles)))
      return required.every((role) => signed.has(role))
    })
    .map((row) => ({
      consentId: row.id,
      subjectPseudonym: row.subject_pseudonym,
      validUntil: row.valid_until,
      agencyId: row.created_by_agency_id,
    }))
}

export interface SubjectIdentity {
  givenName: string
  familyName: string
  birthDate: string
}

/**
 * The person behind a pseudonym, from the consent store — for a DPO bound to one agency only
 * when that agency is a party to (or prepared) one of the subject's consents.
 */
export async function findSubjectIdentity(
  deps: Deps,
  input: { pseudonym: string; agencyId?: string },
): Promise<SubjectIdentity | undefined> {
  if (input.agencyId !== undefined) {
    const agencyId = input.agencyId
    const linked = await deps.db
      .selectFrom('consents')
      .select(['id', 'subject_given_name', 'subject_family_name', 'subject_birth_date'])
      .where('subject_pseudonym', '=', input.pseudonym)
      .where((eb) =>
        eb.or([
          eb('created_by_agency_id', '=', agencyId),
          eb(
            'id',
            'in',
            eb.selectFrom('consent_parties').select('consent_id').where('agency_id', '=', agencyId),
          ),
        ]),
      )
      .limit(1)
      .executeTakeFirst()
    if (!linked) return undefined
    // The spelling the DPO's own agency recorded, never another agency's.
    if (
      linked.subject_given_name !== null &&
      linked.subject_family_name !== null &&
      linked.subject_birth_date !== null
    )
      return {
        givenName: linked.subject_given_name,
        familyName: linked.subject_family_name,
        birthDate: linked.subject_birth_date,
      }
  }
  const row = await deps.db
    .selectFrom('consent_subjects')
    .select(['given_name', 'family_name', 'birth_date'])
    .where('pseudonym', '=', input.pseudonym)
    .executeTakeFirst()
  return row
    ? { givenName: row.given_name, familyName: row.family_name, birthDate: row.birth_date }
    : undefined
}
