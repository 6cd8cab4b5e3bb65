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
  const end = writeChainInput(canonical)
  scratch.set(prevHash, 1)
  scratch.set(commitment ?? noCommitment, 33)
  return hash('sha256', scratch.subarray(0, end), 'buffer')
}

/**
 * {@link computeEntryHash} of a stored entry, from and to hex as the database holds it: the hot
 * loop of verification. Node's one-shot `hash()` returns a hex string in well under half the time
 * it takes to return a Buffer for inputs this small, and the stored hashes are compared as hex
 * anyway. Undefined when the previous hash or the commitment is not 64 hex digits.
 */
export function storedEntryHashHex(
  prevHashHex: string,
  commitmentHex: string | null,
  canonical: string,
): string | undefined {
  const end = writeChainInput(canonical)
  if (prevHashHex.length !== 64 || scratch.write(prevHashHex, 1, 32, 'hex') !== 32) return undefined
  if (commitmentHex === null) scratch.set(noCommitment, 33)
  else if (commitmentHex.length !== 64 || scratch.write(commitmentHex, 33, 32, 'hex') !== 32)
    return undefined
  return hash('sha256', scratch.subarray(0, end), 'hex')
}

/**
 * Whether a stored entry's personal part agrees with its commitment: none of the three without
 * personal data; commitment alone once the retention purge erased values and salt; otherwise the
 * commitment must be SHA-256(salt ‖ values) ({@link commitPersonalData}, here on hex as stored).
 */
export function storedCommitmentHolds(row: {
  personal: string | null
  salt: string | null
  commitment: string | null
}): boolean {
  if (row.commitment === null) return row.personal === null && row.salt === null
  if (row.personal === null) return row.salt === null
  if (row.salt === null) return false
  // A UTF-16 code unit never takes more than three UTF-8 bytes.
  const needed = (row.salt.length >> 1) + row.personal.length * 3
  if (commitScratch.length < needed)
    commitScratch = Buffer.allocUnsafe(Math.max(needed, commitScratch.length * 2))
  const saltLength = commitScratch.write(row.salt, 0, 'hex')
  const end = saltLength + commitScratch.write(row.personal, saltLength, 'utf8')
  return hash('sha256', commitScratch.subarray(0, end), 'hex') === row.commitment
}

/**
 * One-shot hashing over one reused buffer: markedly cheaper than an incremental Hash object or a
 * fresh concatenation per entry. Writes 0x00 and the canonical bytes after the 64 bytes of
 * previous hash and commitment, which the caller fills; returns where the input ends.
 */
function writeChainInput(canonical: string): number {
  // A UTF-16 code unit never takes more than three UTF-8 bytes.
  const needed = 65 + canonical.length * 3
  if (scratch.length < needed) scratch = Buffer.allocUnsafe(Math.max(needed, scratch.length * 2))
  scratch[0] = 0x00
  return 65 + scratch.write(canonical, 65, 'utf8')
}

let scratch = Buffer.allocUnsafe(4096)
let commitScratch = Buffer.allocUnsafe(1024)

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
