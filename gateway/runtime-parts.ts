import type { AuditKeyPair } from '../audit/checkpoint.ts'
import { derivePseudonymKey } from '../consent/pseudonym.ts'
import { createAuditAppender, type AuditAppender } from '../db/audit-group-commit.ts'
import { deriveAuditKey } from './audit/audit-key.ts'
import type { Deps } from './deps.ts'
import { createKioskSummaryStore, type KioskSummaryStore } from './kiosk/kiosk-summaries.ts'
import { createOutboxSignal, type OutboxSignal } from './relay/outbox-signal.ts'
import type { AgencyKeyring } from './relay/ports.ts'
import { createRelayKeyring } from './relay/relay-keyring.ts'

/**
 * The parts of a running gateway that live as long as it does and are shared by every request,
 * page and background service: keys derived from the master key, the relay's keyring (with its
 * lookup cache) and outbox signal, the case summaries waiting on kiosks. Built once, with the rest
 * of `Deps`, by `gateway/runtime.ts` (serve and CLI) and `tests/support/test-deps.ts` — never
 * found through a module-level map, so each test (or second gateway in a process) has its own.
 */
export interface RuntimeParts {
  derivedKeys: {
    /** Ed25519 key that signs audit checkpoints (HKDF info "brucke audit key v1"). */
    audit: AuditKeyPair
    /** HMAC key of the subject pseudonyms (HKDF info "brucke pseudonym v1"). */
    pseudonym: Buffer
  }
  relay: {
    keyring: AgencyKeyring
    /** Wakes this process's delivery worker when a transfer is queued. */
    outbox: OutboxSignal
  }
  /** Case summaries waiting on kiosks, in memory only. */
  kioskSummaries: KioskSummaryStore
  /** Audit entries recording no change of their own, committed in groups (group commit). */
  auditAppender: AuditAppender
}

export function createRuntimeParts(base: Pick<Deps, 'db' | 'config' | 'log'>): RuntimeParts {
  const masterKey = base.config.secrets.masterKey
  return {
    derivedKeys: { audit: deriveAuditKey(masterKey), pseudonym: derivePseudonymKey(masterKey) },
    relay: { keyring: createRelayKeyring(base), outbox: createOutboxSignal() },
    kioskSummaries: createKioskSummaryStore(),
    auditAppender: createAuditAppender(base.db),
  }
}
