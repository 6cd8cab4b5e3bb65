import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { z } from 'zod'
import { sha256HexSchema } from './events/common.ts'

/**
 * A signed tree head of the audit log: after `treeSize` entries the RFC 9162 Merkle tree has head
 * `rootHash`; the gateway's audit key (Ed25519, RFC 8032) signed that at `at`. The public key
 * travels with it so a proof can be checked offline; a verifier compares it with the key the
 * operator published (`brucke audit public-key`).
 */
export const checkpointSchema = z.strictObject({
  treeSize: z.number().int().min(0),
  rootHash: sha256HexSchema,
  at: z.iso.datetime(),
  /** Ed25519 public key, SubjectPublicKeyInfo DER, base64. */
  publicKey: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
  /** Ed25519 signature over {@link checkpointMessage}, base64. */
  signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
})
export type Checkpoint = z.infer<typeof checkpointSchema>

/** The exact bytes signed: a versioned, line-based text with nothing left to interpretation. */
export function checkpointMessage(head: {
  treeSize: number
  rootHash: string
  at: string
}): Buffer {
  return Buffer.from(
    `brucke audit checkpoint v1\n${head.treeSize}\n${head.rootHash}\n${head.at}\n`,
    'utf8',
  )
}

export interface AuditKeyPair {
  privateKey: KeyObject
  publicKey: KeyObject
  /** SubjectPublicKeyInfo DER, base64 — the form stored with checkpoints. */
  publicKeyBase64: string
}

// PKCS#8 PrivateKeyInfo for Ed25519 (RFC 8410 §7) up to the 32-byte seed.
const ed25519Pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex')

/** The Ed25519 key pair whose private key is the 32-byte `seed` (RFC 8032 §5.1.5). */
export function auditKeyPairFromSeed(seed: Uint8Array): AuditKeyPair {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed has 32 bytes')
  const privateKey = createPrivateKey({
    key: Buffer.concat([ed25519Pkcs8Prefix, seed]),
    format: 'der',
    type: 'pkcs8',
  })
  const publicKey = createPublicKey(privateKey)
  return {
    privateKey,
    publicKey,
    publicKeyBase64: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  }
}

/** Signs the head of a tree of `treeSize` entries at `at`. */
export function signCheckpoint(input: {
  treeSize: number
  rootHash: string
  at: Date
  key: AuditKeyPair
}): Checkpoint {
  const head = { treeSize: input.treeSize, rootHash: input.rootHash, at: input.at.toISOString() }
  const signature = sign(null, checkpointMessage(head), input.key.privateKey)
  return { ...head, publicKey: input.key.publicKeyBase64, signature: signature.toString('base64') }
}

export type CheckpointCheck =
  { ok: true } | { ok: false; code: 'untrusted_key' | 'bad_signature'; reason: string }

/**
 * Checks a checkpoint's Ed25519 signature. When `trustedPublicKeys` is given, the key inside the
 * checkpoint must be one of them — otherwise anyone could re-sign a rewritten log with a key of
 * their own.
 */
export function verifyCheckpointSignature(
  checkpoint: Checkpoint,
  trustedPublicKeys?: readonly string[],
): CheckpointCheck {
  if (trustedPublicKeys && !trustedPublicKeys.includes(checkpoint.publicKey))
    return {
      ok: false,
      code: 'untrusted_key',
      reason: 'signed with a key that is not the audit key',
    }
  let key: KeyObject
  try {
    key = createPublicKey({
      key: Buffer.from(checkpoint.publicKey, 'base64'),
      format: 'der',
      type: 'spki',
    })
  } catch {
    return { ok: false, code: 'bad_signature', reason: 'the public key cannot be read' }
  }
  if (key.asymmetricKeyType !== 'ed25519')
    return { ok: false, code: 'bad_signature', reason: 'the public key is not Ed25519' }
  const valid = verify(
    null,
    checkpointMessage(checkpoint),
    key,
    Buffer.from(checkpoint.signature, 'base64'),
  )
  return valid
    ? { ok: true }
    : { ok: false, code: 'bad_signature', reason: 'the signature does not match' }
}
