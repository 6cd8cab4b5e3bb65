import type { Actor } from '../../audit/audit-event.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import type { Deps } from '../deps.ts'
import { findSubjectIdentity, type SubjectIdentity } from './consent-lookups.ts'

export interface ReidentifyInput {
  actor: Actor
  subjectPseudonym: string
  statedReason: string
  /** Set for a DPO bound to one agency: only subjects of that agency's consents resolve. */
  agencyId?: string
}

/**
 * Re-identification of a pseudonym (docs/design.md §3.5): a deliberate DPO action with a stated
 * reason. The lookup and its `pseudonym_resolved` entry share one transaction, so nobody sees a
 * name without the log showing who asked, when and why — also when nothing was found.
 */
export async function reidentifySubject(
  deps: Deps,
  input: ReidentifyInput,
): Promise<{ subject: SubjectIdentity | undefined; auditSeq: number }> {
  return deps.db.transaction().execute(async (trx) => {
    const scoped: Deps = { ...deps, db: trx }
    const subject = await findSubjectIdentity(scoped, {
      pseudonym: input.subjectPseudonym,
      ...(input.agencyId !== undefined ? { agencyId: input.agencyId } : {}),
    })
    const entry = await appendAuditEvent(trx, {
      at: deps.clock.now(),
      actor: input.actor,
      event: {
        type: 'pseudonym_resolved',
        subjectPseudonym: input.subjectPseudonym,
        statedReason: input.statedReason,
        ...(input.agencyId !== undefined ? { agencyId: input.agencyId } : {}),
        found: subject !== undefined,
      },
    })
    return { subject, auditSeq: entry.seq }
  })
}
