import type { Kysely } from 'kysely'
import { auditEventSchema, type AuditEntry } from '../audit/audit-event.ts'
import {
  appendAuditEvents,
  appendAuditEventsIfHeadIs,
  auditEntriesPerStatement,
  readAuditHead,
  type AppendAuditInput,
  type AuditHead,
} from './audit-repository.ts'
import { isPostgres } from './dialect-of.ts'
import type { Tables } from './tables.ts'

/**
 * Appends audit entries that record no change of their own (a dry-run decision, a refused
 * permission): nothing else has to commit with them, so concurrent ones share one transaction —
 * one fsync for the group instead of one each (group commit). A caller's promise resolves once
 * its entry is committed, as with its own transaction; the chain stays gap-free because the
 * entries are appended one after another in one commit, in arrival order.
 */
export interface AuditAppender {
  append(input: AppendAuditInput): Promise<AuditEntry>
}

interface Waiting {
  input: AppendAuditInput
  resolve(entry: AuditEntry): void
  reject(error: unknown): void
}

/**
 * At most this many entries per transaction, so one commit never holds the writer for long (and
 * within what PostgreSQL's conditional append takes in one statement).
 */
const maxGroup = auditEntriesPerStatement

/**
 * No timer: a group commits one turn of the event loop after its first entry, and whatever
 * arrives while it commits forms the next — under load the groups grow by themselves, idle an
 * entry waits for nothing but that turn.
 */
export function createAuditAppender(
  db: Kysely<Tables>,
  options: {
    /** Told the size of each group once it committed (tests, metrics). */
    onGroupCommitted?: (entries: number) => void
  } = {},
): AuditAppender {
  const waiting: Waiting[] = []
  let flushing = false
  // PostgreSQL: where this appender last saw the chain end. Only a guess — the database moves the
  // head only from where the group was sealed onto — that saves reading it before each group.
  let knownHead: AuditHead | undefined

  const appendGroup = async (inputs: AppendAuditInput[]): Promise<AuditEntry[]> => {
    if (isPostgres(db)) {
      // One statement, its own transaction, instead of BEGIN, two statements and COMMIT: four
      // round trips. When another writer appended first, nothing was written: read the head
      // again and reseal. Past a few such turns the transaction below waits for its lock.
      for (let attempt = 0; attempt < 3; attempt++) {
        knownHead ??= await readAuditHead(db)
        const appended = await appendAuditEventsIfHeadIs(db, knownHead, inputs).catch(
          (error: unknown) => {
            knownHead = undefined
            throw error
          },
        )
        if (appended !== 'stale') {
          knownHead = appended.head
          return appended.entries
        }
        knownHead = undefined
      }
    }
    return db.transaction().execute((trx) => appendAuditEvents(trx, inputs))
  }

  const flush = async (): Promise<void> => {
    try {
      while (waiting.length > 0) {
        const group = waiting.splice(0, maxGroup)
        try {
          // The whole group in one append: on SQLite one transaction, on PostgreSQL one statement.
          const entries = await appendGroup(group.map((item) => item.input))
          options.onGroupCommitted?.(group.length)
          group.forEach((item, i) => item.resolve(entries[i]!))
        } catch (error) {
          group.forEach((item) => item.reject(error))
        }
      }
    } finally {
      flushing = false
    }
  }

  return {
    append(input) {
      return new Promise<AuditEntry>((resolve, reject) => {
        // A malformed event fails its own caller here (a throw in the executor rejects), never
        // the group it would have joined.
        const event = auditEventSchema.parse(input.event)
        waiting.push({ input: { ...input, event }, resolve, reject })
        if (flushing) return
        flushing = true
        // One turn of the event loop first: the requests already past their reads (queued on
        // the connection ahead of this commit) add their entries to this group, not the next.
        setImmediate(() => void flush())
      })
    },
  }
}
