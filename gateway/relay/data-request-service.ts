import { z } from 'zod'
import { identifierSchema } from '../../accounts/account-schemas.ts'
import { decide } from '../../consent/decide.ts'
import { termIdSchema } from '../../consent/vocabulary.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { findConsentFacts } from '../../db/consent-repository.ts'
import {
  findDataRequest,
  insertDataRequest,
  listDataRequests,
  type DataRequestRecord,
} from '../../db/data-request-repository.ts'
import type { Deps } from '../deps.ts'
import { RelayError } from './relay-error.ts'
import type { TransferCaller } from './transfer-service.ts'

export const dataRequestInputSchema = z.strictObject({
  consentId: z.string().min(1).max(64),
  /** The agency asked for the data. */
  from: identifierSchema,
  purpose: termIdSchema,
  categories: z.array(termIdSchema).min(1).max(40),
})
export type DataRequestInput = z.infer<typeof dataRequestInputSchema>

export const dataRequestViewSchema = z.strictObject({
  id: z.string(),
  status: z.enum(['open', 'answered']),
  requesterAgencyId: z.string(),
  holderAgencyId: z.string(),
  consentId: z.string(),
  purpose: z.string(),
  categories: z.array(z.string()),
  answeredByTransferId: z.string().nullable(),
  createdAt: z.string(),
  answeredAt: z.string().nullable(),
  /** Whether the consent covers the holder sending exactly this now (a dry-run decision). */
  consentCovers: z.boolean(),
  reasons: z.array(z.string()),
})
export type DataRequestView = z.infer<typeof dataRequestViewSchema>

async function viewOf(
  deps: Pick<Deps, 'db' | 'clock'>,
  r: DataRequestRecord,
): Promise<DataRequestView> {
  const facts = await findConsentFacts(deps.db, r.consentId)
  const decision = decide(
    {
      subjectPseudonym: r.subjectPseudonym,
      from: r.holderAgencyId,
      staffAgencyId: r.holderAgencyId,
      to: r.requesterAgencyId,
      purpose: r.purpose,
      categories: r.categories,
      dryRun: true,
    },
    facts ? [facts] : [],
    deps.clock.now(),
  )
  return {
    id: r.id,
    status: r.status,
    requesterAgencyId: r.requesterAgencyId,
    holderAgencyId: r.holderAgencyId,
    consentId: r.consentId,
    purpose: r.purpose,
    categories: r.categories,
    answeredByTransferId: r.answeredByTransferId,
    createdAt: r.createdAt,
    answeredAt: r.answeredAt,
    consentCovers: decision.decision === 'permit',
    reasons: [...decision.reasons],
  }
}

/**
 * Staff of agency A ask agency B for named categories for a purpose under a consent both are
 * party to (DESIGN.md §3.3 (5), the "Anschreiben an das Jugendamt"). A consent A is no party
 * to is "not found". Only metadata is stored; the answer is a transfer referencing the request.
 */
export async function createDataRequest(
  deps: Pick<Deps, 'db' | 'clock' | 'ids'>,
  input: { caller: TransferCaller; request: DataRequestInput },
): Promise<DataRequestView> {
  const { caller, request } = input
  const facts = await findConsentFacts(deps.db, request.consentId)
  if (
    !facts ||
    !(facts.senders.includes(caller.agencyId) || facts.recipients.includes(caller.agencyId))
  )
    throw new RelayError('ERR_RELAY_REQUEST_NOT_FOUND', 'No such consent of your agency.')
  const now = deps.clock.now()
  const record = {
    id: deps.ids.newId('req'),
    requesterAgencyId: caller.agencyId,
    requesterStaffId: caller.userId,
    holderAgencyId: request.from,
    consentId: facts.id,
    subjectPseudonym: facts.subjectPseudonym,
    purpose: request.purpose,
    categories: [...new Set(request.categories)],
    createdAt: now.toISOString(),
  }
  await deps.db.transaction().execute(async (trx) => {
    await insertDataRequest(trx, record)
    await appendAuditEvent(trx, {
      at: now,
      actor: caller.actor,
      event: {
        type: 'data_request_created',
        requestId: record.id,
        consentId: record.consentId,
        subjectPseudonym: record.subjectPseudonym,
        requesterAgencyId: record.requesterAgencyId,
        holderAgencyId: record.holderAgencyId,
        purpose: record.purpose,
        categories: record.categories,
      },
    })
  })
  const stored = await findDataRequest(deps.db, record.id)
  return viewOf(deps, stored as DataRequestRecord)
}

/** The caller agency's incoming or outgoing requests, each with whether a consent covers it now. */
export async function listDataRequestViews(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: { agencyId: string; direction: 'incoming' | 'outgoing' },
): Promise<DataRequestView[]> {
  const list = await listDataRequests(deps.db, { ...input, limit: 200 })
  return Promise.all(list.map((r) => viewOf(deps, r)))
}
