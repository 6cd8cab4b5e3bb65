import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  base64LinesLength,
  isCanonicalCrlf,
  writeBase64Lines,
} from '../../../crypto/simd/mime-text.ts'
import { mimeTextWasmBase64 } from '../../../crypto/simd/mime-text.wasm.ts'
import { compileMimeTextWat } from '../../../scripts/wasm-source.ts'

/** RFC 2045 §6.8 lines, the plain way: the reference the SIMD encoder must match. */
function referenceLines(bytes: Buffer): string {
  const base64 = bytes.toString('base64')
  let text = ''
  for (let start = 0; start < base64.length; start += 76)
    text += `${base64.slice(start, start + 76)}\r\n`
  return text
}

/** Canonical per RFC 8551 §3.1.1, the plain way: every CR before an LF, every LF after a CR. */
function referenceCanonical(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i += 1) {
    if (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a) return false
    if (bytes[i] === 0x0a && (i === 0 || bytes[i - 1] !== 0x0d)) return false
  }
  return true
}

function encode(pieces: Buffer[]): string {
  const total = pieces.reduce((sum, piece) => sum + piece.length, 0)
  const out = Buffer.alloc(base64LinesLength(total) + 3, 0x7e)
  const end = writeBase64Lines(pieces, out, 3)
  expect(end).toBe(out.length)
  expect(out.subarray(0, 3).toString('latin1')).toBe('~~~')
  return out.toString('latin1', 3)
}

describe('the WebAssembly module', () => {
  it('when mime-text.wat is compiled again, then it gives the committed bytes (run `npm run build:wasm` after editing it)', async () => {
    const compiled = await compileMimeTextWat()
    expect(compiled.toString('base64')).toBe(mimeTextWasmBase64)
  })
})

describe('writeBase64Lines', () => {
  it.each([
    0,
    1,
    2,
    3,
    11,
    12,
    13,
    56,
    57,
    58,
    113,
    114,
    115,
    57 * 8192 - 1,
    57 * 8192,
    57 * 8192 + 1,
    1_000_003,
  ])(
    'when %i bytes are encoded, then the text is their base64 in 76-character CRLF lines',
    (size) => {
      const bytes = randomBytes(size)
      expect(encode([bytes])).toBe(referenceLines(bytes))
    },
  )

  it('when every 12-byte block value pattern appears (all 64 characters at every position), then each decodes back', () => {
    const bytes = Buffer.alloc(57 * 64)
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 37 + (i >> 6)) & 0xff
    const all = Buffer.from(
      Array.from({ length: 256 * 3 }, (_, i) => (i % 3 === 0 ? i / 3 : 255 - (i % 256))),
    )
    for (const sample of [bytes, all]) {
      const text = encode([sample])
      expect(text).toBe(referenceLines(sample))
      expect(Buffer.from(text, 'base64').equals(sample)).toBe(true)
    }
  })

  it('when the input comes in pieces of any sizes, then the text equals the one of the joined bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 400 }), { maxLength: 12 }), (arrays) => {
        const pieces = arrays.map((array) => Buffer.from(array))
        expect(encode(pieces)).toBe(referenceLines(Buffer.concat(pieces)))
      }),
      { numRuns: 300 },
    )
  })
})

describe('isCanonicalCrlf', () => {
  it('when CR and LF appear anywhere (also across 16-byte blocks), then it agrees with the plain definition', () => {
    // Mostly CRLF pairs and filler, so that canonical inputs are common, with a few bare ones.
    const token = fc.constantFrom('\r\n', '\r\n', '\r\n', 'A', 'AAAAAAA', '\0', '\r', '\n')
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        const bytes = Buffer.from(tokens.join(''), 'latin1')
        expect(isCanonicalCrlf(bytes)).toBe(referenceCanonical(bytes))
      }),
      { numRuns: 3000 },
    )
  })

  it.each([
    ['canonical text', true, (text: Buffer) => text],
    ['a bare LF at the end', false, (text: Buffer) => Buffer.concat([text, Buffer.from('\n')])],
    ['a bare CR at the end', false, (text: Buffer) => Buffer.concat([text, Buffer.from('\r')])],
    ['CRLF split over the chunk edge', true, (text: Buffer) => splice(text, 57 * 8192 - 1, '\r\n')],
    [
      'a bare LF right after the chunk edge',
      false,
      (text: Buffer) => splice(text, 57 * 8192, '\n'),
    ],
    [
      'a bare CR right before the chunk edge',
      false,
      (text: Buffer) => splice(text, 57 * 8192 - 1, '\rx'),
    ],
    ['LF CR instead of CR LF', false, (text: Buffer) => splice(text, 700_001, '\n\r')],
  ])('when a megabyte of text has %s, then it says %s', (_label, expected, edit) => {
    const line = Buffer.from(`${'x'.repeat(70)}\r\n`)
    const text = edit(Buffer.concat(Array.from({ length: 15_000 }, () => line)))
    expect(referenceCanonical(text)).toBe(expected)
    expect(isCanonicalCrlf(text)).toBe(expected)
  })
})

/** `text` with `insert` written over it at `at`, CR/LF-free filler around it kept. */
function splice(text: Buffer, at: number, insert: string): Buffer {
  const copy = Buffer.from(text.toString('latin1').replace(/[\r\n]/g, 'y'), 'latin1')
  copy.write(insert, at, 'latin1')
  return copy
}
