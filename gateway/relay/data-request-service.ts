import { z } from 'zod'
import { identifierSchema } from '../../accounts/account-schemas.ts'
import { vocabulary } from '../../config/vocabulary.ts'
import { mayRequestData, type DataRequestRefusalCode } from '../../consent/data-request-rule.ts'
import { decide } from '../../consent/decide.ts'
import { termIdSchema } from '../../consent/vocabulary.ts'
import { findAgency } from '../../db/account-repository.ts'
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

/** The API's English message per refusal; the staff pages say it in their own words. */
const refusalMessages: Record<DataRequestRefusalCode, string> = {
  ERR_REQUEST_UNKNOWN_PURPOSE: 'The purpose is not in the vocabulary.',
  ERR_REQUEST_UNKNOWN_CATEGORY: 'A category is not in the vocabulary.',
  ERR_REQUEST_SELF: 'Your agency cannot ask itself.',
  ERR_REQUEST_UNKNOWN_AGENCY: 'The agency asked is not registered.',
  ERR_REQUEST_CONSENT_NOT_FOUND: 'No such consent of your agency.',
  ERR_REQUEST_NOT_RECIPIENT: 'Your agency is not a recipient the consent covers.',
  ERR_REQUEST_NOT_PARTY: 'The agency asked is no party to the consent.',
  ERR_REQUEST_NOT_SENDER: 'The agency asked is not a sender under the consent.',
  ERR_REQUEST_CONSENT_NOT_ACTIVE:
    'The consent is not in force (unsigned, revoked, expired or used).',
  ERR_REQUEST_NOT_COVERED: 'The consent does not cover this purpose or these categories.',
}

/**
 * Staff of agency A ask agency B for named categories for a purpose under a consent (docs/design.md
 * §3.3 (5), the "Anschreiben an das Jugendamt"). The rule (`mayRequestData`) admits only a
 * request from a covered recipient to a sender of a consent in force that covers what is asked;
 * a consent A is no party to is "not found". A refusal stores nothing and is not audited (like
 * other object-level refusals; only role refusals are `permission_refused`). Only metadata is
 * stored; the answer is a transfer referencing the request.
 *
 * @throws RelayError with a `ERR_REQUEST_*` code (status in relay-error-status.ts).
 */
export async function createDataRequest(
  deps: Pick<Deps, 'db' | 'clock' | 'ids'>,
  input: { caller: TransferCaller; request: DataRequestInput },
): Promise<DataRequestView> {
  const { caller, request } = input
  const now = deps.clock.now()
  const categories = [...new Set(request.categories)]
  const [facts, asked] = await Promise.all([
    findConsentFacts(deps.db, request.consentId),
    findAgency(deps.db, request.from),
  ])
  const verdict = mayRequestData({
    requesterAgencyId: caller.agencyId,
    askedAgencyId: request.from,
    askedAgencyExists: asked !== undefined,
    consent: facts,
    purpose: request.purpose,
    categories,
    vocabulary,
    now,
  })
  if (!verdict.ok)
    throw new RelayError(verdict.code, refusalMessages[verdict.code], { details: verdict.details })
  const { consent } = verdict
  const record = {
    id: deps.ids.newId('req'),
    requesterAgencyId: caller.agencyId,
    requesterStaffId: caller.userId,
    holderAgencyId: request.from,
    consentId: consent.id,
    subjectPseudonym: consent.subjectPseudonym,
    purpose: request.purpose,
    categories,
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

/**
 * The caller agency's incoming or outgoing requests, each with whether a consent covers it now;
 * only those under a consent the agency is party to (the repository filters).
 */
export async function listDataRequestViews(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: { agencyId: string; direction: 'incoming' | 'outgoing' },
): Promise<DataRequestView[]> {
  const list = await listDataRequests(deps.db, { ...input, limit: 200 })
  return Promise.all(list.map((r) => viewOf(deps, r)))
}
