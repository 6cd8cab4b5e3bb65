/** One header field as it stands in a MIME entity (name lower-cased, value unfolded and trimmed). */
export interface HeaderField {
  name: string
  value: string
}

/** Longest header block read (the binding headers are short; a giant block is refused). */
const maxHeaderBytes = 64 * 1024

/**
 * The header fields of a MIME entity or RFC 5322 message (RFC 5322 §2.2, §3.2.2 unfolding), up
 * to the first empty line. Returns undefined when there is no header block within
 * {@link maxHeaderBytes} — the caller refuses such a message as malformed.
 */
export function readHeaderFields(entity: Uint8Array): HeaderField[] | undefined {
  const bytes = Buffer.from(entity.buffer, entity.byteOffset, entity.byteLength)
  const window = bytes.subarray(0, Math.min(bytes.length, maxHeaderBytes))
  const crlf = window.indexOf('\r\n\r\n')
  const lf = window.indexOf('\n\n')
  const ends = [crlf, lf].filter((i) => i >= 0)
  if (ends.length === 0) return undefined
  const text = window.subarray(0, Math.min(...ends)).toString('latin1')
  const fields: HeaderField[] = []
  for (const line of text.split(/\r?\n/)) {
    if (line.length === 0) continue
    if (line.startsWith(' ') || line.startsWith('\t')) {
      const last = fields[fields.length - 1]
      if (last === undefined) return undefined
      last.value = `${last.value} ${line.trim()}`.trim()
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) return undefined
    fields.push({
      name: line.slice(0, colon).trim().toLowerCase(),
      value: line.slice(colon + 1).trim(),
    })
  }
  return fields
}

/** Every value of a header (case-insensitive name), in order. */
export function valuesOf(fields: readonly HeaderField[], name: string): string[] {
  const lower = name.toLowerCase()
  return fields.filter((field) => field.name === lower).map((field) => field.value)
}
