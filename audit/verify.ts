import { verifyCheckpointSignature, type Checkpoint } from './checkpoint.ts'
import { ErasureCheck, type RetentionPurge } from './erasure-check.ts'
import {
  commitPersonalData,
  computeEntryHash,
  genesisHash,
  storedCommitmentHolds,
  storedEntryHashHex,
} from './hash-chain.ts'
import { emptyTreeHash, MerkleAccumulator } from './merkle-tree.ts'
import {
  findIndexMismatches,
  isErased,
  type StoredField,
  type StoredRow,
} from './stored-entry-check.ts'

/** One row of the log as stored (hex strings as in the database). */
export interface StoredEntry {
  seq: number
  canonical: string
  personal: string | null
  salt: string | null
  commitment: string | null
  prevHash: string
  entryHash: string
}

/** Why verification stopped, at the first bad sequence number. */
export type VerifyFailureReason =
  | 'changed'
  | 'deleted'
  | 'reordered'
  | 'inserted'
  | 'bad_checkpoint_signature'
  | 'checkpoint_root_mismatch'

export interface VerifiedHead {
  treeSize: number
  rootHash: string
  /** Chain hash of the last entry (genesis hash of zeros for an empty log). */
  entryHash: string
  checkpointsVerified: number
  latestCheckpoint: Pick<Checkpoint, 'treeSize' | 'rootHash' | 'at'> | null
  /** Entries whose personal values were erased by the retention purge (their commitment stays). */
  erasedEntries: number
}

export interface VerifyFailure {
  ok: false
  seq: number
  reason: VerifyFailureReason
  detail: string
  /** The stored parts of that row found wrong (one of them when several are named), if known. */
  fields?: StoredField[]
}

export type VerifyResult = ({ ok: true } & VerifiedHead) | VerifyFailure

export interface VerifyInput {
  /** Every row in ascending `seq` order, in pages (a page is checked without awaiting). */
  pages: AsyncIterable<readonly StoredRow[]> | Iterable<readonly StoredRow[]>
  checkpoints: readonly Checkpoint[]
  /** The audit public keys (SPKI base64) a checkpoint may be signed with. */
  trustedPublicKeys: readonly string[]
  /** The head the appender keeps (last seq and its hash), when there is one. */
  head?: { lastSeq: number; lastHash: string }
  /** Finds the row whose stored entry hash is `hash`, to tell a reordering from a deletion. */
  findSeqByEntryHash(hash: string): Promise<number | undefined>
  /**
   * The `retention_purged` entries of the log (read before the pass, as their rows follow the
   * rows they erased). Each is checked again on its own row; none means no row may be erased.
   */
  retentionPurges?: readonly RetentionPurge[]
}

const textSeqPattern = /"seq":(\d+)\}$/

function seqInText(canonical: string): number | undefined {
  const match = textSeqPattern.exec(canonical)
  return match ? Number(match[1]) : undefined
}

interface RowCheck {
  commitment: Buffer | null
  commitmentOk: boolean
}

function checkCommitment(row: StoredEntry): RowCheck {
  return {
    commitment: row.commitment === null ? null : Buffer.from(row.commitment, 'hex'),
    commitmentOk: storedCommitmentHolds(row),
  }
}

/**
 * Which stored part of a row whose link is right but whose bytes do not hash to its stored hash
 * was changed. `successorLink` is the hash the next entry (or the appender's head) links to,
 * i.e. this row's hash as it was written.
 */
function changedFields(
  row: StoredEntry,
  prevHex: string,
  commitmentOk: boolean,
  successorLink: string | undefined,
): StoredField[] {
  const hashWith = (commitment: string | null) =>
    storedEntryHashHex(prevHex, commitment, row.canonical)
  if (!commitmentOk) {
    if (hashWith(row.commitment) === row.entryHash) return ['personal', 'salt']
    if (row.personal !== null && row.salt !== null && /^[0-9a-f]{32}$/.test(row.salt)) {
      const recomputed = commitPersonalData(Buffer.from(row.salt, 'hex'), row.personal)
      if (hashWith(recomputed.toString('hex')) === row.entryHash) return ['commitment']
    }
    return ['personal', 'salt', 'commitment']
  }
  const computed = hashWith(row.commitment)
  if (successorLink !== undefined && successorLink === computed) return ['entryHash']
  // A commitment put on a row that had no personal values looks like an erased row.
  if (row.commitment !== null && row.personal === null && hashWith(null) === row.entryHash)
    return ['commitment']
  if (isErased(row)) return ['canonical', 'commitment']
  return ['canonical']
}

/**
 * Recomputes the whole log and proves every stored part of every row (docs/design.md §3.5): each
 * chain hash from the canonical bytes and salted commitment, the RFC 9162 tree head at each
 * checkpoint and each checkpoint's signature; each search column against the hashed entry it
 * copies (stored-entry-check.ts); each erasure against the purge entries that made it
 * (erasure-check.ts). Returns the verified head, or the FIRST bad sequence number, why, and which
 * stored parts of that row are wrong when that can be told.
 *
 * How a break is named: a row whose successor links around it was inserted; a row linking to a
 * later row was reordered; a row linking two back follows an inserted row; a row whose bytes
 * hash right from the true predecessor but whose stored link differs had its link changed; a row
 * that is consistent in itself but links to a hash nobody holds follows a changed-and-rehashed
 * row, unless its own sequence number was rewritten, in which case its predecessor was deleted;
 * a row whose link is right but whose bytes do not hash to its stored hash was changed.
 */
export async function verifyAuditLog(input: VerifyInput): Promise<VerifyResult> {
  const checkpoints = [...input.checkpoints].sort((a, b) => a.treeSize - b.treeSize)
  const erasures = new ErasureCheck(input.retentionPurges ?? [])
  let nextCheckpoint = 0
  let checkpointsVerified = 0
  let latestCheckpoint = null as VerifiedHead['latestCheckpoint']
  const accumulator = new MerkleAccumulator()
  let expectedSeq = 1
  let expectedPrevHex = genesisHash.toString('hex')
  let storedPrevPrevHex: string | undefined
  let erasedEntries = 0
  const fail = (
    seq: number,
    reason: VerifyFailureReason,
    detail: string,
    fields?: StoredField[],
  ): VerifyFailure => ({ ok: false, seq, reason, detail, ...(fields ? { fields } : {}) })

  // A wrong erasure may be the echo of a purge row changed or removed further on (the check
  // reads the purges before the pass); it is reported only when no such cause follows.
  let erasureFailure: VerifyFailure | undefined
  const settle = (failure: VerifyFailure, purgeRow = false): VerifyFailure => {
    if (!erasureFailure || failure.seq < erasureFailure.seq) return failure
    const explains = purgeRow || failure.reason === 'deleted' || erasures.purgeSeqs.has(failure.seq)
    return explains ? failure : erasureFailure
  }

  const checkCheckpointsAtSize = (): VerifyFailure | undefined => {
    while (
      nextCheckpoint < checkpoints.length &&
      checkpoints[nextCheckpoint]!.treeSize === accumulator.size
    ) {
      const checkpoint = checkpoints[nextCheckpoint]!
      const signature = verifyCheckpointSignature(checkpoint, input.trustedPublicKeys)
      if (!signature.ok)
        return fail(
          checkpoint.treeSize,
          'bad_checkpoint_signature',
          `checkpoint of ${checkpoint.treeSize} entries at ${checkpoint.at}: ${signature.reason}`,
        )
      const root = accumulator.size === 0 ? emptyTreeHash : accumulator.root()
      if (root.toString('hex') !== checkpoint.rootHash)
        return fail(
          (latestCheckpoint?.treeSize ?? 0) + 1,
          'checkpoint_root_mismatch',
          `the entries up to ${checkpoint.treeSize} do not have the root signed at ${checkpoint.at}; an entry after ${latestCheckpoint?.treeSize ?? 0} was rewritten together with every later hash`,
        )
      checkpointsVerified++
      latestCheckpoint = {
        treeSize: checkpoint.treeSize,
        rootHash: checkpoint.rootHash,
        at: checkpoint.at,
      }
      nextCheckpoint++
    }
    return undefined
  }

  const classify = async (
    row: StoredRow,
    next: StoredRow | undefined,
    check: RowCheck,
  ): Promise<VerifyFailure> => {
    const linkOk = row.prevHash === expectedPrevHex
    if (!linkOk) {
      if (
        check.commitmentOk &&
        storedEntryHashHex(expectedPrevHex, row.commitment, row.canonical) === row.entryHash
      )
        return fail(
          row.seq,
          'changed',
          'its link to the previous entry was changed; its bytes hash right from the true one',
          ['prevHash'],
        )
      const linkedSeq = await input.findSeqByEntryHash(row.prevHash)
      if (linkedSeq !== undefined && linkedSeq > row.seq)
        return fail(
          row.seq,
          'reordered',
          `entry ${row.seq} follows entry ${linkedSeq} in the chain`,
          ['seq'],
        )
    }
    if (next && next.prevHash === expectedPrevHex)
      return fail(
        row.seq,
        'inserted',
        `entry ${next.seq} links to entry ${row.seq - 1}, around ${row.seq}`,
      )
    if (!linkOk) {
      if (storedPrevPrevHex !== undefined && row.prevHash === storedPrevPrevHex)
        return fail(
          row.seq - 1,
          'inserted',
          `entry ${row.seq} links to entry ${row.seq - 2}, around ${row.seq - 1}`,
        )
      const selfConsistent =
        check.commitmentOk &&
        computeEntryHash(
          Buffer.from(row.prevHash, 'hex'),
          check.commitment,
          row.canonical,
        ).toString('hex') === row.entryHash
      if (selfConsistent && seqInText(row.canonical) === row.seq)
        return fail(
          row.seq - 1,
          'changed',
          `entry ${row.seq - 1} was changed and its hash recomputed`,
          ['entryHash'],
        )
      return fail(row.seq, 'deleted', `the entry entry ${row.seq} links to is missing`)
    }
    return fail(
      row.seq,
      'changed',
      check.commitmentOk
        ? 'its bytes do not hash to its stored hash'
        : 'its personal values do not match their commitment',
      changedFields(
        row,
        expectedPrevHex,
        check.commitmentOk,
        next?.prevHash ?? input.head?.lastHash,
      ),
    )
  }

  const gap = async (row: StoredRow): Promise<VerifyFailure> => {
    // The missing entry may still be there under another sequence number.
    const movedTo = await input.findSeqByEntryHash(row.prevHash)
    if (movedTo !== undefined && movedTo !== expectedSeq && row.seq === expectedSeq + 1)
      return fail(expectedSeq, 'reordered', `entry ${expectedSeq} is stored as ${movedTo}`, ['seq'])
    return fail(expectedSeq, 'deleted', `entry ${expectedSeq} is missing`)
  }

  // Synchronous on the good path (no promise per entry); only a break needs the async lookup.
  const process = (
    row: StoredRow,
    next: StoredRow | undefined,
  ): VerifyFailure | Promise<VerifyFailure> | undefined => {
    if (row.seq > expectedSeq) return gap(row)
    if (row.seq < expectedSeq)
      return fail(row.seq, 'reordered', `entry ${row.seq} appears out of order`, ['seq'])
    if (input.head && row.seq > input.head.lastSeq)
      return fail(
        row.seq,
        'inserted',
        `entry ${row.seq} lies beyond the appender's head ${input.head.lastSeq}`,
      )
    const computedHex = storedEntryHashHex(expectedPrevHex, row.commitment, row.canonical)
    if (
      computedHex === undefined ||
      row.prevHash !== expectedPrevHex ||
      computedHex !== row.entryHash ||
      !storedCommitmentHolds(row)
    )
      return classify(row, next, checkCommitment(row))
    // The bytes are proven; now every column copied from them.
    const mismatched = findIndexMismatches(row)
    if (mismatched.length > 0)
      return fail(row.seq, 'changed', 'a column copied from its hashed entry differs from it', [
        ...mismatched,
      ])
    const erasure = erasures.check(row)
    if (erasure && !erasureFailure)
      erasureFailure = fail(
        erasure.seq,
        'changed',
        erasure.detail,
        erasure.fields.length > 0 ? erasure.fields : undefined,
      )
    if (isErased(row)) erasedEntries++
    storedPrevPrevHex = expectedPrevHex
    expectedPrevHex = computedHex
    expectedSeq++
    accumulator.pushHex(computedHex)
    return checkCheckpointsAtSize()
  }

  const settled = async (
    row: StoredRow,
    failure: VerifyFailure | Promise<VerifyFailure>,
  ): Promise<VerifyFailure> => {
    const resolved = await failure
    // A purge row whose type column was changed is the cause, not an echo.
    return settle(
      resolved,
      resolved.seq === row.seq && row.canonical.includes('"type":"retention_purged"'),
    )
  }

  const atStart = checkCheckpointsAtSize()
  if (atStart) return atStart
  let pending: StoredRow | undefined
  for await (const page of input.pages) {
    for (const row of page) {
      if (pending) {
        const failure = process(pending, row)
        if (failure) return settled(pending, failure)
      }
      pending = row
    }
  }
  if (pending) {
    const failure = process(pending, undefined)
    if (failure) return settled(pending, failure)
  }
  const size = accumulator.size
  const beyond = checkpoints[nextCheckpoint]
  if (beyond)
    return settle(
      fail(
        size + 1,
        'deleted',
        `a checkpoint signed ${beyond.treeSize} entries but only ${size} remain`,
      ),
    )
  if (input.head) {
    if (input.head.lastSeq > size)
      return settle(
        fail(
          size + 1,
          'deleted',
          `the appender's head is at ${input.head.lastSeq} but only ${size} entries remain`,
        ),
      )
    if (input.head.lastHash !== expectedPrevHex) {
      const from = (latestCheckpoint?.treeSize ?? 0) + 1
      return settle(
        fail(
          from,
          'changed',
          `the chain no longer ends in the appender's head hash; an entry from ${from} on was rewritten`,
        ),
      )
    }
  }
  if (erasureFailure) return erasureFailure
  return {
    ok: true,
    treeSize: size,
    rootHash: (size === 0 ? emptyTreeHash : accumulator.root()).toString('hex'),
    entryHash: expectedPrevHex,
    checkpointsVerified,
    latestCheckpoint,
    erasedEntries,
  }
}
