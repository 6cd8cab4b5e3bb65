import { verifyAuditLog, type VerifiedHead, type VerifyFailure } from '../../audit/verify.ts'
import {
  appendAuditEvent,
  auditColumnOfField,
  findEntryBeyondHead,
  findSeqByEntryHash,
  listCheckpoints,
  listRetentionPurges,
  readAuditHead,
  streamStoredPages,
  type AuditColumn,
} from '../../db/audit-repository.ts'
import { availableParallelism } from 'node:os'
import type { Actor } from '../../audit/audit-event.ts'
import type { Deps } from '../deps.ts'
import { verifyInParallel } from './parallel-verify.ts'

export interface VerifyOptions {
  /** Threads that share the work (default: every core); 1 verifies in this thread only. */
  threads?: number
  /** Logs shorter than this are verified in this thread: starting threads costs more. */
  parallelFromEntries?: number
}

// Each thread loads the sources anew (tsx: some seconds), so only a long log gains.
const defaultParallelFromEntries = 200_000

/** The outcome of verifying the stored log: a broken row names its wrong columns when known. */
export type AuditVerification =
  ({ ok: true } & VerifiedHead) | (Omit<VerifyFailure, 'fields'> & { columns?: AuditColumn[] })

/**
 * Recomputes the whole log against the checkpoints signed with this gateway's audit key and
 * proves every column of every row (audit/verify.ts). Entries are read in pages, so memory stays
 * flat for any size.
 */
export async function verifyStoredAuditLog(
  deps: Deps,
  options: VerifyOptions = {},
): Promise<AuditVerification> {
  let result = await verifyOnce(deps, options)
  // A purge that committed while the pages were read erased rows the pass then saw without the
  // purge's own entry: one more pass, with it, tells that from tampering.
  if (!result.ok && result.purgesSeen !== (await listRetentionPurges(deps.db)).length)
    result = await verifyOnce(deps, options)
  if (!result.ok) {
    const { fields, purgesSeen: _p, ...failure } = result
    return fields ? { ...failure, columns: fields.map((f) => auditColumnOfField[f]) } : failure
  }
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

async function verifyOnce(
  deps: Deps,
  options: VerifyOptions,
): Promise<({ ok: true } & VerifiedHead) | (VerifyFailure & { purgesSeen: number })> {
  const [head, checkpoints] = await Promise.all([readAuditHead(deps.db), listCheckpoints(deps.db)])
  const retentionPurges = await listRetentionPurges(deps.db, { upToSeq: head.lastSeq })
  const threads = options.threads ?? availableParallelism()
  const url = deps.config.databaseUrl
  // Each thread opens the database itself: not possible for a database in memory.
  if (
    threads > 1 &&
    head.lastSeq >= (options.parallelFromEntries ?? defaultParallelFromEntries) &&
    url !== 'file::memory:' &&
    url !== 'file:'
  ) {
    const parallel = await verifyInParallel({
      databaseUrl: url,
      head,
      checkpoints,
      trustedPublicKeys: [deps.derivedKeys.audit.publicKeyBase64],
      purges: retentionPurges,
      threads,
    })
    // Anything suspect: the sequential pass below names the first break exactly.
    if (parallel.ok) return parallel
  }
  const result = await verifyAuditLog({
    // Entries appended while verification runs lie beyond the head read above; leave them out.
    pages: streamStoredPages(deps.db, { upToSeq: head.lastSeq }),
    checkpoints,
    trustedPublicKeys: [deps.derivedKeys.audit.publicKeyBase64],
    head,
    findSeqByEntryHash: (hash) => findSeqByEntryHash(deps.db, hash),
    retentionPurges,
  })
  return result.ok ? result : { ...result, purgesSeen: retentionPurges.length }
}

/** Verifies and records that it was done (`audit_verified`), by whom and with what outcome. */
export async function verifyAndRecord(
  deps: Deps,
  actor: Actor,
  options: VerifyOptions = {},
): Promise<AuditVerification> {
  const result = await verifyStoredAuditLog(deps, options)
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
