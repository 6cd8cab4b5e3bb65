import { verifyCheckpointSignature, type CheckpointCheck } from '../../audit/checkpoint.ts'
import {
  findLatestCheckpoint,
  readAuditHead,
  searchAuditEntries,
  type AuditRecord,
} from '../../db/audit-repository.ts'
import { deriveAuditKey } from '../audit/audit-key.ts'
import type { Deps } from '../deps.ts'

export interface ChainStatus {
  /** Entries in the log (the head's sequence number). */
  entries: number
  latestCheckpoint:
    { treeSize: number; rootHash: string; at: string; signature: CheckpointCheck } | undefined
  /** The newest `audit_verified` entry: the last full recomputation, by whom and its outcome. */
  lastVerification: AuditRecord | undefined
}

/**
 * What the top of every DPO page shows. The latest checkpoint's signature is checked against this
 * gateway's audit key on every call (cheap); the full recomputation of the chain is a deliberate
 * action (`verifyAndRecord`), so here only its last recorded outcome is read.
 */
export async function loadChainStatus(deps: Deps): Promise<ChainStatus> {
  const [head, checkpoint, verifications] = await Promise.all([
    readAuditHead(deps.db),
    findLatestCheckpoint(deps.db),
    searchAuditEntries(deps.db, { types: ['audit_verified'] }, { limit: 1, order: 'desc' }),
  ])
  const trusted = [deriveAuditKey(deps.config.secrets.masterKey).publicKeyBase64]
  return {
    entries: head.lastSeq,
    latestCheckpoint: checkpoint
      ? {
          treeSize: checkpoint.treeSize,
          rootHash: checkpoint.rootHash,
          at: checkpoint.at,
          signature: verifyCheckpointSignature(checkpoint, trusted),
        }
      : undefined,
    lastVerification: verifications.entries[0],
  }
}
