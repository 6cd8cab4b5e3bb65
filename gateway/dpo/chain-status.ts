import { verifyCheckpointSignature } from '../../audit/checkpoint.ts'
import {
  findLatestCheckpoint,
  readAuditHead,
  searchAuditEntries,
} from '../../db/audit-repository.ts'
import type { ChainStatus } from '../../templates/pages/dpo/dpo-frame.ts'
import type { Deps } from '../deps.ts'

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
  const trusted = [deps.derivedKeys.audit.publicKeyBase64]
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
