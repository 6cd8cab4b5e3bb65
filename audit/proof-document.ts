import { z } from 'zod'
import { checkpointSchema, verifyCheckpointSignature } from './checkpoint.ts'
import { sha256HexSchema } from './events/common.ts'
import { computeEntryHash } from './hash-chain.ts'
import { verifyConsistency, verifyInclusion } from './merkle-tree.ts'

const hex = sha256HexSchema

/**
 * A self-contained inclusion proof: the entry's hashed bytes, its chain link, the RFC 9162 audit
 * path and the signed checkpoint it leads to. Anyone holding the audit public key can check it
 * without the database (`brucke audit check-proof`).
 */
export const inclusionProofDocumentSchema = z.strictObject({
  format: z.literal('brucke-audit-inclusion-proof/v1'),
  entry: z.strictObject({
    seq: z.number().int().positive(),
    /** RFC 8785 canonical JSON of the entry as hashed (personal values committed, not shown). */
    canonical: z.string(),
    commitment: hex.nullable(),
    prevHash: hex,
    entryHash: hex,
  }),
  leafIndex: z.number().int().min(0),
  treeSize: z.number().int().positive(),
  path: z.array(hex),
  checkpoint: checkpointSchema,
})
export type InclusionProofDocument = z.infer<typeof inclusionProofDocumentSchema>

/** RFC 9162 §2.1.4 consistency between two signed checkpoints. */
export const consistencyProofDocumentSchema = z.strictObject({
  format: z.literal('brucke-audit-consistency-proof/v1'),
  from: checkpointSchema,
  to: checkpointSchema,
  path: z.array(hex),
})
export type ConsistencyProofDocument = z.infer<typeof consistencyProofDocumentSchema>

export const proofDocumentSchema = z.discriminatedUnion('format', [
  inclusionProofDocumentSchema,
  consistencyProofDocumentSchema,
])
export type ProofDocument = z.infer<typeof proofDocumentSchema>

export type ProofDocumentCheck =
  | { ok: true; kind: 'inclusion'; seq: number; treeSize: number; checkpointAt: string }
  | { ok: true; kind: 'consistency'; fromSize: number; toSize: number }
  | { ok: false; reason: string }

const buf = (h: string) => Buffer.from(h, 'hex')

/**
 * Checks a proof document completely: checkpoint signatures (against `trustedPublicKeys` when
 * given, else against the key inside — then it only shows integrity, not origin), the entry's
 * chain hash from its bytes, and the RFC 9162 path to the signed root.
 */
export function checkProofDocument(
  document: ProofDocument,
  trustedPublicKeys?: readonly string[],
): ProofDocumentCheck {
  if (document.format === 'brucke-audit-inclusion-proof/v1') {
    const signature = verifyCheckpointSignature(document.checkpoint, trustedPublicKeys)
    if (!signature.ok) return { ok: false, reason: `checkpoint: ${signature.reason}` }
    if (document.treeSize !== document.checkpoint.treeSize)
      return { ok: false, reason: 'the proof is for another tree size than its checkpoint' }
    if (document.leafIndex !== document.entry.seq - 1)
      return { ok: false, reason: 'the leaf index does not match the sequence number' }
    if (!document.entry.canonical.endsWith(`"seq":${document.entry.seq}}`))
      return { ok: false, reason: 'the entry bytes carry another sequence number' }
    const entryHash = computeEntryHash(
      buf(document.entry.prevHash),
      document.entry.commitment === null ? null : buf(document.entry.commitment),
      document.entry.canonical,
    )
    if (entryHash.toString('hex') !== document.entry.entryHash)
      return { ok: false, reason: 'the entry bytes do not hash to the entry hash' }
    const inclusion = verifyInclusion({
      // The chain hash is the RFC 9162 leaf hash of the entry (see hash-chain.ts).
      leafHash: entryHash,
      index: document.leafIndex,
      size: document.treeSize,
      proof: document.path.map(buf),
      root: buf(document.checkpoint.rootHash),
    })
    if (!inclusion.ok) return { ok: false, reason: `inclusion: ${inclusion.reason}` }
    return {
      ok: true,
      kind: 'inclusion',
      seq: document.entry.seq,
      treeSize: document.treeSize,
      checkpointAt: document.checkpoint.at,
    }
  }
  for (const checkpoint of [document.from, document.to]) {
    const signature = verifyCheckpointSignature(checkpoint, trustedPublicKeys)
    if (!signature.ok)
      return { ok: false, reason: `checkpoint of ${checkpoint.treeSize}: ${signature.reason}` }
  }
  const consistency = verifyConsistency({
    oldSize: document.from.treeSize,
    newSize: document.to.treeSize,
    oldRoot: buf(document.from.rootHash),
    newRoot: buf(document.to.rootHash),
    proof: document.path.map(buf),
  })
  if (!consistency.ok) return { ok: false, reason: `consistency: ${consistency.reason}` }
  return {
    ok: true,
    kind: 'consistency',
    fromSize: document.from.treeSize,
    toSize: document.to.treeSize,
  }
}
