import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { CipherGCMTypes } from 'node:crypto'
import { OctetString } from '@peculiar/asn1-schema'
import type { AlgorithmIdentifier } from '@peculiar/asn1-x509'
import { GcmParameters } from './asn1-auth-enveloped-data.ts'
import { asBuffer, parseParameters } from './cms-der.ts'
import { derAlgorithmIdentifier, derPrimitiveBytes, derSequence } from './cms-tlv.ts'
import { oid } from './cms-oids.ts'
import { CmsError } from './errors.ts'

/** Content-encryption algorithms Brücke writes (RFC 3565 AES-CBC, RFC 5084 AES-GCM). */
export type ContentEncryption = 'aes-256-cbc' | 'aes-256-gcm'

/** GCM tag length written: the full 16 octets (RFC 5084 §3.2 allows 12–16). */
const gcmTagLength = 16

interface CipherSpec {
  mode: 'cbc' | 'gcm'
  keyLength: 16 | 24 | 32
  nodeName: string
}

/** Algorithms read on decryption; AES-128/192 are accepted because gpgsm and others send them. */
const cipherSpecs: Readonly<Record<string, CipherSpec>> = {
  [oid.aes128Cbc]: { mode: 'cbc', keyLength: 16, nodeName: 'aes-128-cbc' },
  [oid.aes192Cbc]: { mode: 'cbc', keyLength: 24, nodeName: 'aes-192-cbc' },
  [oid.aes256Cbc]: { mode: 'cbc', keyLength: 32, nodeName: 'aes-256-cbc' },
  [oid.aes128Gcm]: { mode: 'gcm', keyLength: 16, nodeName: 'aes-128-gcm' },
  [oid.aes192Gcm]: { mode: 'gcm', keyLength: 24, nodeName: 'aes-192-gcm' },
  [oid.aes256Gcm]: { mode: 'gcm', keyLength: 32, nodeName: 'aes-256-gcm' },
}

/** The result of encrypting content under a fresh content-encryption key. */
export interface EncryptedContentResult {
  /** DER of the contentEncryptionAlgorithm (with its IV / GCM parameters). */
  algorithmDer: Buffer
  cek: Buffer
  /** The ciphertext in pieces, in order (joined once, when the CMS structure is written). */
  ciphertext: Buffer[]
  /** GCM authentication tag (the AuthEnvelopedData `mac`); absent for CBC. */
  tag: Buffer | undefined
}

/**
 * Encrypts content with AES-256 under a fresh random key and IV/nonce. The plaintext may come in
 * pieces (e.g. the parts of a multipart/signed entity), so megabytes are not joined first.
 */
export function encryptContent(
  algorithm: ContentEncryption,
  plaintext: Uint8Array | readonly Uint8Array[],
): EncryptedContentResult {
  // Fed to the cipher in slices: megabyte-sized outputs would each be a fresh mapping of
  // zeroed pages from the kernel, slices come from the allocator's reused memory.
  const pieces = slicesOf(plaintext instanceof Uint8Array ? [plaintext] : plaintext)
  const cek = randomBytes(32)
  if (algorithm === 'aes-256-cbc') {
    const iv = randomBytes(16)
    const cipher = createCipheriv('aes-256-cbc', cek, iv)
    const ciphertext = pieces.map((piece) => cipher.update(piece))
    ciphertext.push(cipher.final())
    // AES-CBC parameters: the IV as an OCTET STRING (RFC 3565 §4.1).
    const algorithmDer = derAlgorithmIdentifier(oid.aes256Cbc, derPrimitiveBytes(0x04, iv))
    return { algorithmDer, cek, ciphertext, tag: undefined }
  }
  const nonce = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', cek, nonce, { authTagLength: gcmTagLength })
  const ciphertext = pieces.map((piece) => cipher.update(piece))
  ciphertext.push(cipher.final())
  // GCMParameters ::= SEQUENCE { aes-nonce OCTET STRING, aes-ICVlen INTEGER DEFAULT 12 } (RFC
  // 5084 §3.2); 16 is not the default, so it is written.
  const parameters = derSequence([
    derPrimitiveBytes(0x04, nonce),
    Buffer.from([0x02, 0x01, gcmTagLength]),
  ])
  return {
    algorithmDer: derAlgorithmIdentifier(oid.aes256Gcm, parameters),
    cek,
    ciphertext,
    tag: cipher.getAuthTag(),
  }
}

const cipherSliceBytes = 64 * 1024

function slicesOf(pieces: readonly Uint8Array[]): Uint8Array[] {
  const slices: Uint8Array[] = []
  for (const piece of pieces) {
    for (let start = 0; start < piece.byteLength; start += cipherSliceBytes)
      slices.push(piece.subarray(start, Math.min(piece.byteLength, start + cipherSliceBytes)))
  }
  return slices
}

/** Key length in octets the content-encryption algorithm needs; ERR_CMS_UNSUPPORTED if unknown. */
export function contentKeyLength(algorithm: AlgorithmIdentifier): number {
  return specOf(algorithm).keyLength
}

/** True when the algorithm is an AEAD mode (must sit in AuthEnvelopedData, RFC 5083 §2.1). */
export function isAuthenticatedMode(algorithm: AlgorithmIdentifier): boolean {
  return specOf(algorithm).mode === 'gcm'
}

/**
 * Decrypts content. Every cryptographic failure — wrong key, bad padding, bad tag — is the same
 * ERR_CMS_DECRYPT, and GCM returns nothing unless the tag verifies (RFC 5084 §1.2).
 */
export function decryptContent(input: {
  algorithm: AlgorithmIdentifier
  cek: Buffer
  ciphertext: Buffer
  tag?: Buffer | undefined
}): Buffer {
  const spec = specOf(input.algorithm)
  const parameters = input.algorithm.parameters
  if (!parameters) throw new CmsError('ERR_CMS_MALFORMED', 'content cipher parameters missing')
  if (input.cek.length !== spec.keyLength) throw decryptFailure()
  if (spec.mode === 'cbc') {
    const iv = asBuffer(parseParameters(parameters, OctetString, 'CBC IV').buffer)
    if (iv.length !== 16) throw new CmsError('ERR_CMS_MALFORMED', 'CBC IV must be 16 octets')
    try {
      const decipher = createDecipheriv(spec.nodeName, input.cek, iv)
      return Buffer.concat([decipher.update(input.ciphertext), decipher.final()])
    } catch {
      throw decryptFailure()
    }
  }
  const gcm = parseParameters(parameters, GcmParameters, 'GCM parameters')
  const nonce = asBuffer(gcm.nonce.buffer)
  if (nonce.length === 0 || nonce.length > 64) {
    throw new CmsError('ERR_CMS_MALFORMED', 'GCM nonce length out of range')
  }
  const tag = input.tag
  if (!tag || tag.length !== gcm.icvLength || tag.length < 12 || tag.length > 16) {
    throw decryptFailure()
  }
  try {
    const decipher = createDecipheriv(spec.nodeName as CipherGCMTypes, input.cek, nonce, {
      authTagLength: tag.length,
    })
    decipher.setAuthTag(tag)
    const plaintext = decipher.update(input.ciphertext)
    // final() throws on a bad tag; the plaintext above is discarded with it.
    decipher.final()
    return plaintext
  } catch {
    throw decryptFailure()
  }
}

function specOf(algorithm: AlgorithmIdentifier): CipherSpec {
  const spec = cipherSpecs[algorithm.algorithm]
  if (!spec) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'content-encryption algorithm not supported', {
      details: { algorithm: algorithm.algorithm },
    })
  }
  return spec
}

function decryptFailure(): CmsError {
  return new CmsError('ERR_CMS_DECRYPT', 'the message could not be decrypted')
}

/** An ArrayBuffer with exactly the bytes of the view (Buffers may share a larger pool). */
export function toExactArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}
