import type { Kysely } from 'kysely'
import { auditEventSchema, type AuditEntry } from '../audit/audit-event.ts'
import { appendAuditEvents, type AppendAuditInput } from './audit-repository.ts'
import type { Tables } from './tables.ts'

/**
 * Appends audit entries that record no change of their own (a dry-run decision, a refused
 * permission): nothing else has to commit with them, so concurrent ones share one transaction —
 * one fsync for the group instead of one each (group commit). A caller's promise resolves once
 * its entry is committed, as with its own transaction; the chain stays gap-free because the
 * entries are appended one after another inside the transaction, in arrival order.
 */
export interface AuditAppender {
  append(input: AppendAuditInput): Promise<AuditEntry>
}

interface Waiting {
  input: AppendAuditInput
  resolve(entry: AuditEntry): void
  reject(error: unknown): void
}

/** At most this many entries per transaction, so one commit never holds the writer for long. */
const maxGroup = 256

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

  const flush = async (): Promise<void> => {
    try {
      while (waiting.length > 0) {
        const group = waiting.splice(0, maxGroup)
        try {
          // One head update, one insert and one hash update for the whole group.
          const entries = await db.transaction().execute((trx) =>
            appendAuditEvents(
              trx,
              group.map((item) => item.input),
            ),
          )
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
