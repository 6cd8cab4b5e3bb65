import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { OaepHash } from './private-key-operations.ts'

/**
 * The content-encryption key inside a raw RSA block with PKCS#1 v1.5 encryption padding, or
 * random bytes of the expected length when the padding is wrong (RFC 3218 §2.3.2): the failure
 * then only shows at content decryption, as the same ERR_CMS_DECRYPT (no Bleichenbacher oracle).
 * EM = 0x00 || 0x02 || PS (≥ 8 non-zero octets) || 0x00 || M (RFC 8017 §7.2.2); the checks run
 * over the whole block without early exit to keep timing independent of the data.
 */
export function pkcs1KeyOrRandom(block: Buffer, expectedLength: number): Buffer {
  const fallback = randomBytes(expectedLength)
  const messageStart = block.length - expectedLength
  if (messageStart < 11) return fallback
  let good = (block[0] === 0 ? 1 : 0) & (block[1] === 2 ? 1 : 0)
  good &= block[messageStart - 1] === 0 ? 1 : 0
  for (let i = 2; i < messageStart - 1; i += 1) good &= block[i] !== 0 ? 1 : 0
  const message = block.subarray(messageStart)
  const result = Buffer.alloc(expectedLength)
  for (let i = 0; i < expectedLength; i += 1) {
    result[i] = good === 1 ? (message[i] as number) : (fallback[i] as number)
  }
  return result
}

/**
 * EME-OAEP decoding with an empty label and MGF1 over the same hash (RFC 8017 §7.1.2 step 3),
 * for a token that decrypts raw RSA but not OAEP with this hash. Returns undefined for any
 * failure, never saying which check failed.
 */
export function oaepDecode(block: Buffer, hash: OaepHash): Buffer | undefined {
  const hashLength = createHash(hash).digest().length
  const k = block.length
  if (k < 2 * hashLength + 2) return undefined
  const maskedSeed = block.subarray(1, 1 + hashLength)
  const maskedDb = block.subarray(1 + hashLength)
  const seed = xor(maskedSeed, mgf1(hash, maskedDb, hashLength))
  const db = xor(maskedDb, mgf1(hash, seed, k - hashLength - 1))
  const labelHash = createHash(hash).digest()
  let good = block[0] === 0 ? 1 : 0
  good &= timingSafeEqual(db.subarray(0, hashLength), labelHash) ? 1 : 0
  // PS is zeros up to the 0x01 separator; find it without branching on secret bytes.
  let separator = -1
  let lookingForSeparator = 1
  for (let i = hashLength; i < db.length; i += 1) {
    const isOne = db[i] === 1 ? 1 : 0
    const isZero = db[i] === 0 ? 1 : 0
    if (lookingForSeparator === 1 && isOne === 1) separator = i
    good &= lookingForSeparator === 1 && isOne === 0 && isZero === 0 ? 0 : 1
    lookingForSeparator &= isOne === 1 ? 0 : 1
  }
  if (good !== 1 || separator < 0) return undefined
  return Buffer.from(db.subarray(separator + 1))
}

/** MGF1 (RFC 8017 §B.2.1). */
function mgf1(hash: OaepHash, seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = []
  let produced = 0
  for (let counter = 0; produced < length; counter += 1) {
    const counterBytes = Buffer.alloc(4)
    counterBytes.writeUInt32BE(counter)
    const block = createHash(hash).update(seed).update(counterBytes).digest()
    blocks.push(block)
    produced += block.length
  }
  return Buffer.concat(blocks).subarray(0, length)
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length)
  for (let i = 0; i < a.length; i += 1) out[i] = (a[i] as number) ^ (b[i] as number)
  return out
}
