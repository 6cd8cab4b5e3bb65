import { randomBytes } from 'node:crypto'
import { sql, type Kysely, type Transaction } from 'kysely'
import { z } from 'zod'
import {
  auditEntrySchema,
  auditEventSchema,
  type Actor,
  type AuditEntry,
  type AuditEvent,
  type AuditRecord,
} from '../audit/audit-event.ts'
import { checkpointSchema, type Checkpoint } from '../audit/checkpoint.ts'
import { CodedError } from '../errors/coded-error.ts'
import { sealEntry } from '../audit/hash-chain.ts'
import { joinPersonalData, maskedYouthActor, personalFieldNames } from '../audit/personal-data.ts'
import { retentionPurgeOf, type RetentionPurge } from '../audit/erasure-check.ts'
import { storedIndexOf, type StoredField, type StoredRow } from '../audit/stored-entry-check.ts'
import { isPostgres } from './dialect-of.ts'
import { preparedQuery, type ListsEveryKey } from './prepared-query.ts'
import type { AuditEntryTable } from './tables/audit-tables.ts'
import type { Tables } from './tables.ts'

export interface AppendAuditInput {
  at: Date
  actor: Actor
  event: AuditEvent
}

type Executor = Kysely<Tables> | Transaction<Tables>

/** Codes of {@link AuditStoreError}: the stored log itself is damaged (a server fault, 500). */
export const auditStoreErrorCodes = [
  'ERR_AUDIT_HEAD_MISSING',
  'ERR_AUDIT_ENTRY_UNREADABLE',
] as const
export type AuditStoreErrorCode = (typeof auditStoreErrorCodes)[number]

export class AuditStoreError extends CodedError<AuditStoreErrorCode> {}

/**
 * Appends one event (docs/design.md §3.5). Call it with the transaction of the change it records, so
 * that a failed append rolls the change back; called with a plain Kysely it opens its own.
 *
 * The one-row head is updated first (`UPDATE … RETURNING`): on PostgreSQL that row lock holds
 * every other appender — in this process or another — until this transaction ends, so sequence
 * numbers stay gap-free and each entry chains to the one committed before it; on SQLite the same
 * statement takes the database's write lock.
 */
export async function appendAuditEvent(db: Executor, input: AppendAuditInput): Promise<AuditEntry> {
  if (!db.isTransaction) return db.transaction().execute((trx) => appendInTransaction(trx, input))
  return appendInTransaction(db, input)
}

async function appendInTransaction(trx: Executor, input: AppendAuditInput): Promise<AuditEntry> {
  const [entry] = await appendAllInTransaction(trx, [input])
  return entry!
}

/**
 * Appends several events in the caller's transaction, in order: one head update reserves all
 * their sequence numbers (the same row lock as one append), one multi-row insert, one update of
 * the head's hash — three statements for a group instead of three each (the group commit of
 * audit-group-commit.ts). Each entry still chains to the one before it. The events must be the
 * output of `auditEventSchema.parse` already (the group commit parses each when its caller hands
 * it over, so a malformed one fails its own caller): they are not parsed a second time.
 */
export async function appendAuditEvents(
  trx: Transaction<Tables>,
  inputs: readonly AppendAuditInput[],
): Promise<AuditEntry[]> {
  return appendAllInTransaction(
    trx,
    inputs,
    inputs.map((input) => input.event),
  )
}

/**
 * Appends the events one change records, in order, in the caller's transaction: each is checked
 * (`auditEventSchema`) and chained as by {@link appendAuditEvent}, but all of them take three
 * statements together instead of three each — for a change that writes more than one entry (an
 * inbound item and the signed receipt it is answered with).
 */
export async function appendAuditEventsOfChange(
  trx: Transaction<Tables>,
  inputs: readonly AppendAuditInput[],
): Promise<AuditEntry[]> {
  return appendAllInTransaction(trx, inputs)
}

/** Entries per statement on PostgreSQL: a purge's thousands go in a few bounded statements. */
export const auditEntriesPerStatement = 200

// Every change appends: these statements are built once, then only run (prepared-query.ts).
const reserveSequenceNumbers = preparedQuery<{ count: number }>()((db, slot) =>
  db
    .updateTable('audit_head')
    .set({ last_seq: sql<number>`last_seq + ${slot('count')}` })
    .where('id', '=', 1)
    .returning(['last_seq', 'last_hash']),
)

const setHeadHash = preparedQuery<{ lastHash: string }>()((db, slot) =>
  db
    .updateTable('audit_head')
    .set({ last_hash: slot('lastHash') })
    .where('id', '=', 1),
)

/** The columns of an entry row, in the order PostgreSQL's batch append unnests them. */
const entryColumns = [
  'seq',
  'at',
  'type',
  'actor',
  'agency_ids',
  'subject_pseudonym',
  'consent_id',
  'transfer_id',
  'decision',
  'data',
  'personal',
  'personal_salt',
  'personal_commitment',
  'erased_at',
  'prev_hash',
  'entry_hash',
] as const satisfies readonly (keyof AuditEntryTable)[]

// Every column is listed: a column added to the table and not here fails to compile.
const everyEntryColumnListed: ListsEveryKey<AuditEntryTable, typeof entryColumns> = true
void everyEntryColumnListed

type EntryColumnArrays = { [C in (typeof entryColumns)[number]]: AuditEntryTable[C][] }

/** Rows as one array per column (the parameters of {@link appendEntryColumns}). */
function columnsOf(rows: readonly AuditEntryTable[]): EntryColumnArrays {
  return Object.fromEntries(
    entryColumns.map((column) => [column, rows.map((row) => row[column])]),
  ) as EntryColumnArrays
}

/** PostgreSQL: the rows of one array per column, as a select (`unnest`). */
function unnestedEntries(
  slot: <C extends (typeof entryColumns)[number]>(column: C) => EntryColumnArrays[C],
) {
  return sql`select * from unnest(${sql.join(
    entryColumns.map(
      (column) => sql`${slot(column)}::${sql.raw(column === 'seq' ? 'integer' : 'text')}[]`,
    ),
  )})`
}

/**
 * PostgreSQL: entries from one array per column, and the head's hash set to the last of them, in
 * one statement whose text is the same for any number of entries.
 */
const appendEntryColumns = preparedQuery<EntryColumnArrays & { lastHash: string }>()((db, slot) =>
  db
    .with('appended', (qc) =>
      qc
        .insertInto('audit_entries')
        .columns([...entryColumns])
        .expression(unnestedEntries(slot)),
    )
    .updateTable('audit_head')
    .set({ last_hash: slot('lastHash') })
    .where('id', '=', 1),
)

/**
 * PostgreSQL: the head moved on by `count` with its new hash only if it still ends at
 * `expectedSeq`/`expectedHash`, and the entries inserted only if it moved. One row (the new last
 * sequence number) when it did, none when another writer appended first.
 */
const appendEntryColumnsIfHeadIs = preparedQuery<
  EntryColumnArrays & { count: number; expectedSeq: number; expectedHash: string; lastHash: string }
>()((db, slot) =>
  db
    .with('moved', (qc) =>
      qc
        .updateTable('audit_head')
        .set({ last_seq: sql<number>`last_seq + ${slot('count')}`, last_hash: slot('lastHash') })
        .where('id', '=', 1)
        .where('last_seq', '=', slot('expectedSeq'))
        .where('last_hash', '=', slot('expectedHash'))
        .returning('last_seq'),
    )
    .with('appended', (qc) =>
      qc
        .insertInto('audit_entries')
        .columns([...entryColumns])
        .expression(sql`${unnestedEntries(slot)} where exists (select 1 from moved)`),
    )
    .selectFrom('moved')
    .select('last_seq'),
)

const insertEntry = preparedQuery<AuditEntryTable>()((db, slot) =>
  db.insertInto('audit_entries').values({
    seq: slot('seq'),
    at: slot('at'),
    type: slot('type'),
    actor: slot('actor'),
    agency_ids: slot('agency_ids'),
    subject_pseudonym: slot('subject_pseudonym'),
    consent_id: slot('consent_id'),
    transfer_id: slot('transfer_id'),
    decision: slot('decision'),
    data: slot('data'),
    personal: slot('personal'),
    personal_salt: slot('personal_salt'),
    personal_commitment: slot('personal_commitment'),
    erased_at: slot('erased_at'),
    prev_hash: slot('prev_hash'),
    entry_hash: slot('entry_hash'),
  }),
)

async function appendAllInTransaction(
  trx: Executor,
  inputs: readonly AppendAuditInput[],
  events: readonly AuditEvent[] = inputs.map((input) => auditEventSchema.parse(input.event)),
): Promise<AuditEntry[]> {
  if (inputs.length === 0) return []
  const [head] = await reserveSequenceNumbers.execute(trx, { count: inputs.length })
  if (!head) throw new AuditStoreError('ERR_AUDIT_HEAD_MISSING', 'the audit head row is missing')
  const rows = sealRows(
    { lastSeq: Number(head.last_seq) - inputs.length, lastHash: head.last_hash },
    inputs,
    events,
  )
  const lastHash = rows[rows.length - 1]!.entry_hash
  if (isPostgres(trx)) {
    // One round trip per chunk for its entries and the head's new hash (a data-modifying WITH;
    // SQLite has none, and in-process statements cost it no round trip). The statement takes one
    // array per column, so its text is the same for any number of entries: prepared once per
    // connection, not built for each append (on PostgreSQL nearly every write appends).
    for (let i = 0; i < rows.length; i += auditEntriesPerStatement) {
      const chunk = rows.slice(i, i + auditEntriesPerStatement)
      await appendEntryColumns.execute(trx, {
        ...columnsOf(chunk),
        lastHash: chunk[chunk.length - 1]!.entry_hash,
      })
    }
  } else {
    // SQLite: a statement costs no round trip, and one prepared single-row insert run per entry
    // costs less than building a multi-row one each time.
    for (const row of rows) await insertEntry.execute(trx, row)
    await setHeadHash.execute(trx, { lastHash })
  }
  return entriesOf(rows, inputs, events)
}

/** Where the chain ends: its last sequence number and that entry's hash. */
export interface AuditHead {
  lastSeq: number
  lastHash: string
}

/** Random bytes per entry for the commitment to its personal values (audit/hash-chain.ts). */
const saltBytes = 16

/** The rows of `inputs`, sealed one after another onto the chain that ends at `head`. */
function sealRows(
  head: AuditHead,
  inputs: readonly AppendAuditInput[],
  events: readonly AuditEvent[],
): AuditEntryTable[] {
  let prevHash = Buffer.from(head.lastHash, 'hex')
  // Every entry's salt from one draw: each call into OpenSSL's generator costs ~6 µs of fixed
  // overhead (measured), sixteen more bytes almost nothing — a group of eight paid it eight times.
  const salts = randomBytes(saltBytes * inputs.length)
  return inputs.map((input, i) => {
    const event = events[i]!
    const seq = head.lastSeq + 1 + i
    const sealed = sealEntry({
      seq,
      at: input.at,
      actor: input.actor,
      event,
      prevHash,
      salt: salts.subarray(i * saltBytes, (i + 1) * saltBytes),
    })
    prevHash = Buffer.from(sealed.entryHash, 'hex')
    const index = storedIndexOf({ at: input.at, actor: input.actor, event })
    return {
      seq,
      at: index.at,
      type: index.type,
      actor: index.actor,
      agency_ids: index.agencyIds,
      subject_pseudonym: index.subjectPseudonym,
      consent_id: index.consentId,
      transfer_id: index.transferId,
      decision: index.decision,
      data: sealed.canonical,
      personal: sealed.personal,
      personal_salt: sealed.salt,
      personal_commitment: sealed.commitment,
      erased_at: index.erasedAt,
      prev_hash: sealed.prevHash,
      entry_hash: sealed.entryHash,
    }
  })
}

function entriesOf(
  rows: readonly AuditEntryTable[],
  inputs: readonly AppendAuditInput[],
  events: readonly AuditEvent[],
): AuditEntry[] {
  return inputs.map((input, i) => ({
    seq: Number(rows[i]!.seq),
    at: input.at.toISOString(),
    actor: input.actor,
    event: events[i]!,
  }))
}

/**
 * PostgreSQL, outside any transaction: appends already-parsed events (as `appendAuditEvents`) in
 * one statement — its own transaction, one round trip where a transaction of its own takes four —
 * if the chain still ends at `expected`. The head moves only from `expected`, and the entries are
 * inserted only with it, so when another writer appended meanwhile (another process, or a change
 * in its own transaction) nothing is written: the answer is then `stale`, and the caller reads the
 * head again. At most {@link auditEntriesPerStatement} entries.
 */
export async function appendAuditEventsIfHeadIs(
  db: Kysely<Tables>,
  expected: AuditHead,
  inputs: readonly AppendAuditInput[],
): Promise<{ entries: AuditEntry[]; head: AuditHead } | 'stale'> {
  if (inputs.length === 0 || inputs.length > auditEntriesPerStatement)
    throw new Error(`appendAuditEventsIfHeadIs takes 1 to ${auditEntriesPerStatement} entries`)
  const events = inputs.map((input) => input.event)
  const rows = sealRows(expected, inputs, events)
  const lastHash = rows[rows.length - 1]!.entry_hash
  const moved = await appendEntryColumnsIfHeadIs.execute(db, {
    ...columnsOf(rows),
    count: rows.length,
    expectedSeq: expected.lastSeq,
    expectedHash: expected.lastHash,
    lastHash,
  })
  if (moved.length === 0) return 'stale'
  return {
    entries: entriesOf(rows, inputs, events),
    head: { lastSeq: expected.lastSeq + rows.length, lastHash },
  }
}

const hashedEntrySchema = z.strictObject({
  actor: z.string(),
  at: z.string(),
  event: z.record(z.string(), z.unknown()),
  seq: z.number().int().positive(),
})
const personalSchema = z.record(z.string(), z.string())

function onlyPersonalIssues(issues: readonly { path: readonly PropertyKey[] }[]): boolean {
  return issues.every(
    (issue) =>
      (issue.path[0] === 'event' &&
        (personalFieldNames as readonly PropertyKey[]).includes(issue.path[1] ?? '')) ||
      issue.path[0] === 'actor',
  )
}

/** Rebuilds an entry from its row and re-validates it with the event union (docs/design.md §3.5). */
export function recordFromRow(row: AuditEntryTable): AuditRecord {
  const seq = Number(row.seq)
  try {
    const hashed = hashedEntrySchema.parse(JSON.parse(row.data))
    if (hashed.seq !== seq) throw new Error(`row ${seq} holds the bytes of entry ${hashed.seq}`)
    const personal = row.personal === null ? null : personalSchema.parse(JSON.parse(row.personal))
    const joined = joinPersonalData(hashed, personal)
    const erased = row.erased_at !== null
    // An erased field reads as "erased", which a field with a stricter format may refuse; only
    // such refusals are tolerated.
    const checked = auditEntrySchema.safeParse({
      seq,
      at: hashed.at,
      actor: joined.actor,
      event: joined.event,
    })
    if (!checked.success && !(erased && onlyPersonalIssues(checked.error.issues)))
      throw checked.error
    const entry = checked.success
      ? checked.data
      : { seq, at: hashed.at, actor: joined.actor, event: joined.event as AuditEvent }
    return { ...entry, entryHash: row.entry_hash, prevHash: row.prev_hash, erased }
  } catch (error) {
    throw new AuditStoreError('ERR_AUDIT_ENTRY_UNREADABLE', `audit entry ${seq} cannot be read`, {
      cause: error,
      details: { seq },
    })
  }
}

/** Reads entries in sequence order, re-validating each against the event union. */
export async function listAuditEntries(
  db: Executor,
  options: { afterSeq?: number; limit: number },
): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_entries')
    .selectAll()
    .where('seq', '>', options.afterSeq ?? 0)
    .orderBy('seq')
    .limit(options.limit)
    .execute()
  return rows.map((row) => {
    const { entryHash: _e, prevHash: _p, erased: _x, ...entry } = recordFromRow(row)
    return entry
  })
}

/** The search of the DPO view and of exports (docs/design.md §3.5). All given conditions must hold. */
export interface AuditFilter {
  from?: Date
  to?: Date
  /** Entries concerning this agency. */
  agencyId?: string
  actor?: string
  subjectPseudonym?: string
  consentId?: string
  transferId?: string
  types?: readonly string[]
  decision?: string
  /** Only entries up to this sequence number (an export covers the log as it was when it began). */
  untilSeq?: number
  fromSeq?: number
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}

function filtered(db: Executor, filter: AuditFilter) {
  let query = db.selectFrom('audit_entries')
  if (filter.from) query = query.where('at', '>=', filter.from.toISOString())
  if (filter.to) query = query.where('at', '<', filter.to.toISOString())
  if (filter.agencyId !== undefined)
    query = query.where(
      sql<boolean>`agency_ids like ${`%|${escapeLike(filter.agencyId)}|%`} escape '\\'`,
    )
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor)
  if (filter.subjectPseudonym !== undefined)
    query = query.where('subject_pseudonym', '=', filter.subjectPseudonym)
  if (filter.consentId !== undefined) query = query.where('consent_id', '=', filter.consentId)
  if (filter.transferId !== undefined) query = query.where('transfer_id', '=', filter.transferId)
  if (filter.types && filter.types.length > 0) query = query.where('type', 'in', [...filter.types])
  if (filter.decision !== undefined) query = query.where('decision', '=', filter.decision)
  if (filter.untilSeq !== undefined) query = query.where('seq', '<=', filter.untilSeq)
  if (filter.fromSeq !== undefined) query = query.where('seq', '>=', filter.fromSeq)
  return query
}

export interface AuditPage {
  entries: AuditRecord[]
  /** Pass as `after` (ascending) or `before` (descending) for the next page; null at the end. */
  nextCursor: number | null
}

/** One page of matching entries, newest first unless `order` is `asc`; keyset-paginated by seq. */
export async function searchAuditEntries(
  db: Executor,
  filter: AuditFilter,
  page: { limit: number; cursor?: number; order?: 'asc' | 'desc' },
): Promise<AuditPage> {
  const order = page.order ?? 'desc'
  let query = filtered(db, filter).selectAll()
  if (page.cursor !== undefined)
    query = query.where('seq', order === 'desc' ? '<' : '>', page.cursor)
  const rows = await query
    .orderBy('seq', order)
    .limit(page.limit + 1)
    .execute()
  const entries = rows.slice(0, page.limit).map(recordFromRow)
  const last = entries[entries.length - 1]
  return { entries, nextCursor: rows.length > page.limit && last ? last.seq : null }
}

/** Counts matching entries. */
export async function countAuditEntries(db: Executor, filter: AuditFilter): Promise<number> {
  const row = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Every matching entry in ascending order, read page by page so memory stays constant. */
export async function* streamAuditEntries(
  db: Executor,
  filter: AuditFilter,
  pageSize = 1000,
): AsyncGenerator<AuditRecord> {
  let cursor: number | undefined
  for (;;) {
    const page = await searchAuditEntries(db, filter, { limit: pageSize, cursor, order: 'asc' })
    yield* page.entries
    if (page.nextCursor === null) return
    cursor = page.nextCursor
  }
}

/**
 * Each column of an audit row and the stored part verification names it by
 * (audit/stored-entry-check.ts). Typed both ways, so a column added to the table without a part
 * that verification proves does not compile.
 */
export const auditColumnOfField = {
  seq: 'seq',
  at: 'at',
  type: 'type',
  actor: 'actor',
  agencyIds: 'agency_ids',
  subjectPseudonym: 'subject_pseudonym',
  consentId: 'consent_id',
  transferId: 'transfer_id',
  decision: 'decision',
  canonical: 'data',
  personal: 'personal',
  salt: 'personal_salt',
  commitment: 'personal_commitment',
  erasedAt: 'erased_at',
  prevHash: 'prev_hash',
  entryHash: 'entry_hash',
} as const satisfies Record<StoredField, keyof AuditEntryTable>
export type AuditColumn = (typeof auditColumnOfField)[StoredField]
const everyColumnProven: [Exclude<keyof AuditEntryTable, AuditColumn>] extends [never]
  ? true
  : never = true
void everyColumnProven

function storedFromRow(row: AuditEntryTable): StoredRow {
  return {
    seq: Number(row.seq),
    at: row.at,
    type: row.type,
    actor: row.actor,
    agencyIds: row.agency_ids,
    subjectPseudonym: row.subject_pseudonym,
    consentId: row.consent_id,
    transferId: row.transfer_id,
    decision: row.decision,
    canonical: row.data,
    personal: row.personal,
    salt: row.personal_salt,
    commitment: row.personal_commitment,
    erasedAt: row.erased_at,
    prevHash: row.prev_hash,
    entryHash: row.entry_hash,
  }
}

/** The columns of the hash chain, which verification reads one by one. */
const chainColumns = [
  'seq',
  'data',
  'personal',
  'personal_salt',
  'personal_commitment',
  'prev_hash',
  'entry_hash',
] as const
/**
 * The search columns, which verification reads joined into one value (see below): first those
 * the table declares NOT NULL, then the nullable ones.
 */
const searchColumns = ['at', 'type', 'actor', 'agency_ids'] as const
const nullableSearchColumns = [
  'subject_pseudonym',
  'consent_id',
  'transfer_id',
  'decision',
  'erased_at',
] as const
const everyColumnRead: [
  Exclude<
    keyof AuditEntryTable,
    | (typeof chainColumns)[number]
    | (typeof searchColumns)[number]
    | (typeof nullableSearchColumns)[number]
  >,
] extends [never]
  ? true
  : never = true
void everyColumnRead

/** Between the joined search columns: a control character no search column holds. */
const unitSeparator = '\u001f'

/**
 * The search columns of a row as one text, in standard SQL (`||`, `coalesce`) for both dialects:
 * joined by ␟, each nullable one as `=value` or, for NULL, nothing — so the prefix tells a NULL
 * from any text. Nine short values cost the database driver more to hand over one by one than
 * verification spends checking them; joined they come as one.
 */
const joinedSearchColumns = sql<string | null>`${sql.join(
  [
    ...searchColumns.map((column) => sql.ref(column)),
    ...nullableSearchColumns.map((column) => sql`coalesce(${'='} || ${sql.ref(column)}, ${''})`),
  ],
  sql` || ${unitSeparator} || `,
)}`

type JoinedRow = Pick<AuditEntryTable, (typeof chainColumns)[number]> & { search: string | null }

const valueOf = (part: string): string | null => (part === '' ? null : part.slice(1))

/**
 * A row read with its search columns joined; undefined when a value holds the separator or a NOT
 * NULL column is NULL (only a changed row can), so that the caller reads it column by column and
 * it is named exactly.
 */
function storedFromJoinedRow(row: JoinedRow): StoredRow | undefined {
  const parts = row.search?.split(unitSeparator)
  if (parts?.length !== searchColumns.length + nullableSearchColumns.length) return undefined
  const [at, type, actor, agencyIds, subject, consentId, transferId, decision, erasedAt] =
    parts as [string, string, string, string, string, string, string, string, string]
  return {
    seq: Number(row.seq),
    at,
    type,
    actor,
    agencyIds,
    subjectPseudonym: valueOf(subject),
    consentId: valueOf(consentId),
    transferId: valueOf(transferId),
    decision: valueOf(decision),
    canonical: row.data,
    personal: row.personal,
    salt: row.personal_salt,
    commitment: row.personal_commitment,
    erasedAt: valueOf(erasedAt),
    prevHash: row.prev_hash,
    entryHash: row.entry_hash,
  }
}

/**
 * Every stored row (from `afterSeq`), ascending, page by page: what verification reads — all
 * columns, as it proves each one.
 */
export async function* streamStoredPages(
  db: Executor,
  options: { afterSeq?: number; upToSeq?: number; pageSize?: number } = {},
): AsyncGenerator<StoredRow[]> {
  let cursor = options.afterSeq ?? 0
  const pageSize = options.pageSize ?? 5000
  for (;;) {
    let query = db
      .selectFrom('audit_entries')
      .select([...chainColumns, joinedSearchColumns.as('search')])
      .where('seq', '>', cursor)
    if (options.upToSeq !== undefined) query = query.where('seq', '<=', options.upToSeq)
    const rows = await query.orderBy('seq').limit(pageSize).execute()
    const page: StoredRow[] = []
    for (const row of rows) {
      const stored = storedFromJoinedRow(row) ?? (await findStoredEntry(db, Number(row.seq)))
      if (stored) page.push(stored)
    }
    if (page.length > 0) yield page
    if (rows.length < pageSize) return
    cursor = Number(rows[rows.length - 1]!.seq)
  }
}

/**
 * The `retention_purged` entries up to `upToSeq` (found by their type column; verification
 * proves that column on every row), read from their hashed bytes.
 */
export async function listRetentionPurges(
  db: Executor,
  options: { upToSeq?: number } = {},
): Promise<RetentionPurge[]> {
  let query = db.selectFrom('audit_entries').select('data').where('type', '=', 'retention_purged')
  if (options.upToSeq !== undefined) query = query.where('seq', '<=', options.upToSeq)
  const rows = await query.orderBy('seq').execute()
  return rows.flatMap((row) => retentionPurgeOf(row.data) ?? [])
}

/** The same, one entry at a time. */
export async function* streamStoredEntries(
  db: Executor,
  options: { afterSeq?: number; upToSeq?: number; pageSize?: number } = {},
): AsyncGenerator<StoredRow> {
  for await (const page of streamStoredPages(db, options)) yield* page
}

export async function findStoredEntry(db: Executor, seq: number): Promise<StoredRow | undefined> {
  const row = await db
    .selectFrom('audit_entries')
    .selectAll()
    .where('seq', '=', seq)
    .executeTakeFirst()
  return row ? storedFromRow(row) : undefined
}

export async function findAuditRecord(db: Executor, seq: number): Promise<AuditRecord | undefined> {
  const row = await db
    .selectFrom('audit_entries')
    .selectAll()
    .where('seq', '=', seq)
    .executeTakeFirst()
  return row ? recordFromRow(row) : undefined
}

export async function findSeqByEntryHash(db: Executor, hash: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('audit_entries')
    .select('seq')
    .where('entry_hash', '=', hash)
    .orderBy('seq')
    .executeTakeFirst()
  return row ? Number(row.seq) : undefined
}

/** The first entry beyond the head, read in one statement (one snapshot); normally none. */
export async function findEntryBeyondHead(db: Executor): Promise<number | undefined> {
  const row = await db
    .selectFrom('audit_entries')
    .select('seq')
    .where('seq', '>', (eb) => eb.selectFrom('audit_head').select('last_seq').where('id', '=', 1))
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst()
  return row ? Number(row.seq) : undefined
}

export async function readAuditHead(db: Executor): Promise<{ lastSeq: number; lastHash: string }> {
  const row = await db
    .selectFrom('audit_head')
    .select(['last_seq', 'last_hash'])
    .where('id', '=', 1)
    .executeTakeFirst()
  if (!row) throw new AuditStoreError('ERR_AUDIT_HEAD_MISSING', 'the audit head row is missing')
  return { lastSeq: Number(row.last_seq), lastHash: row.last_hash }
}

/** RFC 9162 leaf hashes of the first `size` entries: their stored chain hashes (hash-chain.ts). */
export async function readLeafHashes(db: Executor, size: number): Promise<Buffer[]> {
  const leaves: Buffer[] = []
  let cursor = 0
  const pageSize = 20_000
  while (leaves.length < size) {
    const rows = await db
      .selectFrom('audit_entries')
      .select(['seq', 'entry_hash'])
      .where('seq', '>', cursor)
      .where('seq', '<=', size)
      .orderBy('seq')
      .limit(pageSize)
      .execute()
    if (rows.length === 0) break
    for (const row of rows) leaves.push(Buffer.from(row.entry_hash, 'hex'))
    cursor = Number(rows[rows.length - 1]!.seq)
  }
  return leaves
}

export interface StoredCheckpoint extends Checkpoint {
  frontier: string[]
}

const frontierSchema = z.array(z.string().regex(/^[0-9a-f]{64}$/))

function checkpointFromRow(row: Tables['audit_checkpoints']): StoredCheckpoint {
  return {
    ...checkpointSchema.parse({
      treeSize: Number(row.tree_size),
      rootHash: row.root_hash,
      at: row.at,
      publicKey: row.public_key,
      signature: row.signature,
    }),
    frontier: frontierSchema.parse(JSON.parse(row.frontier)),
  }
}

export async function insertCheckpoint(db: Executor, checkpoint: StoredCheckpoint): Promise<void> {
  await db
    .insertInto('audit_checkpoints')
    .values({
      tree_size: checkpoint.treeSize,
      root_hash: checkpoint.rootHash,
      at: checkpoint.at,
      public_key: checkpoint.publicKey,
      signature: checkpoint.signature,
      frontier: JSON.stringify(checkpoint.frontier),
    })
    .execute()
}

export async function listCheckpoints(db: Executor): Promise<StoredCheckpoint[]> {
  const rows = await db.selectFrom('audit_checkpoints').selectAll().orderBy('tree_size').execute()
  return rows.map(checkpointFromRow)
}

export async function findLatestCheckpoint(db: Executor): Promise<StoredCheckpoint | undefined> {
  const row = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row ? checkpointFromRow(row) : undefined
}

export async function findCheckpoint(
  db: Executor,
  treeSize: number,
): Promise<StoredCheckpoint | undefined> {
  const row = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('tree_size', '=', treeSize)
    .executeTakeFirst()
  return row ? checkpointFromRow(row) : undefined
}

/**
 * Retention: erases the personal values (and their salts) of entries before `before`. The salted
 * commitment stays, so the chain, the Merkle tree and every checkpoint still verify.
 */
export async function erasePersonalData(
  db: Executor,
  input: { before: Date; at: Date },
): Promise<number> {
  const result = await db
    .updateTable('audit_entries')
    .set({
      personal: null,
      personal_salt: null,
      subject_pseudonym: null,
      actor: sql<string>`case when actor like 'youth:%' then ${maskedYouthActor} else actor end`,
      erased_at: input.at.toISOString(),
    })
    .where('at', '<', input.before.toISOString())
    .where('personal', 'is not', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}
