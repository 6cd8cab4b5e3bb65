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

/** Identifiers of records, which staff and DPOs read and quote: a prefix, `_`, random characters. */
const recordId = /^[a-z]{2,8}_(?=[0-9a-z]*[0-9])[0-9a-z]{10,}$/
/**
 * The same as gateway/ids.ts makes them: 20 Crockford-base32 characters, which by chance may hold
 * no digit at all (about once in 1 800 ids) — never the shape of a code.
 */
const generatedId = /^[a-z]{2,8}_[0-9abcdefghjkmnpqrstvwxyz]{20}$/
const allowedToken = (token: string): boolean =>
  recordId.test(token) ||
  generatedId.test(token) ||
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

/**
 * Every raw code the page shows a reader (empty: the page speaks German throughout). `codes` adds
 * one-word codes the shapes cannot tell from words — vocabulary ids (`schule`), statuses
 * (`revoked`), channels (`kiosk`) — flagged when they stand as written (German nouns are
 * capitalised, so "Kiosk" passes and "kiosk" does not).
 */
export function findRawCodes(page: string, codes: Iterable<string> = []): RawCode[] {
  const known = new Set(codes)
  const text = visibleText(page)
  const found: RawCode[] = []
  for (const m of text.matchAll(/[^\s,;()[\]{}"'„“«»<>|·→–—]+/g)) {
    const token = m[0].replace(/^[.:!?¿¡…]+|[.:!?…]+$/g, '')
    if (token === '' || allowedToken(token)) continue
    if (!known.has(token) && !codeShapes.some((shape) => shape.test(token))) continue
    const at = m.index
    found.push({ code: token, context: text.slice(Math.max(0, at - 40), at + token.length + 40) })
  }
  return found
}

/**
 * Dates and times a staff, DPO or admin page shows in any format but the one of
 * templates/pages/view-models/format-berlin-time.ts (DD.MM.YYYY, HH:MM): ISO dates and instants,
 * times with seconds, spelled-out months. Inside `data-code` they pass (an ISO instant shown on
 * purpose beside the Berlin time).
 */
export function findForeignDates(page: string): RawCode[] {
  const text = visibleText(page)
  const months =
    'Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|' +
    'Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sep|Okt|Nov|Dez'
  const shapes = [
    /\b\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?\b/g,
    /\b\d{1,2}:\d{2}:\d{2}\b/g,
    new RegExp(`\\b\\d{1,2}\\.\\s?(?:${months})\\.?\\s\\d{4}\\b`, 'g'),
    /\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/g,
  ]
  const found: RawCode[] = []
  for (const shape of shapes)
    for (const m of text.matchAll(shape))
      found.push({
        code: m[0],
        context: text.slice(Math.max(0, m.index - 40), m.index + m[0].length + 40),
      })
  return found
}
