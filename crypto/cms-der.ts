import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema'
import { BoundedCache } from './bounded-cache.ts'
import { CmsError } from './errors.ts'

/** Largest CMS structure Brücke reads (the relay's message limit is 25 MB of MIME). */
export const maxCmsBytes = 25 * 1024 * 1024

/** Deepest nesting of constructed BER values accepted; real CMS stays below 20. */
export const maxBerDepth = 48

/** A view of the bytes as a Buffer without copying. */
export function asBuffer(data: ArrayBuffer | ArrayBufferView): Buffer {
  if (data instanceof ArrayBuffer) return Buffer.from(data)
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
}

/** A fresh ArrayBuffer holding exactly these bytes (the @peculiar schemas keep ArrayBuffers). */
export function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  const copy = new ArrayBuffer(data.byteLength)
  new Uint8Array(copy).set(data)
  return copy
}

/** DER encoding of a @peculiar schema object. */
export function encodeDer(value: unknown): Buffer {
  return Buffer.from(AsnSerializer.serialize(value))
}

/**
 * Walks the BER TLV structure iteratively (X.690 §8.1) and rejects what a recursive parser must
 * not see: lengths that run past the end, indefinite lengths on primitives, nesting deeper than
 * {@link maxBerDepth}, trailing bytes. Throws ERR_CMS_MALFORMED / ERR_CMS_TOO_LARGE.
 */
export function checkBerStructure(
  bytes: Uint8Array,
  maxBytes: number = maxCmsBytes,
): { indefinite: boolean } {
  if (bytes.byteLength > maxBytes) {
    throw new CmsError('ERR_CMS_TOO_LARGE', `CMS structure exceeds ${maxBytes} bytes`, {
      details: { bytes: bytes.byteLength, limit: maxBytes },
    })
  }
  // Each open constructed value: its end offset, or -1 when it ends with an end-of-contents octets.
  const ends: number[] = []
  let indefinite = false
  let position = 0
  const fail = (why: string): never => {
    throw new CmsError('ERR_CMS_MALFORMED', `malformed BER: ${why}`, {
      details: { offset: position },
    })
  }
  const total = bytes.byteLength
  if (total === 0) fail('empty input')
  for (;;) {
    // Close definite-length containers that end here.
    while (ends.length > 0 && ends[ends.length - 1] === position) ends.pop()
    if (position >= total) break
    const tag = bytes[position] as number
    // End-of-contents octets close the innermost indefinite-length container.
    if (tag === 0 && bytes[position + 1] === 0) {
      if (ends.length === 0 || ends[ends.length - 1] !== -1) fail('unexpected end-of-contents')
      ends.pop()
      position += 2
      continue
    }
    let cursor = position + 1
    if ((tag & 0x1f) === 0x1f) {
      let tagBytes = 0
      while (cursor < total && ((bytes[cursor] as number) & 0x80) !== 0) {
        cursor += 1
        if (++tagBytes > 4) fail('tag number too long')
      }
      cursor += 1
    }
    if (cursor >= total) fail('truncated header')
    const first = bytes[cursor] as number
    cursor += 1
    const constructed = (tag & 0x20) !== 0
    let length = -1
    if (first < 0x80) {
      length = first
    } else if (first === 0x80) {
      if (!constructed) fail('indefinite length on a primitive value')
      indefinite = true
    } else {
      const count = first & 0x7f
      if (count > 4) fail('length field too long')
      if (cursor + count > total) fail('truncated length')
      length = 0
      for (let i = 0; i < count; i += 1) length = length * 256 + (bytes[cursor + i] as number)
      cursor += count
    }
    const parentEnd = ends.length > 0 ? (ends[ends.length - 1] as number) : total
    const limit = parentEnd === -1 ? total : parentEnd
    if (length >= 0 && cursor + length > limit) fail('length runs past its container')
    if (constructed) {
      if (ends.length >= maxBerDepth) {
        throw new CmsError('ERR_CMS_TOO_LARGE', 'BER nesting too deep', {
          details: { limit: maxBerDepth },
        })
      }
      ends.push(length === -1 ? -1 : cursor + length)
      position = cursor
    } else {
      position = cursor + length
    }
  }
  if (ends.some((end) => end === -1)) fail('unterminated indefinite length')
  if (ends.length > 0 || position !== total) fail('trailing or missing bytes')
  return { indefinite }
}

/**
 * Parses bytes into a @peculiar schema object; any parser failure becomes ERR_CMS_MALFORMED
 * naming `what`, so no library exception escapes to the caller.
 */
export function parseDer<T>(
  bytes: ArrayBuffer | ArrayBufferView,
  schema: new () => T,
  what: string,
): T {
  try {
    return AsnParser.parse(bytes, schema)
  } catch (cause) {
    throw new CmsError('ERR_CMS_MALFORMED', `${what} is not well-formed`, { cause })
  }
}

/** A DER tag-and-length header (X.690 §8.1.2–§8.1.3) for a value of `length` octets. */
export function derHeader(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tag, length])
  const lengthBytes: number[] = []
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes.unshift(rest % 256)
  return Buffer.from([tag, 0x80 | lengthBytes.length, ...lengthBytes])
}

/** DER `SET OF` with its elements sorted by encoding, as DER requires (X.690 §11.6). */
export function derSetOf(elements: readonly Buffer[]): Buffer {
  const sorted = [...elements].sort((a, b) => Buffer.compare(a, b))
  const body = Buffer.concat(sorted)
  return Buffer.concat([derHeader(0x31, body.length), body])
}

/**
 * Like {@link parseDer}, and when `requireDer` is set the value must re-encode to the same bytes.
 * The schema library is lenient (it accepts, e.g., a context tag where SEQUENCE is due, or
 * non-zero unused bits); for messages from DER encoders this closes that gap, so a bit flip in
 * unauthenticated metadata cannot pass unnoticed.
 */
export function parseDerStrict<T>(
  raw: Buffer,
  schema: new () => T,
  what: string,
  requireDer: boolean,
): T {
  // Small structures recur byte for byte on every message (algorithm identifiers, OAEP
  // parameters): parsing and re-encoding them through the schema library costs more than the
  // RSA operation, so strict parses of small inputs are memoised per schema. Callers only read
  // the parsed values.
  if (!requireDer || raw.length > maxMemoisedBytes)
    return parseDerStrictUncached(raw, schema, what, requireDer)
  let memo = strictParses.get(schema)
  if (!memo) {
    memo = new BoundedCache<string, unknown>(128)
    strictParses.set(schema, memo)
  }
  return memo.getOrCompute(raw.toString('latin1'), () =>
    parseDerStrictUncached(raw, schema, what, requireDer),
  ) as T
}

const maxMemoisedBytes = 256
const strictParses = new WeakMap<object, BoundedCache<string, unknown>>()

function parseDerStrictUncached<T>(
  raw: Buffer,
  schema: new () => T,
  what: string,
  requireDer: boolean,
): T {
  const value = parseDer(raw, schema, what)
  if (requireDer) {
    let encoded: Buffer
    try {
      encoded = encodeDer(value)
    } catch (cause) {
      throw new CmsError('ERR_CMS_MALFORMED', `${what} cannot be re-encoded`, { cause })
    }
    if (!encoded.equals(raw)) throw new CmsError('ERR_CMS_MALFORMED', `${what} is not DER`)
  }
  return value
}

/** Parses algorithm parameters (always small, always DER per RFC 5652 §10.1) strictly. */
export function parseParameters<T>(raw: ArrayBuffer, schema: new () => T, what: string): T {
  return parseDerStrict(Buffer.from(raw), schema, what, true)
}
