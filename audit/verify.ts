import { verifyCheckpointSignature, type Checkpoint } from './checkpoint.ts'
import {
  computeEntryHash,
  genesisHash,
  storedCommitmentHolds,
  storedEntryHashHex,
} from './hash-chain.ts'
import { emptyTreeHash, MerkleAccumulator } from './merkle-tree.ts'

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

export type VerifyResult =
  | ({ ok: true } & VerifiedHead)
  | { ok: false; seq: number; reason: VerifyFailureReason; detail: string }

export interface VerifyInput {
  /** Every entry in ascending `seq` order, in pages (a page is checked without awaiting). */
  pages: AsyncIterable<readonly StoredEntry[]> | Iterable<readonly StoredEntry[]>
  checkpoints: readonly Checkpoint[]
  /** The audit public keys (SPKI base64) a checkpoint may be signed with. */
  trustedPublicKeys: readonly string[]
  /** The head the appender keeps (last seq and its hash), when there is one. */
  head?: { lastSeq: number; lastHash: string }
  /** Finds the row whose stored entry hash is `hash`, to tell a reordering from a deletion. */
  findSeqByEntryHash(hash: string): Promise<number | undefined>
}

const textSeqPattern = /"seq":(\d+)\}$/

function seqInText(canonical: string): number | undefined {
  const match = textSeqPattern.exec(canonical)
  return match ? Number(match[1]) : undefined
}

interface RowCheck {
  commitment: Buffer | null
  commitmentOk: boolean
  erased: boolean
}

/** The retention purge erased the personal values; the commitment stays. */
const isErased = (row: StoredEntry): boolean => row.commitment !== null && row.personal === null

function checkCommitment(row: StoredEntry): RowCheck {
  return {
    commitment: row.commitment === null ? null : Buffer.from(row.commitment, 'hex'),
    commitmentOk: storedCommitmentHolds(row),
    erased: isErased(row),
  }
}

/**
 * Recomputes the whole log — every chain hash from the canonical bytes, every salted commitment,
 * the RFC 9162 tree head at each checkpoint and each checkpoint's signature — and returns the
 * verified head or the FIRST bad sequence number and why (DESIGN.md §3.5).
 *
 * How a break is named: a row whose successor links around it was inserted; a row linking to a
 * later row was reordered; a row linking two back follows an inserted row; a row that is
 * consistent in itself but links to a hash nobody holds follows a changed-and-rehashed row, unless
 * its own sequence number was rewritten, in which case its predecessor was deleted; a row whose
 * link is right but whose bytes do not hash to its stored hash was changed.
 */
export async function verifyAuditLog(input: VerifyInput): Promise<VerifyResult> {
  const checkpoints = [...input.checkpoints].sort((a, b) => a.treeSize - b.treeSize)
  let nextCheckpoint = 0
  let checkpointsVerified = 0
  let latestCheckpoint = null as VerifiedHead['latestCheckpoint']
  const accumulator = new MerkleAccumulator()
  let expectedSeq = 1
  let expectedPrevHex = genesisHash.toString('hex')
  let storedPrevPrevHex: string | undefined
  let erasedEntries = 0

  const checkCheckpointsAtSize = (): Extract<VerifyResult, { ok: false }> | undefined => {
    while (
      nextCheckpoint < checkpoints.length &&
      checkpoints[nextCheckpoint]!.treeSize === accumulator.size
    ) {
      const checkpoint = checkpoints[nextCheckpoint]!
      const signature = verifyCheckpointSignature(checkpoint, input.trustedPublicKeys)
      if (!signature.ok)
        return {
          ok: false,
          seq: checkpoint.treeSize,
          reason: 'bad_checkpoint_signature',
          detail: `checkpoint of ${checkpoint.treeSize} entries at ${checkpoint.at}: ${signature.reason}`,
        }
      const root = accumulator.size === 0 ? emptyTreeHash : accumulator.root()
      if (root.toString('hex') !== checkpoint.rootHash)
        return {
          ok: false,
          seq: (latestCheckpoint?.treeSize ?? 0) + 1,
          reason: 'checkpoint_root_mismatch',
          detail: `the entries up to ${checkpoint.treeSize} do not have the root signed at ${checkpoint.at}; an entry after ${latestCheckpoint?.treeSize ?? 0} was rewritten together with every later hash`,
        }
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
    row: StoredEntry,
    next: StoredEntry | undefined,
    check: RowCheck,
  ): Promise<Extract<VerifyResult, { ok: false }>> => {
    const fail = (seq: number, reason: VerifyFailureReason, detail: string) =>
      ({ ok: false, seq, reason, detail }) as const
    const linkOk = row.prevHash === expectedPrevHex
    if (!linkOk) {
      const linkedSeq = await input.findSeqByEntryHash(row.prevHash)
      if (linkedSeq !== undefined && linkedSeq > row.seq)
        return fail(
          row.seq,
          'reordered',
          `entry ${row.seq} follows entry ${linkedSeq} in the chain`,
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
        )
      return fail(row.seq, 'deleted', `the entry entry ${row.seq} links to is missing`)
    }
    return fail(
      row.seq,
      'changed',
      check.commitmentOk
        ? 'its bytes do not hash to its stored hash'
        : 'its personal values do not match their commitment',
    )
  }

  type Failure = Extract<VerifyResult, { ok: false }>
  // Synchronous on the good path (no promise per entry); only a break needs the async lookup.
  const process = (
    row: StoredEntry,
    next: StoredEntry | undefined,
  ): Failure | Promise<Failure> | undefined => {
    if (row.seq > expectedSeq)
      return {
        ok: false,
        seq: expectedSeq,
        reason: 'deleted',
        detail: `entry ${expectedSeq} is missing`,
      }
    if (row.seq < expectedSeq)
      return {
        ok: false,
        seq: row.seq,
        reason: 'reordered',
        detail: `entry ${row.seq} appears out of order`,
      }
    if (input.head && row.seq > input.head.lastSeq)
      return {
        ok: false,
        seq: row.seq,
        reason: 'inserted',
        detail: `entry ${row.seq} lies beyond the appender's head ${input.head.lastSeq}`,
      }
    const computedHex = storedEntryHashHex(expectedPrevHex, row.commitment, row.canonical)
    if (
      computedHex === undefined ||
      row.prevHash !== expectedPrevHex ||
      computedHex !== row.entryHash ||
      !storedCommitmentHolds(row)
    )
      return classify(row, next, checkCommitment(row))
    if (isErased(row)) erasedEntries++
    storedPrevPrevHex = expectedPrevHex
    expectedPrevHex = computedHex
    expectedSeq++
    accumulator.pushHex(computedHex)
    return checkCheckpointsAtSize()
  }

  const atStart = checkCheckpointsAtSize()
  if (atStart) return atStart
  let pending: StoredEntry | undefined
  for await (const page of input.pages) {
    for (const row of page) {
      if (pending) {
        const failure = process(pending, row)
        if (failure) return await failure
      }
      pending = row
    }
  }
  if (pending) {
    const failure = await process(pending, undefined)
    if (failure) return failure
  }
  const size = accumulator.size
  const beyond = checkpoints[nextCheckpoint]
  if (beyond)
    return {
      ok: false,
      seq: size + 1,
      reason: 'deleted',
      detail: `a checkpoint signed ${beyond.treeSize} entries but only ${size} remain`,
    }
  if (input.head) {
    if (input.head.lastSeq > size)
      return {
        ok: false,
        seq: size + 1,
        reason: 'deleted',
        detail: `the appender's head is at ${input.head.lastSeq} but only ${size} entries remain`,
      }
    if (input.head.lastHash !== expectedPrevHex) {
      const from = (latestCheckpoint?.treeSize ?? 0) + 1
      return {
        ok: false,
        seq: from,
        reason: 'changed',
        detail: `the chain no longer ends in the appender's head hash; an entry from ${from} on was rewritten`,
      }
    }
  }
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
