import { verifyAuditLog, type VerifyResult } from '../../audit/verify.ts'
import {
  appendAuditEvent,
  findEntryBeyondHead,
  findSeqByEntryHash,
  listCheckpoints,
  readAuditHead,
  streamStoredPages,
} from '../../db/audit-repository.ts'
import type { Actor } from '../../audit/audit-event.ts'
import type { Deps } from '../deps.ts'
import { deriveAuditKey } from './audit-key.ts'

/**
 * Recomputes the whole log against the checkpoints signed with this gateway's audit key. Entries
 * are read in pages, so memory stays flat for any size.
 */
export async function verifyStoredAuditLog(deps: Deps): Promise<VerifyResult> {
  const [head, checkpoints] = await Promise.all([readAuditHead(deps.db), listCheckpoints(deps.db)])
  const result = await verifyAuditLog({
    // Entries appended while verification runs lie beyond the head read above; leave them out.
    pages: streamStoredPages(deps.db, { upToSeq: head.lastSeq }),
    checkpoints,
    trustedPublicKeys: [deriveAuditKey(deps.config.secrets.masterKey).publicKeyBase64],
    head,
    findSeqByEntryHash: (hash) => findSeqByEntryHash(deps.db, hash),
  })
  if (!result.ok) return result
  // Every legitimate append moves the head in its own transaction, so a row beyond the head as
  // committed now was written around the appender.
  const smuggled = await findEntryBeyondHead(deps.db)
  if (smuggled !== undefined)
    return {
      ok: false,
      seq: smuggled,
      reason: 'inserted',
      detail: `entry ${smuggled} lies beyond the appender's head`,
    }
  return result
}

/** Verifies and records that it was done (`audit_verified`), by whom and with what outcome. */
export async function verifyAndRecord(deps: Deps, actor: Actor): Promise<VerifyResult> {
  const result = await verifyStoredAuditLog(deps)
  await appendAuditEvent(deps.db, {
    at: deps.clock.now(),
    actor,
    event: result.ok
      ? {
          type: 'audit_verified',
          outcome: 'intact',
          treeSize: result.treeSize,
          rootHash: result.rootHash,
        }
      : {
          type: 'audit_verified',
          outcome: 'broken',
          treeSize: Math.max(0, result.seq - 1), // entries intact before the break
          firstBadSeq: result.seq,
          reason: result.reason,
        },
  })
  return result
}
