import type { Agency } from '../../accounts/account-schemas.ts'
import type { Actor } from '../../audit/audit-event.ts'
import { findAgency } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { updateAgencyProfile } from '../../db/federation-repository.ts'
import type { Deps } from '../deps.ts'
import { ApiError } from '../http/api-error.ts'

/**
 * Changes the S/MIME recipient profile of an agency (docs/design.md §3.4: `modern` AES-GCM,
 * `compatible` AES-CBC with RSA key transport), hosted or partner — e.g. when a partner's
 * gateway cannot read AuthEnvelopedData yet. Audited in the same transaction; the relay
 * keyring picks it up within its cache time.
 */
export async function setAgencyProfile(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: { actor: Actor; agencyId: string; profile: Agency['smimeProfile'] },
): Promise<{ agency: Agency; changed: boolean }> {
  const at = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const agency = await findAgency(trx, input.agencyId)
    if (agency === undefined) throw new ApiError('not_found', `No agency ${input.agencyId}.`)
    if (agency.smimeProfile === input.profile) return { agency, changed: false }
    await updateAgencyProfile(trx, agency.id, input.profile)
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: {
        type: 'agency_profile_changed',
        agencyId: agency.id,
        from: agency.smimeProfile,
        to: input.profile,
      },
    })
    return { agency: { ...agency, smimeProfile: input.profile }, changed: true }
  })
}
