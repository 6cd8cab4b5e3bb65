import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto'

/**
 * A small record sealed at rest with AES-256-GCM (NIST SP 800-38D) under a key derived from the
 * master key: for data the gateway keeps for itself and opens itself (composer drafts), where
 * an S/MIME envelope to an agency certificate would be the wrong tool. The associated data binds
 * the ciphertext to its row (id, owner), so a sealed value copied into another row does not open.
 *
 * Layout: version octet 0x01 ‖ 12-octet nonce ‖ ciphertext ‖ 16-octet tag, base64 as stored.
 */

const version = 0x01
const nonceLength = 12
const tagLength = 16

/** Derives a record key from the master secret with HKDF-SHA256 (RFC 5869) and its own info. */
export function deriveRecordKey(masterKey: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32))
}

export interface SealRecordInput {
  key: Buffer
  plaintext: Buffer
  /** Bound to the ciphertext, not secret: the row's identity. */
  associatedData: Buffer
  /** 12 fresh random octets; never reused under the same key. */
  nonce: Buffer
}

/** Seals `plaintext`; returns the stored form (base64). */
export function sealRecord(input: SealRecordInput): string {
  if (input.key.length !== 32) throw new RangeError('the record key must have 32 bytes')
  if (input.nonce.length !== nonceLength) throw new RangeError('the nonce must have 12 bytes')
  const cipher = createCipheriv('aes-256-gcm', input.key, input.nonce, { authTagLength: tagLength })
  cipher.setAAD(input.associatedData)
  const ciphertext = Buffer.concat([cipher.update(input.plaintext), cipher.final()])
  return Buffer.concat([
    Buffer.from([version]),
    input.nonce,
    ciphertext,
    cipher.getAuthTag(),
  ]).toString('base64')
}

export type OpenRecordResult = { ok: true; plaintext: Buffer } | { ok: false; reason: 'unreadable' }

/**
 * Opens a sealed record. Every failure — wrong key, other associated data, altered or truncated
 * bytes, unknown version — is the same `unreadable` result (no oracle).
 */
export function openRecord(input: {
  key: Buffer
  sealed: string
  associatedData: Buffer
}): OpenRecordResult {
  const bytes = Buffer.from(input.sealed, 'base64')
  if (bytes.length < 1 + nonceLength + tagLength || bytes[0] !== version)
    return { ok: false, reason: 'unreadable' }
  const nonce = bytes.subarray(1, 1 + nonceLength)
  const tag = bytes.subarray(bytes.length - tagLength)
  const ciphertext = bytes.subarray(1 + nonceLength, bytes.length - tagLength)
  try {
    const decipher = createDecipheriv('aes-256-gcm', input.key, nonce, {
      authTagLength: tagLength,
    })
    decipher.setAAD(input.associatedData)
    decipher.setAuthTag(tag)
    return { ok: true, plaintext: Buffer.concat([decipher.update(ciphertext), decipher.final()]) }
  } catch {
    // GCM's tag check failed: the one answer for every kind of damage.
    return { ok: false, reason: 'unreadable' }
  }
}
