import { createHash } from 'node:crypto'
import { crc32, inflateSync } from 'node:zlib'
import { z } from 'zod'
import type { SignatureMethod } from '../../consent/consent.ts'
import { ConsentError } from '../../consent/errors.ts'
import { personNameSchema } from '../../consent/person-name.ts'

/**
 * The evidence of a signature, checked at the edge before any rule runs (issue «Consent
 * integrity» points 1 and 2):
 * - `kiosk_drawn`: a real PNG (data URL) of plausible size with something drawn on it;
 * - `kiosk_typed`: the typed name, the sentence the person confirmed with its checkbox and the
 *   language it was shown in (JSON, {@link typedSignatureEvidence}) — the signatory's name must
 *   be the typed one ({@link checkTypedName});
 * - `paper_scan`: the scan itself (data URL of a PDF, PNG or JPEG), kept in the consent store;
 * - `staff_attested`: the circumstances written down (who was present, where, how the person
 *   was informed) — a sentence, not a token.
 * The evidence is kept as given; its SHA-256 goes to the record and the audit log.
 */
export interface CheckedEvidence {
  evidence: string
  evidenceSha256: string
}

/** Limits of a drawn signature: the kiosk canvas is 900 × 260; tablets scale it. */
export const drawingLimits = {
  minWidth: 200,
  maxWidth: 4096,
  minHeight: 60,
  maxHeight: 4096,
  maxBytes: 512 * 1024,
  /** Pixels that differ from the background: a dot or an empty pad is not a signature. */
  minInkPixels: 150,
} as const

/** A scan of a signed paper form. */
export const scanLimits = { minBytes: 1024, maxBytes: 4 * 1024 * 1024 } as const

export const circumstancesLimits = { minLength: 40, maxLength: 2000 } as const

/**
 * A typed signature (`kiosk_typed`): what the person typed and what they confirmed, in the
 * language the kiosk showed it. Kept as JSON in this key order, so the same act hashes the same.
 */
export const typedSignatureSchema = z.strictObject({
  typedName: personNameSchema,
  /** The sentence beside the checkbox the person ticked, as displayed. */
  confirmation: z.string().trim().min(20).max(500),
  language: z.string().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/),
})
export type TypedSignature = z.infer<typeof typedSignatureSchema>

/** The evidence string of a typed signature. */
export function typedSignatureEvidence(input: TypedSignature): string {
  return JSON.stringify({
    typedName: input.typedName,
    confirmation: input.confirmation,
    language: input.language,
  })
}

/** A stored typed signature's evidence, read back (undefined when it is not one). */
export function readTypedSignature(evidence: string): TypedSignature | undefined {
  try {
    const parsed = typedSignatureSchema.safeParse(JSON.parse(evidence))
    return parsed.success ? parsed.data : undefined
  } catch {
    // Not JSON: a drawing, a scan or written circumstances.
    return undefined
  }
}

/** A typed signature is the signatory's own name: the record may not name someone else. */
export function checkTypedName(evidence: string, name: string): void {
  const typed = readTypedSignature(evidence)
  if (!typed || typed.typedName !== personNameSchema.parse(name))
    throw invalid('A typed signature carries the signatory’s own name as typed.')
}

const invalid = (message: string): ConsentError =>
  new ConsentError('ERR_CONSENT_EVIDENCE_INVALID', message)

export function checkEvidence(method: SignatureMethod, evidence: string): CheckedEvidence {
  switch (method) {
    case 'kiosk_drawn':
      checkDrawing(decodeDataUrl(evidence, ['image/png'], drawingLimits.maxBytes).bytes)
      break
    case 'paper_scan': {
      const { mediaType, bytes } = decodeDataUrl(
        evidence,
        ['application/pdf', 'image/png', 'image/jpeg'],
        scanLimits.maxBytes,
      )
      checkScan(mediaType, bytes)
      break
    }
    case 'kiosk_typed':
      if (!readTypedSignature(evidence))
        throw invalid(
          'A typed signature carries the typed name, the confirmed sentence and its language (JSON).',
        )
      break
    case 'staff_attested':
      checkCircumstances(evidence)
      break
  }
  return { evidence, evidenceSha256: createHash('sha256').update(evidence, 'utf8').digest('hex') }
}

function decodeDataUrl(
  value: string,
  mediaTypes: readonly string[],
  maxBytes: number,
): { mediaType: string; bytes: Buffer } {
  const match = /^data:([a-z]+\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/]*={0,2})$/.exec(value)
  if (!match?.[1] || match[2] === undefined)
    throw invalid(`The evidence must be a base64 data URL (${mediaTypes.join(', ')}).`)
  if (!mediaTypes.includes(match[1]))
    throw invalid(`The evidence must be one of ${mediaTypes.join(', ')}, not ${match[1]}.`)
  if (match[2].length % 4 !== 0) throw invalid('The evidence is not valid base64.')
  const bytes = Buffer.from(match[2], 'base64')
  if (bytes.length > maxBytes) throw invalid(`The evidence is larger than ${maxBytes} bytes.`)
  return { mediaType: match[1], bytes }
}

function checkScan(mediaType: string, bytes: Buffer): void {
  if (bytes.length < scanLimits.minBytes)
    throw invalid('The scan is too small to show a signed form.')
  const magic: Record<string, Buffer> = {
    'application/pdf': Buffer.from('%PDF-'),
    'image/png': pngSignature,
    'image/jpeg': Buffer.from([0xff, 0xd8, 0xff]),
  }
  const expected = magic[mediaType]
  if (!expected || !bytes.subarray(0, expected.length).equals(expected))
    throw invalid(`The scan is not a ${mediaType} file.`)
}

function checkCircumstances(text: string): void {
  const trimmed = text.trim()
  if (
    trimmed.length < circumstancesLimits.minLength ||
    trimmed.length > circumstancesLimits.maxLength
  )
    throw invalid(
      `Write down the circumstances (${circumstancesLimits.minLength}–${circumstancesLimits.maxLength} characters): who was present, where, how the person was informed.`,
    )
  if (/^data:/i.test(trimmed))
    throw invalid('An attested signature carries the circumstances as text, not a file.')
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** Channels per PNG colour type (greyscale, RGB, palette, grey+alpha, RGBA). */
const channelsOf: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }

/**
 * A drawn signature: a well-formed, non-interlaced PNG whose chunks pass their CRC, whose image
 * data inflates to exactly its dimensions, of plausible size, with enough ink on it.
 */
export function checkDrawing(bytes: Buffer): void {
  if (!bytes.subarray(0, 8).equals(pngSignature)) throw invalid('The drawing is not a PNG image.')
  let offset = 8
  let header: { width: number; height: number; depth: number; colour: number } | undefined
  const data: Buffer[] = []
  let ended = false
  while (offset + 12 <= bytes.length && !ended) {
    const length = bytes.readUInt32BE(offset)
    const type = bytes.toString('latin1', offset + 4, offset + 8)
    const end = offset + 12 + length
    if (end > bytes.length) throw invalid('The drawing is a truncated PNG.')
    const body = bytes.subarray(offset + 8, offset + 8 + length)
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== bytes.readUInt32BE(end - 4))
      throw invalid('The drawing is a damaged PNG (checksum).')
    if (!header && type !== 'IHDR') throw invalid('The drawing is a PNG without a header.')
    if (type === 'IHDR') {
      if (length !== 13 || header) throw invalid('The drawing has a bad PNG header.')
      header = {
        width: body.readUInt32BE(0),
        height: body.readUInt32BE(4),
        depth: body.readUInt8(8),
        colour: body.readUInt8(9),
      }
      if (body.readUInt8(12) !== 0) throw invalid('An interlaced drawing is not accepted.')
    } else if (type === 'IDAT') data.push(body)
    else if (type === 'IEND') ended = true
    offset = end
  }
  if (!header || !ended || data.length === 0) throw invalid('The drawing is an incomplete PNG.')
  const { width, height, depth, colour } = header
  const channels = channelsOf[colour]
  if (channels === undefined || depth !== 8)
    throw invalid('The drawing must be an 8-bit PNG (as a canvas makes).')
  if (
    width < drawingLimits.minWidth ||
    width > drawingLimits.maxWidth ||
    height < drawingLimits.minHeight ||
    height > drawingLimits.maxHeight
  )
    throw invalid(`A drawing of ${width} × ${height} pixels is not a plausible signature pad.`)
  const stride = width * channels
  let raw: Buffer
  try {
    raw = inflateSync(Buffer.concat(data), { maxOutputLength: (stride + 1) * height + 1 })
  } catch {
    throw invalid('The drawing’s image data cannot be read.')
  }
  if (raw.length !== (stride + 1) * height) throw invalid('The drawing’s image data is incomplete.')
  if (countInk(raw, stride, channels, height) < drawingLimits.minInkPixels)
    throw invalid('The signature pad is empty: please sign in the box.')
}

/** Undoes the PNG row filters and counts pixels that differ from the top-left one. */
function countInk(raw: Buffer, stride: number, channels: number, height: number): number {
  let previous = Buffer.alloc(stride)
  let background: Buffer | undefined
  let ink = 0
  for (let y = 0; y < height; y++) {
    const start = y * (stride + 1)
    const filter = raw[start] ?? 0
    const row = Buffer.from(raw.subarray(start + 1, start + 1 + stride))
    for (let i = 0; i < stride; i++) {
      const left = i >= channels ? (row[i - channels] ?? 0) : 0
      const up = previous[i] ?? 0
      const upLeft = i >= channels ? (previous[i - channels] ?? 0) : 0
      const value = row[i] ?? 0
      let predicted: number
      switch (filter) {
        case 0:
          predicted = 0
          break
        case 1:
          predicted = left
          break
        case 2:
          predicted = up
          break
        case 3:
          predicted = (left + up) >> 1
          break
        case 4:
          predicted = paeth(left, up, upLeft)
          break
        default:
          throw invalid('The drawing uses an unknown PNG filter.')
      }
      row[i] = (value + predicted) & 0xff
    }
    background ??= Buffer.from(row.subarray(0, channels))
    for (let x = 0; x < stride; x += channels)
      if (!row.subarray(x, x + channels).equals(background)) ink++
    previous = row
  }
  return ink
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}
