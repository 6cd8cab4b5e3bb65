/**
 * Base64 in 76-character lines and the canonical-CRLF check, on WebAssembly SIMD (mime-text.wat).
 * Node 20's own base64 encoder works a byte at a time and has no line breaks, and finding line
 * ends with `indexOf` costs a native call per line: together they cost more than the AES pass
 * of a 1 MB S/MIME message. Here both run sixteen bytes per instruction.
 *
 * The module's memory is a fixed scratch area: input is copied in chunk by chunk and the result
 * copied out, so no call leaves anything behind and the memory never grows with message size.
 */
import { mimeTextWasmBase64 } from './mime-text.wasm.ts'

interface MimeTextExports {
  memory: WebAssembly.Memory
  encodeBase64Lines(source: number, target: number, lines: number): void
  scanLineEnds(at: number, blocks: number, carry: number): number
}

/** Input bytes per base64 line (RFC 2045 §6.8: 76 characters) and output bytes with CRLF. */
const lineInputBytes = 57
const lineOutputBytes = 78
const linesPerChunk = 8192
/** Input chunk: whole lines, also a multiple of 16 for the line-end scan. */
const chunkBytes = linesPerChunk * lineInputBytes
/** The encoder reads up to 7 bytes past its input and writes up to 2 past its output. */
const slackBytes = 16
const inputAt = 0
const outputAt = chunkBytes + slackBytes
const memoryBytes = outputAt + linesPerChunk * lineOutputBytes + slackBytes

let loaded: { exports: MimeTextExports; heap: Uint8Array } | undefined

function mimeText(): { exports: MimeTextExports; heap: Uint8Array } {
  if (loaded) return loaded
  // Synchronous compile: the module is 0.5 KB, and callers are synchronous.
  const module = new WebAssembly.Module(Buffer.from(mimeTextWasmBase64, 'base64'))
  const exports = new WebAssembly.Instance(module).exports as unknown as MimeTextExports
  const pageBytes = 65536
  const pages = Math.ceil(memoryBytes / pageBytes) - exports.memory.buffer.byteLength / pageBytes
  if (pages > 0) exports.memory.grow(pages)
  loaded = { exports, heap: new Uint8Array(exports.memory.buffer) }
  return loaded
}

/** Reads consecutive bytes out of a list of pieces without joining them. */
class PieceReader {
  private index = 0
  private offset = 0

  constructor(private readonly pieces: readonly Uint8Array[]) {}

  copyInto(target: Uint8Array, at: number, length: number): void {
    let filled = 0
    while (filled < length) {
      const piece = this.pieces[this.index] as Uint8Array
      const take = Math.min(piece.byteLength - this.offset, length - filled)
      target.set(piece.subarray(this.offset, this.offset + take), at + filled)
      filled += take
      this.offset += take
      if (this.offset === piece.byteLength) {
        this.index += 1
        this.offset = 0
      }
    }
  }
}

/** Bytes that {@link writeBase64Lines} writes for `inputBytes` bytes of input. */
export function base64LinesLength(inputBytes: number): number {
  const characters = 4 * Math.ceil(inputBytes / 3)
  return characters + 2 * Math.ceil(characters / 76)
}

/**
 * Writes the pieces' bytes, taken as one sequence, to `out` at `at` as base64 in lines of 76
 * characters, each followed by CRLF (the last line too); returns the end. `out` must have room
 * for {@link base64LinesLength} bytes.
 */
export function writeBase64Lines(
  pieces: readonly Uint8Array[],
  out: Uint8Array,
  at: number,
): number {
  const { exports, heap } = mimeText()
  const reader = new PieceReader(pieces)
  let remaining = pieces.reduce((sum, piece) => sum + piece.byteLength, 0)
  let written = at
  while (remaining >= lineInputBytes) {
    const lines = Math.min(linesPerChunk, Math.floor(remaining / lineInputBytes))
    reader.copyInto(heap, inputAt, lines * lineInputBytes)
    exports.encodeBase64Lines(inputAt, outputAt, lines)
    out.set(heap.subarray(outputAt, outputAt + lines * lineOutputBytes), written)
    written += lines * lineOutputBytes
    remaining -= lines * lineInputBytes
  }
  if (remaining > 0) {
    const tail = Buffer.allocUnsafe(remaining)
    reader.copyInto(tail, 0, remaining)
    const text = tail.toString('base64') + '\r\n'
    for (let k = 0; k < text.length; k += 1) out[written + k] = text.charCodeAt(k)
    written += text.length
  }
  return written
}

/** True when every LF follows a CR and every CR precedes an LF (RFC 8551 §3.1.1). */
export function isCanonicalCrlf(bytes: Uint8Array): boolean {
  const { exports, heap } = mimeText()
  let carry = 0
  for (let start = 0; start < bytes.byteLength; start += chunkBytes) {
    const length = Math.min(chunkBytes, bytes.byteLength - start)
    heap.set(bytes.subarray(start, start + length), inputAt)
    const blocks = Math.ceil(length / 16)
    heap.fill(0, inputAt + length, inputAt + blocks * 16)
    const result = exports.scanLineEnds(inputAt, blocks, carry)
    if ((result & 2) !== 0) return false
    carry = result & 1
  }
  return carry === 0
}
