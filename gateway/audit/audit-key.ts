import { hkdfSync } from 'node:crypto'
import { auditKeyPairFromSeed, type AuditKeyPair } from '../../audit/checkpoint.ts'

const info = 'brucke audit key v1'

/**
 * The gateway's audit signing key: an Ed25519 seed derived by HKDF-SHA256 (RFC 5869) from the
 * master key with info "brucke audit key v1". Derived, not stored, so there is no key file to lose
 * or leak; rotating the master key rotates it (older checkpoints keep their own public key).
 * Derived once per running gateway (`Deps.derivedKeys.audit`, gateway/runtime-parts.ts).
 */
export function deriveAuditKey(masterKey: Buffer): AuditKeyPair {
  const seed = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32))
  return auditKeyPairFromSeed(seed)
}
