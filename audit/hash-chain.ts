import { hash } from 'node:crypto'
import type { Actor, AuditEvent } from './audit-event.ts'
import { canonicalJson } from './canonical-json.ts'
import { splitPersonalData } from './personal-data.ts'

/** The "previous hash" of the first entry: 32 zero bytes. */
export const genesisHash: Buffer = Buffer.alloc(32)

const noCommitment = Buffer.alloc(32)

/**
 * The salted commitment to an entry's personal values: SHA-256(salt ‖ JCS(values)). With the
 * salt (16 random bytes, stored beside the entry) it proves the values; once salt and values are
 * erased nothing about them can be recovered or guessed from the hash.
 */
export function commitPersonalData(salt: Uint8Array, personalCanonical: string): Buffer {
  return hash('sha256', Buffer.concat([salt, Buffer.from(personalCanonical, 'utf8')]), 'buffer')
}

/**
 * The chain hash of one entry, which is at the same time its RFC 9162 §2.1.1 Merkle leaf hash:
 * SHA-256(0x00 ‖ previous entry hash ‖ commitment ‖ canonical bytes), i.e. the leaf data is the
 * entry's chain input. The commitment is 32 zero bytes when the entry holds no personal data.
 * Covering the previous hash makes every change, deletion, insertion or reordering break the chain
 * from there on; serving as the leaf hash saves verification one SHA-256 per entry.
 */
export function computeEntryHash(
  prevHash: Uint8Array,
  commitment: Uint8Array | null,
  canonical: string,
): Buffer {
  // One-shot hashing over one reused buffer: markedly cheaper than an incremental Hash object
  // or a fresh concatenation per entry (this is the hot loop of verification).
  const needed = 65 + Buffer.byteLength(canonical, 'utf8')
  if (scratch.length < needed) scratch = Buffer.allocUnsafe(Math.max(needed, scratch.length * 2))
  scratch[0] = 0x00
  scratch.set(prevHash, 1)
  scratch.set(commitment ?? noCommitment, 33)
  const written = scratch.write(canonical, 65, 'utf8')
  return hash('sha256', scratch.subarray(0, 65 + written), 'buffer')
}

let scratch = Buffer.allocUnsafe(4096)

/** An entry as stored: canonical text, personal part, and its place in the chain (hex). */
export interface SealedEntry {
  seq: number
  /** JCS (RFC 8785) of `{ actor, at, event, seq }` without personal values; `seq` comes last. */
  canonical: string
  /** JCS of the personal values, or null. */
  personal: string | null
  salt: string | null
  commitment: string | null
  prevHash: string
  entryHash: string
}

export interface SealInput {
  seq: number
  at: Date
  actor: Actor
  event: AuditEvent
  prevHash: Uint8Array
  /** 16 random bytes; used only when the entry holds personal data. */
  salt: Uint8Array
}

/** Computes the stored form of a new entry and its chain hash. */
export function sealEntry(input: SealInput): SealedEntry {
  const split = splitPersonalData(input.actor, input.event)
  const canonical = canonicalJson({
    actor: split.actor,
    at: input.at.toISOString(),
    event: split.event,
    seq: input.seq,
  })
  const personal = split.personal ? canonicalJson(split.personal) : null
  const commitment = personal === null ? null : commitPersonalData(input.salt, personal)
  return {
    seq: input.seq,
    canonical,
    personal,
    salt: personal === null ? null : Buffer.from(input.salt).toString('hex'),
    commitment: commitment?.toString('hex') ?? null,
    prevHash: Buffer.from(input.prevHash).toString('hex'),
    entryHash: computeEntryHash(input.prevHash, commitment, canonical).toString('hex'),
  }
}
