import { isErased, type StoredRow } from './stored-entry-check.ts'

/** A `retention_purged` entry as verification needs it (gateway/audit/purge-retention.ts). */
export interface RetentionPurge {
  seq: number
  /** When it ran: the `erased_at` of every entry it erased. */
  at: string
  /** It erased the entries with personal values whose `at` lies before this instant. */
  auditBefore: string
  entriesErased: number
}

/**
 * Reads a purge entry from its hashed canonical bytes; undefined for anything else (verification
 * then flags that row's own `type` column, which named it a purge).
 */
export function retentionPurgeOf(canonical: string): RetentionPurge | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(canonical)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const entry = parsed as { at?: unknown; seq?: unknown; event?: Record<string, unknown> }
  const event = entry.event
  if (typeof event !== 'object' || event === null || event.type !== 'retention_purged')
    return undefined
  const { auditBefore, entriesErased } = event
  if (typeof entry.at !== 'string' || typeof entry.seq !== 'number') return undefined
  if (typeof auditBefore !== 'string' || typeof entriesErased !== 'number') return undefined
  return { seq: entry.seq, at: entry.at, auditBefore, entriesErased }
}

/** Why an entry's erasure state is not what the purges in the log did. */
export interface ErasureFailure {
  seq: number
  /** The stored parts of that row found wrong; empty when the row itself is not at fault. */
  fields: ('personal' | 'salt' | 'erasedAt')[]
  detail: string
}

/**
 * Proves the retention purge's changes to a row — values and salt erased, `erased_at` set — from
 * the purge entries in the log: the purge erases, in one transaction with its own entry, every
 * entry before it that still has personal values and whose `at` lies before its cutoff (times
 * compared as ISO strings, as the purge's SQL compares them). So an entry with personal values
 * must have no purge after it that covers it, and an erased entry must carry the `at` of the
 * first purge after it that covers it — and each purge must have erased as many as it recorded.
 * Rows come in ascending `seq`. (Entries are appended with the current time and AUDIT_RETENTION_
 * DAYS is at least 30, so an entry appended while a purge ran is never within its cutoff.)
 */
export class ErasureCheck {
  private readonly purges: readonly RetentionPurge[]
  /** Sparse table: `maxCutoff[k][i]` is the latest cutoff among purges i … i + 2^k − 1. */
  private readonly maxCutoff: string[][]
  private readonly erasedBy: number[]
  /** The first purge after the rows seen so far. */
  private next = 0

  constructor(purges: readonly RetentionPurge[]) {
    this.purges = [...purges].sort((a, b) => a.seq - b.seq)
    this.purgeSeqs = new Set(this.purges.map((p) => p.seq))
    this.erasedBy = this.purges.map(() => 0)
    this.maxCutoff = [this.purges.map((p) => p.auditBefore)]
    for (let width = 2; width <= this.purges.length; width *= 2) {
      const previous = this.maxCutoff[this.maxCutoff.length - 1]!
      const level: string[] = []
      for (let i = 0; i + width <= this.purges.length; i++) {
        const a = previous[i]!
        const b = previous[i + width / 2]!
        level.push(a > b ? a : b)
      }
      this.maxCutoff.push(level)
    }
  }

  /** The sequence numbers of the purges, whose rows a wrong erasure may trace back to. */
  readonly purgeSeqs: ReadonlySet<number>

  /** Checks one row (after its chain and index checks passed). */
  check(row: StoredRow): ErasureFailure | undefined {
    while (this.next < this.purges.length && this.purges[this.next]!.seq <= row.seq) this.next++
    if (this.next > 0 && this.purges[this.next - 1]!.seq === row.seq)
      return this.checkPurgeCount(this.next - 1)
    return this.checkEntry(row)
  }

  /**
   * The same check for one range of a log split among threads: purge rows are skipped (each
   * purge's count spans rows of other ranges; the caller sums {@link erasedCounts} of all ranges
   * and compares them with the purges' recorded counts).
   */
  checkEntryOnly(row: StoredRow): ErasureFailure | undefined {
    while (this.next < this.purges.length && this.purges[this.next]!.seq <= row.seq) this.next++
    if (this.next > 0 && this.purges[this.next - 1]!.seq === row.seq) return undefined
    return this.checkEntry(row)
  }

  /** Per purge (in `seq` order), how many of the rows seen so far carry its erasure. */
  erasedCounts(): readonly number[] {
    return this.erasedBy
  }

  private checkPurgeCount(index: number): ErasureFailure | undefined {
    const purge = this.purges[index]!
    if (this.erasedBy[index] === purge.entriesErased) return undefined
    // Which earlier rows lost or gained the erasure cannot be told from here: no column named.
    return {
      seq: purge.seq,
      fields: [],
      detail: `the purge at ${purge.at} recorded ${purge.entriesErased} erased entries, but ${this.erasedBy[index]} earlier entries carry its erasure`,
    }
  }

  private checkEntry(row: StoredRow): ErasureFailure | undefined {
    if (row.commitment === null) return undefined
    const covering = this.firstCovering(row.at)
    if (!isErased(row)) {
      if (covering === undefined) return undefined
      return {
        seq: row.seq,
        fields: ['personal', 'salt'],
        detail: `the purge at ${this.purges[covering]!.at} erased its personal values, yet they are there`,
      }
    }
    if (covering === undefined)
      return {
        seq: row.seq,
        fields: ['personal', 'salt'],
        detail: 'its personal values are missing, and no retention purge in the log erased them',
      }
    const purge = this.purges[covering]!
    if (row.erasedAt !== purge.at)
      return {
        seq: row.seq,
        fields: ['erasedAt'],
        detail: `it was erased by the purge at ${purge.at}, not at ${row.erasedAt}`,
      }
    this.erasedBy[covering]!++
    return undefined
  }

  /** The first purge from `next` on whose cutoff lies after `at`: binary search on range maxima. */
  private firstCovering(at: string): number | undefined {
    let lo = this.next
    let hi = this.purges.length - 1
    if (lo > hi || this.maxOf(lo, hi) <= at) return undefined
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.maxOf(lo, mid) > at) hi = mid
      else lo = mid + 1
    }
    return lo
  }

  private maxOf(from: number, to: number): string {
    const k = 31 - Math.clz32(to - from + 1)
    const level = this.maxCutoff[k]!
    const a = level[from]!
    const b = level[to - (1 << k) + 1]!
    return a > b ? a : b
  }
}
