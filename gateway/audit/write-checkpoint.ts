import { AuditError } from '../../audit/audit-error.ts'
import { signCheckpoint } from '../../audit/checkpoint.ts'
import { genesisHash, storedCommitmentHolds, storedEntryHashHex } from '../../audit/hash-chain.ts'
import { MerkleAccumulator } from '../../audit/merkle-tree.ts'
import {
  findLatestCheckpoint,
  findStoredEntry,
  insertCheckpoint,
  readAuditHead,
  type StoredCheckpoint,
} from '../../db/audit-repository.ts'
import { streamStoredEntries } from '../../db/audit-repository.ts'
import type { Deps } from '../deps.ts'

export type CheckpointOutcome =
  | { written: true; checkpoint: StoredCheckpoint }
  | { written: false; checkpoint: StoredCheckpoint | undefined }

/**
 * Signs the current head of the log when it grew since the last checkpoint (docs/design.md §3.5).
 * Only the entries since then are read: the stored frontier of the last checkpoint resumes the
 * Merkle tree, and each new entry's chain hash is recomputed before it is signed, so a log
 * altered since the last checkpoint is refused rather than sealed.
 */
export async function writeCheckpoint(deps: Deps): Promise<CheckpointOutcome> {
  const head = await readAuditHead(deps.db)
  const latest = await findLatestCheckpoint(deps.db)
  const from = latest?.treeSize ?? 0
  if (head.lastSeq <= from) return { written: false, checkpoint: latest }
  const accumulator = latest
    ? MerkleAccumulator.fromFrontier(
        latest.treeSize,
        latest.frontier.map((h) => Buffer.from(h, 'hex')),
      )
    : new MerkleAccumulator()
  let prev = genesisHash.toString('hex')
  if (from > 0) {
    const last = await findStoredEntry(deps.db, from)
    if (!last) throw chainBroken(from, 'the last checkpointed entry is missing')
    prev = last.entryHash
  }
  let expected = from + 1
  for await (const row of streamStoredEntries(deps.db, { afterSeq: from, upToSeq: head.lastSeq })) {
    if (row.seq !== expected) throw chainBroken(expected, 'an entry is missing')
    const computed = storedEntryHashHex(prev, row.commitment, row.canonical)
    if (
      computed === undefined ||
      !storedCommitmentHolds(row) ||
      row.prevHash !== prev ||
      computed !== row.entryHash
    )
      throw chainBroken(row.seq, 'the entry does not chain to its predecessor')
    accumulator.pushHex(computed)
    prev = computed
    expected++
  }
  if (accumulator.size !== head.lastSeq) throw chainBroken(expected, 'an entry is missing')
  const signed = signCheckpoint({
    treeSize: accumulator.size,
    rootHash: accumulator.root().toString('hex'),
    at: deps.clock.now(),
    key: deps.derivedKeys.audit,
  })
  const checkpoint: StoredCheckpoint = {
    ...signed,
    frontier: accumulator.frontier().map((h) => h.toString('hex')),
  }
  try {
    await insertCheckpoint(deps.db, checkpoint)
  } catch (error) {
    // Another gateway process signed the same size first; its checkpoint stands.
    const winner = await findLatestCheckpoint(deps.db)
    if (winner && winner.treeSize >= checkpoint.treeSize)
      return { written: false, checkpoint: winner }
    throw error
  }
  return { written: true, checkpoint }
}

function chainBroken(seq: number, why: string): AuditError {
  return new AuditError(
    'ERR_AUDIT_CHAIN_BROKEN',
    `The audit log is broken at entry ${seq} (${why}); no checkpoint was signed. Run brucke audit verify.`,
    { details: { seq } },
  )
}
