import { AuditError } from '../../audit/audit-error.ts'
import { consistencyProof, inclusionProof } from '../../audit/merkle-tree.ts'
import type {
  ConsistencyProofDocument,
  InclusionProofDocument,
} from '../../audit/proof-document.ts'
import {
  findCheckpoint,
  findLatestCheckpoint,
  findStoredEntry,
  readLeafHashes,
  type StoredCheckpoint,
} from '../../db/audit-repository.ts'
import type { Deps } from '../deps.ts'

function publicPart(checkpoint: StoredCheckpoint): InclusionProofDocument['checkpoint'] {
  const { frontier: _f, ...rest } = checkpoint
  return rest
}

/**
 * The inclusion proof (RFC 9162 §2.1.3) of entry `seq` against the latest signed checkpoint, as a
 * self-contained document. The leaf hashes come from the stored chain hashes; the proof is only
 * as good as the checkpoint's signature, which the checker verifies.
 */
export async function buildInclusionProof(
  deps: Deps,
  seq: number,
): Promise<InclusionProofDocument> {
  const checkpoint = await findLatestCheckpoint(deps.db)
  if (!checkpoint)
    throw new AuditError('ERR_AUDIT_NO_CHECKPOINT', 'No checkpoint has been signed yet.')
  const entry = await findStoredEntry(deps.db, seq)
  if (!entry)
    throw new AuditError('ERR_AUDIT_ENTRY_NOT_FOUND', `There is no audit entry ${seq}.`, {
      details: { seq },
    })
  if (seq > checkpoint.treeSize)
    throw new AuditError(
      'ERR_AUDIT_NOT_YET_CHECKPOINTED',
      `Entry ${seq} is newer than the latest checkpoint (${checkpoint.treeSize} entries); try again after the next one.`,
      { details: { seq, treeSize: checkpoint.treeSize } },
    )
  const leaves = await readLeafHashes(deps.db, checkpoint.treeSize)
  return {
    format: 'brucke-audit-inclusion-proof/v1',
    entry: {
      seq,
      canonical: entry.canonical,
      commitment: entry.commitment,
      prevHash: entry.prevHash,
      entryHash: entry.entryHash,
    },
    leafIndex: seq - 1,
    treeSize: checkpoint.treeSize,
    path: inclusionProof(leaves, seq - 1, checkpoint.treeSize).map((h) => h.toString('hex')),
    checkpoint: publicPart(checkpoint),
  }
}

/** The consistency proof (RFC 9162 §2.1.4) between the checkpoints of sizes `from` and `to`. */
export async function buildConsistencyProof(
  deps: Deps,
  range: { from: number; to: number },
): Promise<ConsistencyProofDocument> {
  if (range.from > range.to)
    throw new AuditError('ERR_AUDIT_BAD_RANGE', '`from` must not be larger than `to`.', {
      details: range,
    })
  const [from, to] = await Promise.all([
    findCheckpoint(deps.db, range.from),
    findCheckpoint(deps.db, range.to),
  ])
  if (!from || !to)
    throw new AuditError(
      'ERR_AUDIT_CHECKPOINT_NOT_FOUND',
      'Both sizes must be those of signed checkpoints.',
      {
        details: {
          missing: [!from ? range.from : undefined, !to ? range.to : undefined].filter(
            (v) => v !== undefined,
          ),
        },
      },
    )
  const leaves = await readLeafHashes(deps.db, to.treeSize)
  return {
    format: 'brucke-audit-consistency-proof/v1',
    from: publicPart(from),
    to: publicPart(to),
    path: consistencyProof(leaves, from.treeSize, to.treeSize).map((h) => h.toString('hex')),
  }
}
