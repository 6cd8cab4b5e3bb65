import { fromBER, ObjectIdentifier } from 'asn1js'
import { BoundedCache } from './bounded-cache.ts'
import { checkBerStructure, derHeader } from './cms-der.ts'
import { CmsError } from './errors.ts'

// A minimal BER/DER reader and DER writer for the outer frames of CMS. The large parts (the
// encrypted or signed content, up to 25 MB) stay zero-copy Buffer views here; only the small
// structures in between (recipient infos, algorithm identifiers, signer infos) go through the
// schema library, which copies and is slow on megabytes.

/** One tag-length-value (X.690 §8.1) inside a buffer. Only low tag numbers (< 31) are framed here. */
export interface Tlv {
  /** The identifier octet (class, constructed bit, tag number). */
  tag: number
  start: number
  contentStart: number
  /** End of the contents (before end-of-contents octets, for indefinite lengths). */
  contentEnd: number
  /** End of the whole TLV. */
  end: number
  indefinite: boolean
}

function malformed(why: string): CmsError {
  return new CmsError('ERR_CMS_MALFORMED', `malformed CMS: ${why}`)
}

/**
 * Reads the TLV at `offset`. The input has passed checkBerStructure, so lengths are consistent;
 * the checks here guard the framing we rely on (low tag numbers, bounds).
 */
export function readTlv(bytes: Buffer, offset: number, limit: number = bytes.length): Tlv {
  if (offset + 2 > limit) throw malformed('truncated')
  const tag = bytes[offset] as number
  if ((tag & 0x1f) === 0x1f) throw malformed('unexpected high tag number')
  const first = bytes[offset + 1] as number
  let cursor = offset + 2
  if (first === 0x80) {
    if ((tag & 0x20) === 0) throw malformed('indefinite length on a primitive')
    const contentEnd = endOfIndefinite(bytes, cursor, limit)
    return {
      tag,
      start: offset,
      contentStart: cursor,
      contentEnd,
      end: contentEnd + 2,
      indefinite: true,
    }
  }
  let length = first
  if (first > 0x80) {
    const count = first & 0x7f
    if (count > 4 || cursor + count > limit) throw malformed('bad length')
    length = 0
    for (let i = 0; i < count; i += 1) length = length * 256 + (bytes[cursor + i] as number)
    cursor += count
  }
  if (cursor + length > limit) throw malformed('length past end')
  return {
    tag,
    start: offset,
    contentStart: cursor,
    contentEnd: cursor + length,
    end: cursor + length,
    indefinite: false,
  }
}

/** Offset of the end-of-contents octets closing an indefinite-length value whose contents start at `from`. */
function endOfIndefinite(bytes: Buffer, from: number, limit: number): number {
  let position = from
  while (position + 2 <= limit) {
    if (bytes[position] === 0 && bytes[position + 1] === 0) return position
    position = readTlv(bytes, position, limit).end
  }
  throw malformed('unterminated indefinite length')
}

/** The TLVs directly inside a constructed TLV. */
export function childrenOf(bytes: Buffer, parent: Tlv): Tlv[] {
  if ((parent.tag & 0x20) === 0) throw malformed('expected a constructed value')
  const children: Tlv[] = []
  let position = parent.contentStart
  while (position < parent.contentEnd) {
    const child = readTlv(bytes, position, parent.contentEnd)
    children.push(child)
    position = child.end
  }
  return children
}

/** Requires the TLV to carry exactly this identifier octet. */
export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw malformed(`${what} expected`)
  return tlv
}

/** The raw bytes of a TLV (a view, no copy). */
export function rawOf(bytes: Buffer, tlv: Tlv): Buffer {
  return bytes.subarray(tlv.start, tlv.end)
}

/**
 * The contents of an OCTET STRING, or of an IMPLICIT-tagged one: primitive → a view; constructed
 * (BER, e.g. gpgsm and streaming OpenSSL) → its primitive segments joined (X.690 §8.7.3).
 */
export function octetStringOf(bytes: Buffer, tlv: Tlv): Buffer {
  if ((tlv.tag & 0x20) === 0) return bytes.subarray(tlv.contentStart, tlv.contentEnd)
  const parts: Buffer[] = []
  const pending: Tlv[] = [tlv]
  let depth = 0
  // Iterative, bounded: constructed strings nest only a few levels in practice.
  while (pending.length > 0) {
    const current = pending.shift() as Tlv
    if ((current.tag & 0x20) === 0) {
      if ((current.tag & 0x1f) !== 0x04) throw malformed('segment is not an OCTET STRING')
      parts.push(bytes.subarray(current.contentStart, current.contentEnd))
      continue
    }
    if ((depth += 1) > 10_000) throw malformed('too many string segments')
    pending.unshift(...childrenOf(bytes, current))
  }
  return Buffer.concat(parts)
}

/** A small non-negative INTEGER (versions). */
export function smallIntegerOf(bytes: Buffer, tlv: Tlv, what: string): number {
  expectTag(tlv, 0x02, what)
  const length = tlv.contentEnd - tlv.contentStart
  if (length < 1 || length > 2) throw malformed(`${what} out of range`)
  const value = bytes.readUIntBE(tlv.contentStart, length)
  // DER: no leading zero unless needed (X.690 §8.3.2); a negative value is out of range too.
  if (
    (length === 2 && bytes[tlv.contentStart] === 0 && value < 0x80) ||
    (bytes[tlv.contentStart] as number) & 0x80
  ) {
    throw malformed(`${what} is not a small non-negative DER INTEGER`)
  }
  return value
}

/** The dotted form of an OBJECT IDENTIFIER TLV. */
export function objectIdentifierOf(bytes: Buffer, tlv: Tlv, what: string): string {
  expectTag(tlv, 0x06, what)
  const raw = rawOf(bytes, tlv)
  // The same few OIDs occur in every message; decoding through asn1js costs ~20 µs each.
  const key = raw.length <= 32 ? raw.toString('latin1') : undefined
  const known = key === undefined ? undefined : decodedObjectIdentifiers.get(key)
  if (known !== undefined) return known
  const parsed = fromBER(raw)
  if (parsed.offset === -1 || !(parsed.result instanceof ObjectIdentifier)) {
    throw malformed(`${what} is not an OID`)
  }
  const value = parsed.result.getValue()
  if (key !== undefined) decodedObjectIdentifiers.set(key, value)
  return value
}

const decodedObjectIdentifiers = new BoundedCache<string, string>(256)

/** DER writer: a value is raw DER bytes or a constructed node; lengths are computed once. */
export type DerNode = Buffer | { tag: number; children: DerNode[] }

function lengthOf(node: DerNode): number {
  if (Buffer.isBuffer(node)) return node.length
  const inner = node.children.reduce((sum, child) => sum + lengthOf(child), 0)
  return derHeader(node.tag, inner).length + inner
}

/** Serialises a DER tree with a single copy of every leaf (the large content is copied once). */
export function encodeDerTree(node: DerNode): Buffer {
  return Buffer.concat(derTreeChunks(node))
}

/** The DER of a tree as its pieces in order (headers and leaves), for a writer that streams them. */
export function derTreeChunks(node: DerNode): Buffer[] {
  const chunks: Buffer[] = []
  const emit = (current: DerNode): void => {
    if (Buffer.isBuffer(current)) {
      chunks.push(current)
      return
    }
    const inner = current.children.reduce((sum, child) => sum + lengthOf(child), 0)
    chunks.push(derHeader(current.tag, inner))
    for (const child of current.children) emit(child)
  }
  emit(node)
  return chunks
}

/** A primitive DER value: header + contents (the contents are not copied until encoding). */
export function derPrimitive(tag: number, contents: Buffer): DerNode {
  return { tag, children: [contents] }
}

/** DER of an OBJECT IDENTIFIER (memoised: the writers use a small fixed set of OIDs). */
export function derObjectIdentifier(value: string): Buffer {
  let der = encodedObjectIdentifiers.get(value)
  if (!der) {
    der = Buffer.from(new ObjectIdentifier({ value }).toBER())
    if (encodedObjectIdentifiers.size < 256) encodedObjectIdentifiers.set(value, der)
  }
  return der
}

const encodedObjectIdentifiers = new Map<string, Buffer>()

/**
 * DER of `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`
 * (RFC 5280 §4.1.1.2); `parametersDer` absent → the field is omitted.
 */
export function derAlgorithmIdentifier(algorithm: string, parametersDer?: Buffer): Buffer {
  return derSequence(
    parametersDer
      ? [derObjectIdentifier(algorithm), parametersDer]
      : [derObjectIdentifier(algorithm)],
  )
}

/** DER of a small non-negative INTEGER (0–127), e.g. a CMS version. */
export function derSmallInteger(value: number): Buffer {
  return Buffer.from([0x02, 0x01, value])
}

/** `ContentInfo ::= SEQUENCE { contentType, [0] EXPLICIT content }` (RFC 5652 §3). */
export function contentInfoTree(contentType: string, content: DerNode): DerNode {
  return {
    tag: 0x30,
    children: [derObjectIdentifier(contentType), { tag: 0xa0, children: [content] }],
  }
}

/**
 * Opens a ContentInfo: checks size and BER structure first (so garbage, truncation and deep
 * nesting are typed errors), then returns its content type and the inner TLV, whose tag must be
 * SEQUENCE. `indefinite` tells whether the sender used BER indefinite lengths anywhere.
 */
export function openContentInfo(
  data: Uint8Array,
  maxBytes?: number,
): { bytes: Buffer; contentType: string; inner: Tlv; indefinite: boolean } {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  const { indefinite } = checkBerStructure(bytes, maxBytes)
  const outer = expectTag(readTlv(bytes, 0), 0x30, 'ContentInfo SEQUENCE')
  const [typeTlv, explicit, ...rest] = childrenOf(bytes, outer)
  if (rest.length > 0) throw malformed('ContentInfo has extra fields')
  const contentType = objectIdentifierOf(
    bytes,
    expectTag(typeTlv, 0x06, 'contentType'),
    'contentType',
  )
  const contentTlv = expectTag(explicit, 0xa0, 'ContentInfo content [0]')
  const [inner, ...more] = childrenOf(bytes, contentTlv)
  if (more.length > 0) throw malformed('ContentInfo content has extra values')
  return { bytes, contentType, inner: expectTag(inner, 0x30, 'CMS content SEQUENCE'), indefinite }
}

/** DER of a primitive value, as bytes. */
export function derPrimitiveBytes(tag: number, contents: Buffer): Buffer {
  return Buffer.concat([derHeader(tag, contents.length), contents])
}

/** DER of a SEQUENCE of already-encoded values. */
export function derSequence(children: Buffer[]): Buffer {
  return encodeDerTree({ tag: 0x30, children })
}

/** RFC 5280 §4.1.2.5 time: UTCTime for 1950–2049, GeneralizedTime otherwise; seconds, 'Z'. */
export function derTime(at: Date): Buffer {
  const iso = at.toISOString() // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z'
  const year = at.getUTCFullYear()
  if (year >= 1950 && year < 2050)
    return derPrimitiveBytes(0x17, Buffer.from(digits.slice(2), 'latin1'))
  return derPrimitiveBytes(0x18, Buffer.from(digits, 'latin1'))
}

/** `Attribute ::= SEQUENCE { attrType OID, attrValues SET OF AttributeValue }` with one value. */
export function derAttribute(type: string, valueDer: Buffer): Buffer {
  return derSequence([
    derObjectIdentifier(type),
    encodeDerTree({ tag: 0x31, children: [valueDer] }),
  ])
}
