import { createHash } from 'node:crypto'
import {
  consentAttestationSchema,
  type ConsentAttestation,
} from '../../consent/consent-attestation.ts'

/**
 * The consent attestation as its own MIME part of the signed inner entity (issue 16 point 4,
 * docs/design.md «Consent attestation»): written by compose-message and revocation-notice, read
 * by the receiving gateway. The part's SHA-256 is also a signed header, so a receiver can tell the
 * attestation the sender meant from one that was swapped or edited.
 */
export const attestationContentType = 'application/vnd.brucke.consent-attestation+json'
export const attestationFilename = 'consent-attestation.json'
export const attestationHashHeader = 'X-Brucke-Consent-Attestation-Sha256'

/** Largest attestation part a receiver reads (decoded bytes); a real one is about 1 KB. */
const maxAttestationBytes = 64 * 1024
/** How deep multiparts are searched: the part sits at depth 1; nesting beyond this is refused. */
const maxDepth = 4

/** The attestation's bytes as carried in the part, and their SHA-256 for the signed header. */
export interface EncodedAttestation {
  bytes: Buffer
  sha256: string
}

export function encodeAttestation(attestation: ConsentAttestation): EncodedAttestation {
  const bytes = Buffer.from(JSON.stringify(attestation), 'utf8')
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') }
}

/**
 * The part for nodemailer's composer, written out here (`raw`): base64 in 76-character lines
 * (RFC 2045 §6.8), so no line of JSON is ever re-wrapped, and without a MIME node of its own to
 * build on the hot path.
 */
export function attestationAttachment(encoded: EncodedAttestation): { raw: string } {
  const base64 = encoded.bytes.toString('base64').replace(/.{76}(?=.)/g, '$&\r\n')
  return {
    raw:
      `Content-Type: ${attestationContentType}; name=${attestationFilename}\r\n` +
      'Content-Transfer-Encoding: base64\r\n' +
      `Content-Disposition: attachment; filename=${attestationFilename}\r\n` +
      `\r\n${base64}`,
  }
}

export type ReadAttestationResult =
  | { ok: true; attestation: ConsentAttestation; sha256: string }
  | {
      ok: false
      reason: 'attestation_missing' | 'attestation_malformed' | 'attestation_hash_mismatch'
    }

interface Entity {
  headers: Map<string, string[]>
  body: string
}

/** Splits header and body and unfolds the headers (RFC 5322 §2.2.3); `text` is latin1, byte = char. */
function parseEntity(text: string): Entity {
  const split = /\r?\n\r?\n/.exec(text)
  const head = split ? text.slice(0, split.index) : text
  const body = split ? text.slice(split.index + split[0].length) : ''
  const headers = new Map<string, string[]>()
  for (const line of head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()])
  }
  return { headers, body }
}

function mediaTypeOf(entity: Entity): string {
  return (entity.headers.get('content-type')?.[0] ?? 'text/plain')
    .split(';')[0]!
    .trim()
    .toLowerCase()
}

function boundaryOf(entity: Entity): string | undefined {
  const contentType = entity.headers.get('content-type')?.[0] ?? ''
  const match = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType)
  return match?.[1] ?? match?.[2]
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The body parts of a multipart body (RFC 2046 §5.1.1), preamble and epilogue left out. */
function bodyParts(body: string, boundary: string): string[] {
  const delimiter = new RegExp(
    `(?:^|\\r?\\n)--${escapeRegExp(boundary)}(--)?[ \\t]*(?:\\r?\\n|$)`,
    'g',
  )
  const parts: string[] = []
  let start: number | undefined
  for (const match of body.matchAll(delimiter)) {
    if (start !== undefined) parts.push(body.slice(start, match.index))
    if (match[1] === '--') return parts
    start = match.index + match[0].length
  }
  if (start !== undefined) parts.push(body.slice(start))
  return parts
}

/** Every attestation part in the entity tree, or `undefined` when nesting is too deep. */
function findAttestationParts(entity: Entity, depth: number): Entity[] | undefined {
  if (mediaTypeOf(entity) === attestationContentType) return [entity]
  if (!mediaTypeOf(entity).startsWith('multipart/')) return []
  if (depth >= maxDepth) return undefined
  const boundary = boundaryOf(entity)
  if (boundary === undefined) return []
  const found: Entity[] = []
  for (const part of bodyParts(entity.body, boundary)) {
    const inner = findAttestationParts(parseEntity(part), depth + 1)
    if (inner === undefined) return undefined
    found.push(...inner)
  }
  return found
}

function decodeBody(part: Entity): Buffer | undefined {
  const encoding = (part.headers.get('content-transfer-encoding')?.[0] ?? '7bit').toLowerCase()
  if (encoding === 'base64') {
    const compact = part.body.replace(/[\r\n \t]+/g, '')
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined
    return Buffer.from(compact, 'base64')
  }
  if (encoding === '7bit' || encoding === '8bit' || encoding === 'binary')
    return Buffer.from(part.body.replace(/\r?\n$/, ''), 'latin1')
  return undefined
}

/**
 * Reads the consent attestation from a verified inner MIME entity (the content the signature
 * covers): finds its one part, checks the part's SHA-256 against the signed
 * `X-Brucke-Consent-Attestation-Sha256` header and parses it with the schema. Never throws; the
 * caller then checks `attestationCoversTransfer` against the signed binding headers.
 */
// seam: fed-inbound's receive pipeline calls this on the verified content, then
// `attestationCoversTransfer` (consent/consent-attestation.ts) with the signed binding headers and
// the signed Date; it refuses with `attestation_missing` / `attestation_mismatch`. A notice
// (`X-Brucke-Notice`) carries status `revoked` / `lapsed`, so it is read but not "covered".
export function readAttestation(mimeEntity: Buffer): ReadAttestationResult {
  const top = parseEntity(mimeEntity.toString('latin1'))
  const parts = findAttestationParts(top, 0)
  if (parts === undefined || parts.length > 1) return { ok: false, reason: 'attestation_malformed' }
  const part = parts[0]
  // The top entity itself is never the attestation: it must sit beside the message it attests.
  if (part === undefined || part === top) return { ok: false, reason: 'attestation_missing' }
  const bytes = decodeBody(part)
  if (bytes === undefined || bytes.length > maxAttestationBytes)
    return { ok: false, reason: 'attestation_malformed' }
  const declared = top.headers.get(attestationHashHeader.toLowerCase()) ?? []
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  // Exactly one signed hash, and it names these bytes: else this is not what the sender signed.
  if (declared.length !== 1 || declared[0]?.toLowerCase() !== sha256)
    return { ok: false, reason: 'attestation_hash_mismatch' }
  let json: unknown
  try {
    json = JSON.parse(bytes.toString('utf8'))
  } catch {
    return { ok: false, reason: 'attestation_malformed' }
  }
  const parsed = consentAttestationSchema.safeParse(json)
  return parsed.success
    ? { ok: true, attestation: parsed.data, sha256 }
    : { ok: false, reason: 'attestation_malformed' }
}
