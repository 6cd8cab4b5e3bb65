import { AuditError } from '../../audit/audit-error.ts'
import { checkProofDocument, type InclusionProofDocument } from '../../audit/proof-document.ts'
import { buildInclusionProof } from '../audit/build-proofs.ts'
import type { EntryProofView } from '../../templates/pages/dpo/dpo-entry-view.ts'
import type { Deps } from '../deps.ts'

/**
 * Builds the entry's RFC 9162 inclusion proof against the latest checkpoint and checks it the way
 * an outsider would (`checkProofDocument` with the gateway's audit key), so the page states
 * "proven up to checkpoint N" only for a proof that actually verified.
 */
export async function proveEntry(deps: Deps, seq: number): Promise<EntryProofView> {
  let document: InclusionProofDocument
  try {
    document = await buildInclusionProof(deps, seq)
  } catch (error) {
    if (error instanceof AuditError && error.code === 'ERR_AUDIT_NOT_YET_CHECKPOINTED')
      return { state: 'pending', treeSize: Number(error.details?.treeSize ?? 0) }
    if (error instanceof AuditError && error.code === 'ERR_AUDIT_NO_CHECKPOINT')
      return { state: 'pending', treeSize: null }
    throw error
  }
  const check = checkProofDocument(document, [deps.derivedKeys.audit.publicKeyBase64])
  if (!check.ok) return { state: 'failed', reason: check.reason }
  if (check.kind !== 'inclusion') return { state: 'failed', reason: 'not an inclusion proof' }
  return {
    state: 'proven',
    treeSize: check.treeSize,
    checkpointAt: check.checkpointAt,
    pathLength: document.path.length,
    rootHash: document.checkpoint.rootHash,
  }
}
