import { crc32, deflateSync } from 'node:zlib'
import { typedSignatureEvidence } from '../../gateway/consent/signature-evidence.ts'
import { signingStringsFor } from '../../templates/pages/kiosk/signing-strings.ts'

/**
 * Evidence as the real devices make it: a drawn signature is a PNG from a canvas (RGBA,
 * transparent background, a dark stroke), a paper scan a PDF, an attestation a written sentence.
 */

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** A PNG of `width` × `height` with a zig-zag stroke (or nothing, when `strokes` is 0). */
export function signaturePng(
  options: { width?: number; height?: number; strokes?: number } = {},
): Buffer {
  const width = options.width ?? 900
  const height = options.height ?? 260
  const strokes = options.strokes ?? 8
  const stride = width * 4
  const raw = Buffer.alloc((stride + 1) * height)
  const ink = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return
    const at = y * (stride + 1) + 1 + x * 4
    raw.writeUInt32BE(0x1a1a1aff, at)
  }
  // A line between the zig-zag points, four pixels thick.
  for (let i = 0; i < strokes; i++) {
    const x0 = 40 + (i * (width - 80)) / Math.max(strokes, 1)
    const x1 = 40 + ((i + 1) * (width - 80)) / Math.max(strokes, 1)
    const y0 = i % 2 ? height * 0.3 : height * 0.7
    const y1 = i % 2 ? height * 0.7 : height * 0.3
    for (let t = 0; t <= 1; t += 1 / 400) {
      const x = Math.round(x0 + (x1 - x0) * t)
      const y = Math.round(y0 + (y1 - y0) * t)
      for (let dx = 0; dx < 4; dx++) for (let dy = 0; dy < 4; dy++) ink(x + dx, y + dy)
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.writeUInt8(8, 8) // bit depth
  header.writeUInt8(6, 9) // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** A drawn signature as the kiosk page posts it. */
export function drawnSignature(options?: Parameters<typeof signaturePng>[0]): string {
  return `data:image/png;base64,${signaturePng(options).toString('base64')}`
}

/**
 * A typed signature as the kiosk page records it (`kiosk_typed`): the name typed and the
 * sentence beside the ticked checkbox, in the kiosk's language.
 */
export function typedSignature(name: string, language = 'de'): string {
  return typedSignatureEvidence({
    typedName: name,
    confirmation: signingStringsFor(language).typedConfirm,
    language,
  })
}

/** A scan of a signed paper form: a small but real PDF. */
export function paperScan(): string {
  const lines = [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj',
    // Padding stands in for the scanned image a real form carries.
    `% ${'scan '.repeat(300)}`,
    'trailer << /Root 1 0 R >>',
    '%%EOF',
  ]
  return `data:application/pdf;base64,${Buffer.from(lines.join('\n')).toString('base64')}`
}

/** The circumstances staff write down for an attested signature. */
export const attestedCircumstances =
  'Persönlich in der Beratung am Schreibtisch; Text vorgelesen und erklärt, Fragen beantwortet, Zustimmung mündlich erteilt.'
