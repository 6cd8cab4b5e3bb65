import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  consistencyProof,
  emptyTreeHash,
  hashLeaf,
  inclusionProof,
  MerkleAccumulator,
  treeHead,
  verifyConsistency,
  verifyInclusion,
} from '../../../audit/merkle-tree.ts'

// An independent, literal transcription of RFC 9162 §2.1.1 (recursive, no shared helpers).
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest()
function referenceHead(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha()
  if (leaves.length === 1) return sha(Buffer.from([0]), leaves[0]!)
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return sha(Buffer.from([1]), referenceHead(leaves.slice(0, k)), referenceHead(leaves.slice(k)))
}
// RFC 9162 §2.1.3.1 PATH and §2.1.4.1 PROOF, recursive as written there.
function referencePath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return []
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return m < k
    ? [...referencePath(m, leaves.slice(0, k)), referenceHead(leaves.slice(k))]
    : [...referencePath(m - k, leaves.slice(k)), referenceHead(leaves.slice(0, k))]
}
function referenceSubproof(m: number, leaves: Buffer[], b: boolean): Buffer[] {
  if (m === leaves.length) return b ? [] : [referenceHead(leaves)]
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return m <= k
    ? [...referenceSubproof(m, leaves.slice(0, k), b), referenceHead(leaves.slice(k))]
    : [...referenceSubproof(m - k, leaves.slice(k), false), referenceHead(leaves.slice(0, k))]
}

const data = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`entry ${i}`))

describe('RFC 9162 Merkle tree', () => {
  const leaves = data(70)
  const leafHashes = leaves.map((l) => hashLeaf(l))

  it('has the SHA-256 of the empty string as the head of an empty tree', () => {
    expect(emptyTreeHash.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
    expect(treeHead([])).toEqual(emptyTreeHash)
  })

  it('computes the same head as the recursive definition for every size up to 70', () => {
    const accumulator = new MerkleAccumulator()
    for (let n = 1; n <= 70; n++) {
      accumulator.push(leafHashes[n - 1]!)
      const expected = referenceHead(leaves.slice(0, n))
      expect(treeHead(leafHashes, 0, n)).toEqual(expected)
      expect(accumulator.root()).toEqual(expected)
      const resumed = MerkleAccumulator.fromFrontier(n, accumulator.frontier())
      expect(resumed.root()).toEqual(expected)
    }
  })

  it('produces the inclusion paths of §2.1.3.1 and they verify, for every leaf of sizes 1..40', () => {
    for (let n = 1; n <= 40; n++) {
      const root = referenceHead(leaves.slice(0, n))
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(leafHashes, m, n)
        expect(proof).toEqual(referencePath(m, leaves.slice(0, n)))
        expect(
          verifyInclusion({ leafHash: leafHashes[m]!, index: m, size: n, proof, root }),
        ).toEqual({
          ok: true,
        })
      }
    }
  })

  it('produces the consistency proofs of §2.1.4.1 and they verify, for every pair of sizes up to 40', () => {
    for (let n = 1; n <= 40; n++) {
      const newRoot = referenceHead(leaves.slice(0, n))
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(leafHashes, m, n)
        if (m < n) expect(proof).toEqual(referenceSubproof(m, leaves.slice(0, n), true))
        const oldRoot = referenceHead(leaves.slice(0, m))
        expect(verifyConsistency({ oldSize: m, newSize: n, oldRoot, newRoot, proof })).toEqual({
          ok: true,
        })
      }
    }
  })

  it('rejects an inclusion proof for another leaf, index, size, root or a changed path', () => {
    const n = 37
    const root = treeHead(leafHashes, 0, n)
    const proof = inclusionProof(leafHashes, 11, n)
    const check = (over: Partial<Parameters<typeof verifyInclusion>[0]>) =>
      verifyInclusion({ leafHash: leafHashes[11]!, index: 11, size: n, proof, root, ...over }).ok
    expect(check({})).toBe(true)
    expect(check({ leafHash: leafHashes[12]! })).toBe(false)
    expect(check({ index: 12 })).toBe(false)
    expect(check({ size: 70 })).toBe(false)
    expect(check({ size: 11 })).toBe(false)
    expect(check({ root: treeHead(leafHashes, 0, 36) })).toBe(false)
    expect(check({ proof: proof.slice(1) })).toBe(false)
    expect(check({ proof: [...proof, root] })).toBe(false)
    const tampered = proof.map((p) => Buffer.from(p))
    tampered[2]![0]! ^= 1
    expect(check({ proof: tampered })).toBe(false)
  })

  it('rejects a consistency proof whose old tree is not a prefix of the new', () => {
    const other = leafHashes.map((h, i) => (i === 5 ? hashLeaf(Buffer.from('forged')) : h))
    const proof = consistencyProof(leafHashes, 13, 40)
    const oldRoot = treeHead(leafHashes, 0, 13)
    const newRoot = treeHead(leafHashes, 0, 40)
    expect(verifyConsistency({ oldSize: 13, newSize: 40, oldRoot, newRoot, proof }).ok).toBe(true)
    expect(
      verifyConsistency({
        oldSize: 13,
        newSize: 40,
        oldRoot: treeHead(other, 0, 13),
        newRoot,
        proof,
      }).ok,
    ).toBe(false)
    expect(
      verifyConsistency({
        oldSize: 13,
        newSize: 40,
        oldRoot,
        newRoot: treeHead(other, 0, 40),
        proof,
      }).ok,
    ).toBe(false)
    expect(verifyConsistency({ oldSize: 12, newSize: 40, oldRoot, newRoot, proof }).ok).toBe(false)
    expect(verifyConsistency({ oldSize: 13, newSize: 40, oldRoot, newRoot, proof: [] }).ok).toBe(
      false,
    )
  })

  it('holds for random sizes and indices (property)', () => {
    const many = data(300).map((l) => hashLeaf(l))
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), (n, rawM, rawOld) => {
        const m = rawM % n
        const old = (rawOld % n) + 1
        const root = treeHead(many, 0, n)
        const inclusion = inclusionProof(many, m, n)
        const consistency = consistencyProof(many, old, n)
        return (
          verifyInclusion({ leafHash: many[m]!, index: m, size: n, proof: inclusion, root }).ok &&
          verifyConsistency({
            oldSize: old,
            newSize: n,
            oldRoot: treeHead(many, 0, old),
            newRoot: root,
            proof: consistency,
          }).ok
        )
      }),
      { numRuns: 200 },
    )
  })
})
