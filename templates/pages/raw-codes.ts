/*
 * The raw-code check (issue 18 point 6): no page shows a code where a German label belongs —
 * snake_case ids of categories, purposes, channels and events (`self_service`,
 * `kiosk_draft_pushed`), reason codes (`category_not_covered:gesundheit`) or field names
 * (`consentId`). Pure: it reads rendered HTML and lists what a reader would see.
 *
 * What a reader may see on purpose, and the check lets pass:
 * - record identifiers (`cns_…`, `trf_…`, pseudonyms `psn_…`: a prefix and 20 Crockford-base32
 *   characters), e-mail addresses, URLs, file names and hashes;
 * - text inside an element carrying `data-code` — a code shown deliberately BESIDE its German
 *   label (e.g. the DPO's audit entry: "Einwilligung widerrufen", then `consent_revoked` for
 *   searching the export). Use it only beside a label, never instead of one.
 * Script, style, template and attribute values other than the visible ones (title, aria-label,
 * alt, placeholder) are not read.
 */

/** One code a page shows: the token and a bit of the text around it. */
export interface RawCode {
  code: string
  context: string
}

const entities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
}

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(parseInt(name.slice(2), 16))
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10))
    return entities[name.toLowerCase()] ?? whole
  })
}

const voidElements = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
])

/** The text a reader sees, with the parts marked `data-code` (and scripts, styles) left out. */
export function visibleText(page: string): string {
  const body = page
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style|template|noscript)\b[\s\S]*?<\/\1\s*>/gi, ' ')
  const out: string[] = []
  /** Depth of open elements inside a `data-code` element (0: not inside one). */
  const stack: string[] = []
  let skipDepth = 0
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|([^<]+)/g
  for (const m of body.matchAll(tag)) {
    const [, closing, rawName, attributes = '', text] = m
    if (text !== undefined) {
      if (skipDepth === 0) out.push(decode(text))
      continue
    }
    const name = (rawName ?? '').toLowerCase()
    if (closing) {
      // Close up to the matching element (tolerates unclosed <p>, <li>, …).
      const at = stack.lastIndexOf(name)
      if (at >= 0) {
        while (stack.length > at) {
          stack.pop()
          if (skipDepth > 0 && stack.length < skipDepth) skipDepth = 0
        }
      }
      out.push(' ')
      continue
    }
    if (skipDepth === 0)
      for (const a of attributes.matchAll(
        /\s(title|aria-label|alt|placeholder)\s*=\s*("([^"]*)"|'([^']*)')/gi,
      ))
        out.push(' ', decode(a[3] ?? a[4] ?? ''), ' ')
    const selfClosing = voidElements.has(name) || attributes.trimEnd().endsWith('/')
    if (selfClosing) {
      out.push(' ')
      continue
    }
    stack.push(name)
    if (skipDepth === 0 && /\sdata-code(\s|=|\/|$)/i.test(attributes)) skipDepth = stack.length
    out.push(' ')
  }
  return out.join('').replace(/\s+/g, ' ')
}

/** Identifiers of records, which staff and DPOs read and quote: prefix + 20 base32 chars. */
const recordId = /^[a-z]{2,8}_(?:[0-9a-hjkmnp-tv-z]{20}|[0-9a-f]{32})$/
const allowedToken = (token: string): boolean =>
  recordId.test(token) ||
  /^[0-9a-f]{16,}$/.test(token) ||
  /^[a-z0-9._%+-]+@[a-z0-9.-]+$/i.test(token) ||
  /^https?:\/\//.test(token) ||
  /\.(pdf|json|csv|eml|png|pem|p12|crt|key)$/i.test(token)

/** snake_case (with an optional `:term`), or camelCase like `consentId`. */
const codeShapes = [
  /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?::[a-z0-9_]+)?$/,
  /^[a-z]+_?[a-z0-9]*:[a-z][a-z0-9_]*$/,
  /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]+)+$/,
]

/** Every raw code the page shows a reader (empty: the page speaks German throughout). */
export function findRawCodes(page: string): RawCode[] {
  const text = visibleText(page)
  const found: RawCode[] = []
  for (const m of text.matchAll(/[^\s,;()[\]{}"'„“«»<>|·→–—]+/g)) {
    const token = m[0].replace(/^[.:!?¿¡…]+|[.:!?…]+$/g, '')
    if (token === '' || allowedToken(token)) continue
    if (!codeShapes.some((shape) => shape.test(token))) continue
    const at = m.index
    found.push({ code: token, context: text.slice(Math.max(0, at - 40), at + token.length + 40) })
  }
  return found
}
