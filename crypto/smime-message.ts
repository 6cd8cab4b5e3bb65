import { randomBytes } from 'node:crypto'
import { CmsError } from './errors.ts'
import { base64LinesLength, isCanonicalCrlf, writeBase64Lines } from './simd/mime-text.ts'

/** The smime-type parameter values Brücke writes and reads (RFC 8551 §3.2.2). */
export type SmimeType = 'enveloped-data' | 'authEnveloped-data' | 'signed-data'

/** Largest S/MIME entity read (the relay's message limit). */
export const maxSmimeBytes = 25 * 1024 * 1024

/** Header lines of one entity are bounded so a header bomb cannot run long. */
const maxHeaderBytes = 64 * 1024

/** A parsed S/MIME entity: an opaque CMS blob, or a multipart/signed with its signed part. */
export type SmimeEntity =
  | { kind: 'pkcs7-mime'; smimeType: SmimeType | undefined; der: Buffer }
  | {
      kind: 'multipart-signed'
      signedContent: Buffer
      signatureDer: Buffer
      micalg: string | undefined
    }
  | { kind: 'other'; contentType: string }

/**
 * Canonical form of a MIME entity for signing (RFC 8551 §3.1.1, RFC 5751): every line ends in
 * CRLF. Bare LF and bare CR become CRLF; existing CRLF is kept.
 */
export function canonicalizeMimeEntity(entity: Uint8Array): Buffer {
  const canonical = canonicalMimeView(entity)
  // A view of the caller's bytes is copied, so the result never aliases the input.
  return canonical.buffer === entity.buffer ? Buffer.from(canonical) : canonical
}

/**
 * Like {@link canonicalizeMimeEntity}, but an already canonical entity is returned as a view of
 * the input instead of a copy (a 1 MB copy costs about as much as hashing it). For read-only use
 * within one synchronous call; the result may alias `entity`.
 */
export function canonicalMimeView(entity: Uint8Array): Buffer {
  const text = Buffer.from(entity.buffer, entity.byteOffset, entity.byteLength)
  if (isCanonicalCrlf(text)) return text
  const out = Buffer.alloc(text.length * 2)
  let length = 0
  for (let i = 0; i < text.length; i += 1) {
    const byte = text[i] as number
    if (byte === 0x0d) {
      out[length++] = 0x0d
      out[length++] = 0x0a
      if (text[i + 1] === 0x0a) i += 1
    } else if (byte === 0x0a) {
      out[length++] = 0x0d
      out[length++] = 0x0a
    } else {
      out[length++] = byte
    }
  }
  return out.subarray(0, length)
}

/**
 * `prefix` followed by base64 in lines of 76 characters with CRLF (RFC 2045 §6.8), in one
 * buffer. The input may come in pieces: a CMS structure around megabytes of ciphertext is not
 * joined first.
 */
function base64Lines(input: Uint8Array | readonly Uint8Array[], prefix = ''): Buffer {
  const pieces = input instanceof Uint8Array ? [input] : input
  const total = pieces.reduce((sum, piece) => sum + piece.byteLength, 0)
  const head = Buffer.byteLength(prefix, 'latin1')
  const out = Buffer.allocUnsafe(head + base64LinesLength(total))
  out.write(prefix, 0, 'latin1')
  writeBase64Lines(pieces, out, head)
  return out
}

/**
 * `application/pkcs7-mime` entity with a base64 body (RFC 8551 §3.2, §3.3, §3.5.2). The caller
 * adds the message headers (From, To, Subject, Date, Message-ID) around it.
 */
export function wrapPkcs7Mime(
  der: Uint8Array | readonly Uint8Array[],
  smimeType: SmimeType,
): Buffer {
  const header =
    `Content-Type: application/pkcs7-mime; smime-type=${smimeType}; name="smime.p7m"\r\n` +
    'Content-Transfer-Encoding: base64\r\n' +
    'Content-Disposition: attachment; filename="smime.p7m"\r\n' +
    '\r\n'
  return base64Lines(der, header)
}

/**
 * `multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256` (RFC 1847, RFC 8551
 * §3.5.3): the canonical signed entity exactly as signed, then the detached signature.
 */
export function wrapMultipartSigned(signedEntity: Uint8Array, signatureDer: Uint8Array): Buffer {
  return Buffer.concat(multipartSignedParts(signedEntity, signatureDer))
}

/**
 * {@link wrapMultipartSigned} in three pieces — head, the signed entity (not copied), signature
 * part — so a caller that encrypts the result can stream them instead of joining megabytes.
 */
export function multipartSignedParts(signedEntity: Uint8Array, signatureDer: Uint8Array): Buffer[] {
  const boundary = `----=_Brucke_${randomBytes(12).toString('hex')}`
  const head =
    `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;\r\n` +
    ` boundary="${boundary}"\r\n` +
    '\r\n' +
    'This is an S/MIME signed message.\r\n' +
    `--${boundary}\r\n`
  const signaturePart =
    `\r\n--${boundary}\r\n` +
    'Content-Type: application/pkcs7-signature; name="smime.p7s"\r\n' +
    'Content-Transfer-Encoding: base64\r\n' +
    'Content-Disposition: attachment; filename="smime.p7s"\r\n' +
    '\r\n' +
    base64Lines(signatureDer).toString('latin1') +
    `--${boundary}--\r\n`
  return [
    Buffer.from(head, 'latin1'),
    Buffer.from(signedEntity.buffer, signedEntity.byteOffset, signedEntity.byteLength),
    Buffer.from(signaturePart, 'latin1'),
  ]
}

interface ParsedHeaders {
  headers: Map<string, string>
  bodyStart: number
}

/**
 * Splits the header section (RFC 5322 §2.2, unfolding §2.2.3) from the body. Line ends may be
 * CRLF, LF or CR: only the few header lines are normalised here, so a megabyte body is not
 * scanned just to find where it starts.
 */
function parseHeaders(entity: Buffer): ParsedHeaders {
  let lineStart = 0
  let headerEnd = -1
  let bodyStart = -1
  while (lineStart <= maxHeaderBytes) {
    const lf = entity.indexOf(0x0a, lineStart)
    // A CR is only looked for inside the line, so an LF-only message is not scanned to its end.
    const lineLimit = lf === -1 ? Math.min(entity.length, lineStart + maxHeaderBytes) : lf
    const crInLine = entity.subarray(lineStart, lineLimit).indexOf(0x0d)
    const cr = crInLine === -1 ? -1 : lineStart + crInLine
    // The line ends at the first CR or LF; CRLF counts as one line end.
    const end = cr !== -1 ? cr : lf
    if (end === -1) break
    const next = end === cr && entity[cr + 1] === 0x0a ? cr + 2 : end + 1
    if (end === lineStart) {
      headerEnd = lineStart
      bodyStart = next
      break
    }
    lineStart = next
  }
  if (headerEnd === -1 || headerEnd > maxHeaderBytes) {
    throw new CmsError('ERR_CMS_MIME_MALFORMED', 'MIME header section missing or too long')
  }
  const text = entity
    .subarray(0, headerEnd)
    .toString('latin1')
    .replace(/\r\n|\r|\n/g, '\r\n')
    .replace(/\r\n[ \t]+/g, ' ')
  const headers = new Map<string, string>()
  for (const line of text.split('\r\n')) {
    if (line === '') continue
    const colon = line.indexOf(':')
    if (colon <= 0) throw new CmsError('ERR_CMS_MIME_MALFORMED', 'MIME header line without a name')
    const name = line.slice(0, colon).trim().toLowerCase()
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim())
  }
  return { headers, bodyStart }
}

/** A Content-Type value split into `type/subtype` and lower-cased parameter names (RFC 2045 §5.1). */
export function parseContentType(value: string): { type: string; parameters: Map<string, string> } {
  const parameters = new Map<string, string>()
  const semicolon = value.indexOf(';')
  const type = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase()
  const rest = semicolon === -1 ? '' : value.slice(semicolon + 1)
  const pattern = /\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))\s*;?/g
  for (const match of rest.matchAll(pattern)) {
    const name = (match[1] ?? '').toLowerCase()
    const raw = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '')
    if (!parameters.has(name)) parameters.set(name, raw)
  }
  return { type, parameters }
}

/**
 * Base64 with line breaks, decoded. Node decodes only strings, and a megabyte body as one string
 * costs three times the decoding (an external string, then garbage). Bodies written as usual —
 * lines of one length, a multiple of 4, ending in CRLF — are decoded in slices of whole lines
 * into one buffer; each slice then holds whole 4-character groups. The byte count proves that
 * the slices held nothing but base64 (a stray character would shorten it); otherwise, and for
 * the last lines, the plain whole-string decode is used.
 */
function decodeBase64Lines(body: Buffer): Buffer {
  const lineLength = body.indexOf(0x0d)
  let lines = 0
  if (lineLength > 0 && lineLength % 4 === 0 && body[lineLength + 1] === 0x0a) {
    const stride = lineLength + 2
    while (
      (lines + 1) * stride <= body.length &&
      body[lines * stride + lineLength] === 0x0d &&
      body[lines * stride + lineLength + 1] === 0x0a
    )
      lines += 1
  }
  if (lines < 64) return Buffer.from(body.toString('latin1'), 'base64')
  const stride = lineLength + 2
  const fastEnd = lines * stride
  const fastBytes = (lines * lineLength * 3) / 4
  const rest = body.toString('latin1', fastEnd)
  const out = Buffer.allocUnsafe(fastBytes + Math.ceil((rest.length * 3) / 4))
  const sliceBytes = Math.max(1, Math.floor(base64DecodeSliceBytes / stride)) * stride
  let written = 0
  for (let start = 0; start < fastEnd; start += sliceBytes) {
    const end = Math.min(fastEnd, start + sliceBytes)
    written += out.write(body.toString('latin1', start, end), written, 'base64')
  }
  if (written !== fastBytes) return Buffer.from(body.toString('latin1'), 'base64')
  written += out.write(rest, written, 'base64')
  return out.subarray(0, written)
}

/** Encoded bytes per slice in {@link decodeBase64Lines}: small strings, young and cheap. */
const base64DecodeSliceBytes = 64 * 1024

/**
 * Where the signed part ends and the signature part ends in a multipart/signed body. The
 * signature part is last and small, so its delimiters are looked for from the end when the body
 * closes as RFC 2046 §5.1.1 says (`--boundary--`): a megabyte of signed content is then not
 * scanned for the boundary. A delimiter inside the signed content (which RFC 2046 forbids) stays
 * in it and fails the signature check. Without a closing delimiter, the parts are found from the
 * front as before.
 */
function signatureDelimiters(
  body: Buffer,
  nextDelimiter: Buffer,
  signedStart: number,
): { signedEnd: number; signatureEnd: number } {
  const closing = body.lastIndexOf(nextDelimiter)
  const closes =
    closing > signedStart &&
    body[closing + nextDelimiter.length] === 0x2d &&
    body[closing + nextDelimiter.length + 1] === 0x2d
  if (closes) {
    const signedEnd = body.lastIndexOf(nextDelimiter, closing - 1)
    if (signedEnd >= signedStart) return { signedEnd, signatureEnd: closing }
  }
  const signedEnd = body.indexOf(nextDelimiter, signedStart)
  if (signedEnd === -1) throw new CmsError('ERR_CMS_MIME_MALFORMED', 'multipart/signed truncated')
  const signatureEnd = body.indexOf(nextDelimiter, signedEnd + nextDelimiter.length)
  if (signatureEnd === -1) throw new CmsError('ERR_CMS_MIME_MALFORMED', 'signature part truncated')
  return { signedEnd, signatureEnd }
}

function decodeBody(body: Buffer, transferEncoding: string | undefined): Buffer {
  const encoding = (transferEncoding ?? '7bit').toLowerCase()
  if (encoding === 'base64') {
    // RFC 2045 §6.8: characters outside the base64 alphabet (line breaks above all) are
    // ignored, which is what Node's native decoder does. Padding may only end the data, and a
    // body with nothing to decode is refused, so garbage gets a clear error here rather than a
    // confusing one from the CMS parser.
    const padding = body.indexOf(0x3d)
    if (padding !== -1 && !/^={1,2}[\r\n\t ]*$/.test(body.toString('latin1', padding))) {
      throw new CmsError('ERR_CMS_MIME_MALFORMED', 'base64 body is not valid')
    }
    const decoded = decodeBase64Lines(body)
    if (decoded.length === 0)
      throw new CmsError('ERR_CMS_MIME_MALFORMED', 'base64 body is not valid')
    return decoded
  }
  // Copied: `body` may be a view of the caller's message.
  if (encoding === 'binary' || encoding === '8bit' || encoding === '7bit') return Buffer.from(body)
  throw new CmsError('ERR_CMS_MIME_MALFORMED', 'unsupported Content-Transfer-Encoding', {
    details: { encoding },
  })
}

const pkcs7MimeTypes = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime'])
const pkcs7SignatureTypes = new Set([
  'application/pkcs7-signature',
  'application/x-pkcs7-signature',
])

/** How {@link parseSmimeEntity} treats the line ends of a multipart/signed body. */
export interface ParseSmimeOptions {
  /**
   * `canonical` (default): the body is canonicalised to CRLF first, so the signed part comes back
   * in the form that was signed (RFC 8551 §3.1.1). `as-is`: the bytes are taken as they are — a
   * verifier tries this first and falls back to `canonical` when it does not verify, which saves
   * a scan of the (usually canonical) body.
   */
  lineEnds?: 'canonical' | 'as-is'
  /** True when the caller owns `message` and will not change it: parts may be views of it. */
  owned?: boolean
}

/**
 * Reads an S/MIME entity (or a whole message — only Content-Type and Content-Transfer-Encoding
 * matter). A pkcs7-mime body is decoded as it stands (base64 ignores line ends; binary must not
 * be touched). Malformed MIME is ERR_CMS_MIME_MALFORMED; oversize is ERR_CMS_TOO_LARGE.
 */
export function parseSmimeEntity(
  message: Uint8Array,
  maxBytes: number = maxSmimeBytes,
  options: ParseSmimeOptions = {},
): SmimeEntity {
  if (message.byteLength > maxBytes) {
    throw new CmsError('ERR_CMS_TOO_LARGE', `S/MIME entity exceeds ${maxBytes} bytes`, {
      details: { bytes: message.byteLength, limit: maxBytes },
    })
  }
  // A view is enough: every Buffer returned below is freshly decoded or copied (unless owned).
  const entity = Buffer.from(message.buffer, message.byteOffset, message.byteLength)
  const { headers, bodyStart } = parseHeaders(entity)
  const contentTypeValue = headers.get('content-type') ?? 'text/plain'
  const contentType = parseContentType(contentTypeValue)
  const body = entity.subarray(bodyStart)
  if (pkcs7MimeTypes.has(contentType.type)) {
    const smimeType = contentType.parameters.get('smime-type')
    const known = ['enveloped-data', 'authenveloped-data', 'signed-data']
    const normalized = smimeType?.toLowerCase()
    return {
      kind: 'pkcs7-mime',
      smimeType:
        normalized === 'authenveloped-data'
          ? 'authEnveloped-data'
          : normalized !== undefined && known.includes(normalized)
            ? (normalized as SmimeType)
            : undefined,
      der: decodeBody(body, headers.get('content-transfer-encoding')),
    }
  }
  if (contentType.type === 'multipart/signed') {
    const asIs = options.lineEnds === 'as-is'
    const canonicalBody = asIs ? body : canonicalMimeView(body)
    // A canonicalised copy is ours already; a view of the caller's bytes is copied out.
    const owned = options.owned === true || canonicalBody.buffer !== entity.buffer
    return parseMultipartSigned(canonicalBody, contentType.parameters, owned)
  }
  return { kind: 'other', contentType: contentType.type }
}

function parseMultipartSigned(
  body: Buffer,
  parameters: Map<string, string>,
  owned: boolean,
): SmimeEntity {
  const boundary = parameters.get('boundary')
  const protocol = parameters.get('protocol')?.toLowerCase()
  if (!boundary || boundary.length > 200) {
    throw new CmsError('ERR_CMS_MIME_MALFORMED', 'multipart/signed without a usable boundary')
  }
  if (!protocol || !pkcs7SignatureTypes.has(protocol)) {
    throw new CmsError('ERR_CMS_MIME_MALFORMED', 'multipart/signed is not an S/MIME signature', {
      details: { protocol: protocol ?? null },
    })
  }
  const delimiter = Buffer.from(`--${boundary}`, 'latin1')
  // The first delimiter starts the body or follows a CRLF (RFC 2046 §5.1.1).
  let first = body.subarray(0, delimiter.length).equals(delimiter) ? 0 : -1
  if (first === -1) {
    const found = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]))
    first = found === -1 ? -1 : found + 2
  }
  if (first === -1) throw new CmsError('ERR_CMS_MIME_MALFORMED', 'multipart/signed has no parts')
  const firstLineEnd = body.indexOf('\r\n', first)
  if (firstLineEnd === -1)
    throw new CmsError('ERR_CMS_MIME_MALFORMED', 'multipart/signed truncated')
  const signedStart = firstLineEnd + 2
  const nextDelimiter = Buffer.concat([Buffer.from('\r\n'), delimiter])
  const { signedEnd, signatureEnd } = signatureDelimiters(body, nextDelimiter, signedStart)
  const signedContent = body.subarray(signedStart, signedEnd)
  const secondLineEnd = body.indexOf('\r\n', signedEnd + nextDelimiter.length)
  if (secondLineEnd === -1 || secondLineEnd >= signatureEnd)
    throw new CmsError('ERR_CMS_MIME_MALFORMED', 'signature part missing')
  const signatureStart = secondLineEnd + 2
  const signaturePart = body.subarray(signatureStart, signatureEnd)
  const { headers, bodyStart } = parseHeaders(signaturePart)
  const partType = parseContentType(headers.get('content-type') ?? '').type
  if (!pkcs7SignatureTypes.has(partType)) {
    throw new CmsError('ERR_CMS_MIME_MALFORMED', 'second part is not application/pkcs7-signature')
  }
  return {
    kind: 'multipart-signed',
    signedContent: owned ? signedContent : Buffer.from(signedContent),
    signatureDer: decodeBody(
      signaturePart.subarray(bodyStart),
      headers.get('content-transfer-encoding'),
    ),
    micalg: parameters.get('micalg')?.toLowerCase(),
  }
}
