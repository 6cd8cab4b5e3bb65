import type { AuditKeyPair } from '../audit/checkpoint.ts'
import { derivePseudonymKey } from '../consent/pseudonym.ts'
import { deriveRecordKey } from '../crypto/sealed-record.ts'
import { createAuditAppender, type AuditAppender } from '../db/audit-group-commit.ts'
import { deriveAuditKey } from './audit/audit-key.ts'
import { createVerifiedTokens, type VerifiedTokens } from './auth/verified-tokens.ts'
import { createHardwareKeys, type HardwareKeys } from './crypto/hardware-keys.ts'
import { createTrustMaterialCache, type TrustMaterialCache } from './crypto/trust-material-cache.ts'
import type { Deps } from './deps.ts'
import { createReadinessBoard, type ReadinessBoard } from './readiness.ts'
import { composerDraftKeyInfo } from './staff/composer-drafts.ts'
import { createKioskSummaryStore, type KioskSummaryStore } from './kiosk/kiosk-summaries.ts'
import { createGatewayMetrics, type GatewayMetrics } from './metrics/gateway-metrics.ts'
import { createOutboxSignal, type OutboxSignal } from './relay/outbox-signal.ts'
import type { AgencyKeyring } from './relay/ports.ts'
import { createRelayKeyring } from './relay/relay-keyring.ts'

/**
 * The parts of a running gateway that live as long as it does and are shared by every request,
 * page and background service: keys derived from the master key, the relay's keyring (with its
 * lookup cache) and outbox signal, the case summaries waiting on kiosks, the metrics registry.
 * Built once, with the rest
 * of `Deps`, by `gateway/runtime.ts` (serve and CLI) and `tests/support/test-deps.ts` — never
 * found through a module-level map, so each test (or second gateway in a process) has its own.
 */
export interface RuntimeParts {
  derivedKeys: {
    /** Ed25519 key that signs audit checkpoints (HKDF info "brucke audit key v1"). */
    audit: AuditKeyPair
    /** HMAC key of the subject pseudonyms (HKDF info "brucke pseudonym v1"). */
    pseudonym: Buffer
    /** AES-256-GCM key of the staff's composer drafts (HKDF info "brucke composer drafts v1"). */
    composerDrafts: Buffer
  }
  relay: {
    keyring: AgencyKeyring
    /** Agency keys in a PKCS#11 token (`PKCS11_AGENCY_KEYS`); undefined = file and stored keys only. */
    hardwareKeys: HardwareKeys | undefined
    /** Wakes this process's delivery worker when a transfer is queued. */
    outbox: OutboxSignal
  }
  /** Case summaries waiting on kiosks, in memory only. */
  kioskSummaries: KioskSummaryStore
  /** The background parts `/readyz` requires running (the delivery worker registers itself). */
  readiness: ReadinessBoard
  /** This gateway's Prometheus registry and the counters the code records into. */
  metrics: GatewayMetrics
  /** Audit entries recording no change of their own, committed in groups (group commit). */
  auditAppender: AuditAppender
  /** Bearer tokens whose signature was checked; revocation is still read on every request. */
  verifiedTokens: VerifiedTokens
  /** Trust anchors and CRLs as last loaded, reused while the database says they are unchanged. */
  trustMaterial: TrustMaterialCache
}

export function createRuntimeParts(
  base: Pick<Deps, 'db' | 'config' | 'log' | 'clock'>,
): RuntimeParts {
  const masterKey = base.config.secrets.masterKey
  const hardwareKeys = createHardwareKeys(base.config, base.log)
  return {
    derivedKeys: {
      audit: deriveAuditKey(masterKey),
      pseudonym: derivePseudonymKey(masterKey),
      composerDrafts: deriveRecordKey(masterKey, composerDraftKeyInfo),
    },
    relay: {
      keyring: createRelayKeyring(base, hardwareKeys),
      hardwareKeys,
      outbox: createOutboxSignal(),
    },
    kioskSummaries: createKioskSummaryStore(),
    readiness: createReadinessBoard(),
    metrics: createGatewayMetrics(base),
    auditAppender: createAuditAppender(base.db),
    verifiedTokens: createVerifiedTokens(),
    trustMaterial: createTrustMaterialCache(),
  }
}
