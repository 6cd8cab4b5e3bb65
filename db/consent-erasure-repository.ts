import type { Kysely, Transaction } from 'kysely'
import type { ConsentFacts } from '../consent/consent.ts'
import { factsFromRow } from './consent-repository.ts'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

/**
 * Consents that ended — revoked, lapsed, renewed, declined or discarded, or whose validity ended — before
 * `endedBefore`, in id order after `afterId`. A coarse filter: the retention rule
 * (consent/retention.ts) decides which of them are due; `endedBefore` is the shortest retention
 * ago, so nothing due is missed.
 */
export async function listEndedConsents(
  db: Executor,
  input: { endedBefore: Date; afterId: string | undefined; limit: number },
): Promise<ConsentFacts[]> {
  const before = input.endedBefore.toISOString()
  let query = db
    .selectFrom('consents')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('revoked_at', '<=', before),
        eb('lapsed_at', '<=', before),
        eb('renewed_at', '<=', before),
        eb('declined_at', '<=', before),
        eb('discarded_at', '<=', before),
        eb('valid_end_at', '<=', before),
      ]),
    )
  if (input.afterId !== undefined) query = query.where('id', '>', input.afterId)
  const rows = await query.orderBy('id').limit(input.limit).execute()
  return rows.map(factsFromRow)
}

/**
 * Deletes everything the consent store and the kiosk hold about these consents: the record with
 * names, birth date and case references, its parties, signatures (with their images),
 * revocation, kiosk states and pushes, majority reviews, receipts and the `/me` sessions opened
 * with them — and the shared subject row once no consent of that person is left. Transfers and
 * data requests made under these consents keep their own facts (agencies, purpose, categories,
 * status) but lose the subject pseudonym, which would otherwise re-link them to the person
 * (its key is the master key); they read `erased` there, as the audit log's erased fields do.
 * The audit log keeps its entries; its own retention erases their pseudonyms.
 */
export async function deleteConsentRecords(trx: Executor, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  const pseudonyms = (
    await trx
      .selectFrom('consents')
      .select('subject_pseudonym')
      .distinct()
      .where('id', 'in', ids)
      .execute()
  ).map((r) => r.subject_pseudonym)
  const receiptIds = trx.selectFrom('receipts').select('id').where('consent_id', 'in', ids)
  await trx.deleteFrom('self_service_sessions').where('receipt_id', 'in', receiptIds).execute()
  for (const table of [
    'receipts',
    'kiosk_states',
    'kiosk_pushes',
    'majority_reviews',
    'consent_signatures',
    'consent_revocations',
    'consent_parties',
    'composer_drafts',
  ] as const)
    await trx.deleteFrom(table).where('consent_id', 'in', ids).execute()
  for (const table of ['transfers', 'data_requests'] as const)
    await trx
      .updateTable(table)
      .set({ subject_pseudonym: 'erased' })
      .where('consent_id', 'in', ids)
      .execute()
  await trx.deleteFrom('consents').where('id', 'in', ids).execute()
  if (pseudonyms.length === 0) return
  await trx
    .deleteFrom('consent_subjects')
    .where('pseudonym', 'in', pseudonyms)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('consents')
            .select('consents.id')
            .whereRef('consents.subject_pseudonym', '=', 'consent_subjects.pseudonym'),
        ),
      ),
    )
    .execute()
}
