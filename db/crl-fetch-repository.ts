import type { Kysely, Transaction } from 'kysely'
import { z } from 'zod'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

/** One CRL source and what its last fetch brought (domain shape of `crl_fetches`). */
export interface CrlFetchRecord {
  url: string
  issuerId: string | null
  issuerSubject: string | null
  crlPem: string | null
  thisUpdate: Date | null
  nextUpdate: Date | null
  fetchedAt: Date | null
  attemptedAt: Date
  lastError: string | null
}

const date = (value: string): Date => new Date(z.iso.datetime().parse(value))
const optionalDate = (value: string | null): Date | null => (value === null ? null : date(value))

export async function listCrlFetches(db: Executor): Promise<CrlFetchRecord[]> {
  const rows = await db.selectFrom('crl_fetches').selectAll().orderBy('url').execute()
  return rows.map((row) => ({
    url: row.url,
    issuerId: row.issuer_id,
    issuerSubject: row.issuer_subject,
    crlPem: row.crl_pem,
    thisUpdate: optionalDate(row.this_update),
    nextUpdate: optionalDate(row.next_update),
    fetchedAt: optionalDate(row.fetched_at),
    attemptedAt: date(row.attempted_at),
    lastError: row.last_error,
  }))
}

/**
 * Stores the CRL fetched from `url` — only when it is newer (thisUpdate) than the one stored for
 * that URL, so a stale mirror never rolls revocations back; the attempt is recorded either way.
 * Returns whether the CRL was stored.
 */
export async function saveFetchedCrl(
  db: Executor,
  input: {
    url: string
    issuerId: string
    issuerSubject: string
    crlPem: string
    thisUpdate: Date
    nextUpdate: Date | null
    at: Date
  },
): Promise<boolean> {
  const crl = {
    issuer_id: input.issuerId,
    issuer_subject: input.issuerSubject.slice(0, 500),
    crl_pem: input.crlPem,
    this_update: input.thisUpdate.toISOString(),
    next_update: input.nextUpdate?.toISOString() ?? null,
  }
  const attempt = {
    fetched_at: input.at.toISOString(),
    attempted_at: input.at.toISOString(),
    last_error: null,
  }
  return db.isTransaction ? saveIn(db as Transaction<Tables>) : db.transaction().execute(saveIn)

  async function saveIn(trx: Transaction<Tables>): Promise<boolean> {
    const stored = await trx
      .selectFrom('crl_fetches')
      .select('this_update')
      .where('url', '=', input.url)
      .executeTakeFirst()
    const newer =
      stored?.this_update === undefined ||
      stored.this_update === null ||
      Date.parse(stored.this_update) < input.thisUpdate.getTime()
    if (stored === undefined) {
      await trx
        .insertInto('crl_fetches')
        .values({ url: input.url, ...crl, ...attempt })
        .execute()
    } else {
      await trx
        .updateTable('crl_fetches')
        .set(newer ? { ...crl, ...attempt } : attempt)
        .where('url', '=', input.url)
        .execute()
    }
    return newer
  }
}

/** Records a failed fetch of `url`; a CRL stored earlier stays (and is used while current). */
export async function recordCrlFetchFailure(
  db: Executor,
  input: { url: string; at: Date; error: string },
): Promise<void> {
  const values = { attempted_at: input.at.toISOString(), last_error: input.error.slice(0, 500) }
  await db
    .insertInto('crl_fetches')
    .values({ url: input.url, ...values })
    .onConflict((conflict) => conflict.column('url').doUpdateSet(values))
    .execute()
}
