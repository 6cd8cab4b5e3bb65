import { ErasureCheck, type RetentionPurge } from './erasure-check.ts'
import { storedCommitmentHolds, storedEntryHashHex } from './hash-chain.ts'
import { findIndexMismatches, isErased, type StoredRow } from './stored-entry-check.ts'

/**
 * One range of the log checked on its own, so several threads can share verification
 * (gateway/audit/parallel-verify.ts). Every stored row carries the hash it links to, so each row
 * is proven from its own columns: its chain hash recomputed from its stored link, its commitment,
 * its search columns, its erasure — and its link to the row before it inside the range. What
 * spans ranges (the links between them, the Merkle tree and checkpoints, each purge's count) the
 * caller joins. A range that is not clean only says where it first went wrong; the sequential
 * verifier (verify.ts) then names the break exactly.
 */
export type RangeOutcome =
  | {
      ok: true
      from: number
      to: number
      /** The stored link of the range's first row, its last row's hash (hex). */
      firstPrevHash: string
      lastEntryHash: string
      /** The chain hashes in order, 32 bytes each: the Merkle tree's leaves. */
      leaves: Buffer
      erasedEntries: number
      /** Per purge (in `seq` order): rows of this range carrying its erasure. */
      erasedCounts: number[]
    }
  | { ok: false; suspectSeq: number }

export interface RangeCheck {
  /** Checks one row; false once the range is known not to be clean (stop reading then). */
  push(row: StoredRow): boolean
  finish(): RangeOutcome
}

export function createRangeCheck(input: {
  from: number
  to: number
  purges: readonly RetentionPurge[]
}): RangeCheck {
  const erasures = new ErasureCheck(input.purges)
  const leaves = Buffer.alloc((input.to - input.from + 1) * 32)
  let expectedSeq = input.from
  let firstPrevHash: string | undefined
  let lastEntryHash: string | undefined
  let erasedEntries = 0
  let suspectSeq: number | undefined

  const clean = (row: StoredRow): boolean => {
    if (row.seq !== expectedSeq || row.seq > input.to) return false
    if (lastEntryHash !== undefined && row.prevHash !== lastEntryHash) return false
    const computed = storedEntryHashHex(row.prevHash, row.commitment, row.canonical)
    if (computed === undefined || computed !== row.entryHash) return false
    if (!storedCommitmentHolds(row) || findIndexMismatches(row).length > 0) return false
    return erasures.checkEntryOnly(row) === undefined
  }

  return {
    push(row) {
      if (suspectSeq !== undefined) return false
      if (!clean(row)) {
        suspectSeq = Math.min(row.seq, expectedSeq)
        return false
      }
      firstPrevHash ??= row.prevHash
      lastEntryHash = row.entryHash
      leaves.write(row.entryHash, (row.seq - input.from) * 32, 32, 'hex')
      if (isErased(row)) erasedEntries++
      expectedSeq++
      return true
    },
    finish() {
      if (suspectSeq !== undefined) return { ok: false, suspectSeq }
      if (expectedSeq !== input.to + 1 || firstPrevHash === undefined || !lastEntryHash)
        return { ok: false, suspectSeq: expectedSeq }
      return {
        ok: true,
        from: input.from,
        to: input.to,
        firstPrevHash,
        lastEntryHash,
        leaves,
        erasedEntries,
        erasedCounts: [...erasures.erasedCounts()],
      }
    },
  }
}
