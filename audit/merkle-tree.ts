import { createHash, hash } from 'node:crypto'

/**
 * The Merkle tree of RFC 9162 §2.1 (Certificate Transparency 2.0) with SHA-256: tree heads for
 * any size, inclusion proofs (§2.1.3) and consistency proofs (§2.1.4), generation and verification.
 * Leaves are given as their leaf hashes, so a caller holding 10^6 of them hashes each only once.
 */

const leafPrefix = Buffer.from([0x00])
// Reused input of hashChildren: 0x01 then the two children (synchronous, never shared in flight).
const nodeInput = Buffer.concat([Buffer.from([0x01]), Buffer.alloc(64)])

/** RFC 9162 §2.1.1: the hash of a leaf, SHA-256(0x00 ‖ data). */
export function hashLeaf(data: Uint8Array): Buffer {
  return createHash('sha256').update(leafPrefix).update(data).digest()
}

/** RFC 9162 §2.1.1: the hash of an interior node, SHA-256(0x01 ‖ left ‖ right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  nodeInput.set(left, 1)
  nodeInput.set(right, 33)
  return hash('sha256', nodeInput, 'buffer')
}

/** MTH({}) — the hash of an empty tree is the hash of the empty string. */
export const emptyTreeHash: Buffer = createHash('sha256').digest()

/** The largest power of two smaller than n (n ≥ 2), the split point k of RFC 9162 §2.1.1. */
export function splitPoint(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/**
 * The tree head of the leaves [start, end) (RFC 9162 §2.1.1), computed bottom-up with a
 * {@link MerkleAccumulator} so deep trees do not recurse.
 */
export function treeHead(
  leafHashes: readonly Uint8Array[],
  start = 0,
  end = leafHashes.length,
): Buffer {
  if (end <= start) return emptyTreeHash
  const accumulator = new MerkleAccumulator()
  for (let i = start; i < end; i++) accumulator.push(leafHashes[i]!)
  return accumulator.root()
}

/**
 * Keeps the roots of the perfect subtrees that make up a tree of any size (the binary
 * decomposition of its size), so leaves can be added one at a time and the head of every prefix
 * read in O(log n). The stored frontier lets the next checkpoint continue where the last stopped.
 */
export class MerkleAccumulator {
  /** Subtree roots in hex: one-shot `hash()` returns hex far faster than a Buffer (hash-chain.ts). */
  private readonly hashes: string[] = []
  private readonly sizes: number[] = []
  private count = 0

  static fromFrontier(size: number, frontier: readonly Uint8Array[]): MerkleAccumulator {
    const accumulator = new MerkleAccumulator()
    const sizes = frontierSizes(size)
    if (sizes.length !== frontier.length)
      throw new RangeError(
        `a tree of size ${size} has ${sizes.length} frontier hashes, not ${frontier.length}`,
      )
    sizes.forEach((s, i) => {
      accumulator.sizes.push(s)
      accumulator.hashes.push(hexOf(frontier[i]!))
    })
    accumulator.count = size
    return accumulator
  }

  get size(): number {
    return this.count
  }

  push(leafHash: Uint8Array): void {
    this.pushHex(hexOf(leafHash))
  }

  /** A leaf hash as 64 lower-case hex digits, the form `hash(…, 'hex')` and the database use. */
  pushHex(leafHashHex: string): void {
    let node = leafHashHex
    let size = 1
    while (this.sizes.length > 0 && this.sizes[this.sizes.length - 1] === size) {
      this.sizes.pop()
      node = hashChildrenHex(this.hashes.pop()!, node)
      size *= 2
    }
    this.sizes.push(size)
    this.hashes.push(node)
    this.count++
  }

  /** The perfect subtree roots, largest (leftmost) first. */
  frontier(): Buffer[] {
    return this.hashes.map((h) => Buffer.from(h, 'hex'))
  }

  /** MTH of all leaves pushed so far: the subtree roots folded from the right. */
  root(): Buffer {
    if (this.hashes.length === 0) return emptyTreeHash
    let root = this.hashes[this.hashes.length - 1]!
    for (let i = this.hashes.length - 2; i >= 0; i--) root = hashChildrenHex(this.hashes[i]!, root)
    return Buffer.from(root, 'hex')
  }
}

const hexOf = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')

/** {@link hashChildren} on hex digests, for the accumulator. */
function hashChildrenHex(leftHex: string, rightHex: string): string {
  nodeInput.write(leftHex, 1, 32, 'hex')
  nodeInput.write(rightHex, 33, 32, 'hex')
  return hash('sha256', nodeInput, 'hex')
}

function frontierSizes(size: number): number[] {
  const sizes: number[] = []
  let bit = 1
  while (bit * 2 <= size) bit *= 2
  for (; bit >= 1; bit /= 2) if (size & bit) sizes.push(bit)
  return sizes
}

function checkSize(leafHashes: readonly Uint8Array[], size: number): void {
  if (!Number.isSafeInteger(size) || size < 0 || size > leafHashes.length)
    throw new RangeError(`tree size ${size} is outside 0..${leafHashes.length}`)
}

/**
 * RFC 9162 §2.1.3.1: the audit path PATH(m, D[n]) for leaf index m in the tree of the first n
 * leaves, from the leaf's sibling upwards.
 */
export function inclusionProof(
  leafHashes: readonly Uint8Array[],
  index: number,
  size: number,
): Buffer[] {
  checkSize(leafHashes, size)
  if (!Number.isSafeInteger(index) || index < 0 || index >= size)
    throw new RangeError(`leaf index ${index} is outside 0..${size - 1}`)
  const path: Buffer[] = []
  let start = 0
  let end = size
  let m = index
  // Walk down from the root, collecting siblings; they are emitted bottom-up, so reverse at the end.
  while (end - start > 1) {
    const k = splitPoint(end - start)
    if (m < k) {
      path.push(treeHead(leafHashes, start + k, end))
      end = start + k
    } else {
      path.push(treeHead(leafHashes, start, start + k))
      start += k
      m -= k
    }
  }
  return path.reverse()
}

/** RFC 9162 §2.1.4.1: the consistency proof PROOF(m, D[n]) between the first m and n leaves. */
export function consistencyProof(
  leafHashes: readonly Uint8Array[],
  oldSize: number,
  newSize: number,
): Buffer[] {
  checkSize(leafHashes, newSize)
  if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize)
    throw new RangeError(`old size ${oldSize} is outside 0..${newSize}`)
  if (oldSize === 0 || oldSize === newSize) return []
  const proof: Buffer[] = []
  let start = 0
  let end = newSize
  let m = oldSize
  let completeSubtree = true
  // SUBPROOF(m, D[start:end], b), unrolled; nodes found on the way down come out bottom-up.
  while (m !== end - start) {
    const k = splitPoint(end - start)
    if (m <= k) {
      proof.push(treeHead(leafHashes, start + k, end))
      end = start + k
    } else {
      proof.push(treeHead(leafHashes, start, start + k))
      start += k
      m -= k
      completeSubtree = false
    }
  }
  if (!completeSubtree) proof.push(treeHead(leafHashes, start, end))
  return proof.reverse()
}

export type ProofCheck = { ok: true } | { ok: false; reason: string }

const isOdd = (n: number): boolean => n % 2 === 1
const half = (n: number): number => Math.floor(n / 2)

/**
 * RFC 9162 §2.1.3.2: checks that `leafHash` sits at `index` in the tree of `size` leaves whose
 * head is `root`. Arithmetic is on safe integers (trees below 2^53 leaves).
 */
export function verifyInclusion(input: {
  leafHash: Uint8Array
  index: number
  size: number
  proof: readonly Uint8Array[]
  root: Uint8Array
}): ProofCheck {
  const { index, size, proof } = input
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size)
    return { ok: false, reason: 'leaf index outside the tree' }
  let fn = index
  let sn = size - 1
  let r: Buffer = Buffer.from(input.leafHash)
  for (const p of proof) {
    if (sn === 0) return { ok: false, reason: 'proof is longer than the tree is deep' }
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r)
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
      }
    } else {
      r = hashChildren(r, p)
    }
    fn = half(fn)
    sn = half(sn)
  }
  if (sn !== 0) return { ok: false, reason: 'proof is shorter than the tree is deep' }
  if (!r.equals(input.root))
    return { ok: false, reason: 'computed root differs from the tree head' }
  return { ok: true }
}

/**
 * RFC 9162 §2.1.4.2: checks that the tree of `oldSize` leaves with head `oldRoot` is a prefix of
 * the tree of `newSize` leaves with head `newRoot`.
 */
export function verifyConsistency(input: {
  oldSize: number
  newSize: number
  oldRoot: Uint8Array
  newRoot: Uint8Array
  proof: readonly Uint8Array[]
}): ProofCheck {
  const { oldSize, newSize } = input
  const oldRoot = Buffer.from(input.oldRoot)
  const newRoot = Buffer.from(input.newRoot)
  if (
    !Number.isSafeInteger(oldSize) ||
    !Number.isSafeInteger(newSize) ||
    oldSize < 0 ||
    oldSize > newSize
  )
    return { ok: false, reason: 'old size must be between 0 and the new size' }
  if (oldSize === newSize) {
    if (input.proof.length !== 0) return { ok: false, reason: 'equal sizes need an empty proof' }
    return oldRoot.equals(newRoot)
      ? { ok: true }
      : { ok: false, reason: 'equal sizes but different heads' }
  }
  if (oldSize === 0) {
    // Every tree extends the empty tree; RFC 9162 defines no proof for it.
    if (input.proof.length !== 0)
      return { ok: false, reason: 'an empty old tree needs an empty proof' }
    return oldRoot.equals(emptyTreeHash)
      ? { ok: true }
      : { ok: false, reason: 'old head of an empty tree is wrong' }
  }
  if (input.proof.length === 0) return { ok: false, reason: 'proof is empty' }
  const path: Buffer[] = input.proof.map((p) => Buffer.from(p))
  if ((oldSize & (oldSize - 1)) === 0) path.unshift(oldRoot)
  let fn = oldSize - 1
  let sn = newSize - 1
  while (isOdd(fn)) {
    fn = half(fn)
    sn = half(sn)
  }
  let fr: Buffer = path[0]!
  let sr: Buffer = path[0]!
  for (const c of path.slice(1)) {
    if (sn === 0) return { ok: false, reason: 'proof is longer than needed' }
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr)
      sr = hashChildren(c, sr)
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
      }
    } else {
      sr = hashChildren(sr, c)
    }
    fn = half(fn)
    sn = half(sn)
  }
  if (sn !== 0) return { ok: false, reason: 'proof is shorter than needed' }
  if (!fr.equals(oldRoot)) return { ok: false, reason: 'proof does not lead to the old head' }
  if (!sr.equals(newRoot)) return { ok: false, reason: 'proof does not lead to the new head' }
  return { ok: true }
}
