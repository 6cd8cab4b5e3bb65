import { Worker } from 'node:worker_threads'
import { verifyCheckpointSignature, type Checkpoint } from '../../audit/checkpoint.ts'
import type { RetentionPurge } from '../../audit/erasure-check.ts'
import { genesisHash } from '../../audit/hash-chain.ts'
import { emptyTreeHash, MerkleAccumulator } from '../../audit/merkle-tree.ts'
import type { RangeOutcome } from '../../audit/range-check.ts'
import type { VerifiedHead } from '../../audit/verify.ts'
import type { RangeOrder } from './verify-range-thread.ts'

export interface ParallelVerifyInput {
  databaseUrl: string
  head: { lastSeq: number; lastHash: string }
  checkpoints: readonly Checkpoint[]
  trustedPublicKeys: readonly string[]
  purges: readonly RetentionPurge[]
  threads: number
}

/** Where the parallel pass first saw something wrong (the sequential verifier names it). */
export interface Suspect {
  ok: false
  suspectSeq: number
  /** The first suspect entry of each range that had one, in order. */
  suspects: number[]
}

const workerUrl = new URL('./verify-range-worker.js', import.meta.url)

/**
 * `brucke audit verify` on every core: the rows 1 … head split into one range per thread, each
 * thread proving its rows from their own columns (audit/range-check.ts); this thread then joins
 * them — each range links to the one before, the Merkle tree over all chain hashes has every
 * checkpoint's signed root, the chain ends in the appender's head, each purge's count adds up.
 * A clean log gives the same head as the sequential verifier (audit/verify.ts); anything else
 * gives the first suspect entry, and the caller runs the sequential verifier to name the break.
 */
export async function verifyInParallel(
  input: ParallelVerifyInput,
): Promise<({ ok: true } & VerifiedHead) | Suspect> {
  const total = input.head.lastSeq
  const threads = Math.max(1, Math.min(input.threads, total))
  const size = Math.ceil(total / threads)
  const orders: RangeOrder[] = []
  for (let from = 1; from <= total; from += size)
    orders.push({
      databaseUrl: input.databaseUrl,
      from,
      to: Math.min(total, from + size - 1),
      purges: [...input.purges],
    })
  const outcomes = await Promise.all(orders.map(runRange))
  const suspects = outcomes.flatMap((o) => (o.ok ? [] : [o.suspectSeq]))
  if (suspects.length > 0) return { ok: false, suspectSeq: suspects[0]!, suspects }
  return join(input, outcomes as Extract<RangeOutcome, { ok: true }>[])
}

function runRange(order: RangeOrder): Promise<RangeOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl, { workerData: order })
    let outcome: RangeOutcome | undefined
    worker.once('message', (message: RangeOutcome) => (outcome = message))
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (outcome) resolve(outcome)
      else reject(new Error(`audit verification thread exited with ${code} before reporting`))
    })
  })
}

function join(
  input: ParallelVerifyInput,
  ranges: Extract<RangeOutcome, { ok: true }>[],
): ({ ok: true } & VerifiedHead) | Suspect {
  const checkpoints = [...input.checkpoints].sort((a, b) => a.treeSize - b.treeSize)
  const accumulator = new MerkleAccumulator()
  let nextCheckpoint = 0
  let checkpointsVerified = 0
  let latestCheckpoint = null as VerifiedHead['latestCheckpoint']
  let previousHash = genesisHash.toString('hex')
  let erasedEntries = 0
  const erasedByPurge = input.purges.map(() => 0)
  const suspect = (seq: number): Suspect => ({ ok: false, suspectSeq: seq, suspects: [seq] })

  // Every checkpoint whose size the tree has reached: signed by us, and with its root.
  const checkpointsHold = (): boolean => {
    while (
      nextCheckpoint < checkpoints.length &&
      checkpoints[nextCheckpoint]!.treeSize === accumulator.size
    ) {
      const checkpoint = checkpoints[nextCheckpoint]!
      if (!verifyCheckpointSignature(checkpoint, input.trustedPublicKeys).ok) return false
      const root = accumulator.size === 0 ? emptyTreeHash : accumulator.root()
      if (root.toString('hex') !== checkpoint.rootHash) return false
      checkpointsVerified++
      latestCheckpoint = {
        treeSize: checkpoint.treeSize,
        rootHash: checkpoint.rootHash,
        at: checkpoint.at,
      }
      nextCheckpoint++
    }
    return true
  }

  if (!checkpointsHold()) return suspect(1)
  for (const range of ranges) {
    if (range.firstPrevHash !== previousHash) return suspect(range.from)
    const leaves = Buffer.from(range.leaves.buffer, range.leaves.byteOffset, range.leaves.length)
    for (let offset = 0; offset < leaves.length; offset += 32) {
      accumulator.pushHex(leaves.toString('hex', offset, offset + 32))
      if (!checkpointsHold()) return suspect((latestCheckpoint?.treeSize ?? 0) + 1)
    }
    previousHash = range.lastEntryHash
    erasedEntries += range.erasedEntries
    range.erasedCounts.forEach((count, i) => (erasedByPurge[i]! += count))
  }
  const size = accumulator.size
  if (nextCheckpoint < checkpoints.length || size !== input.head.lastSeq) return suspect(size + 1)
  if (previousHash !== input.head.lastHash) return suspect((latestCheckpoint?.treeSize ?? 0) + 1)
  const purges = [...input.purges].sort((a, b) => a.seq - b.seq)
  const miscounted = purges.findIndex((purge, i) => erasedByPurge[i] !== purge.entriesErased)
  if (miscounted >= 0) return suspect(purges[miscounted]!.seq)
  return {
    ok: true,
    treeSize: size,
    rootHash: (size === 0 ? emptyTreeHash : accumulator.root()).toString('hex'),
    entryHash: previousHash,
    checkpointsVerified,
    latestCheckpoint,
    erasedEntries,
  }
}
