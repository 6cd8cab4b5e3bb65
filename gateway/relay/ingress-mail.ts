import type { Vocabulary } from '../../consent/vocabulary.ts'
import { transferInputSchema, type TransferInput } from './transfer-service.ts'

/**
 * What the SMTP ingress needs of a parsed mail (mailparser's output, reduced): the decoded
 * subject, the Brücke headers as they arrived, the plain text (or text made from the HTML part)
 * and the attachments.
 */
export interface IngressMail {
  subject: string
  /** Raw header value by lower-case name; RFC 2047 encoded words are decoded here. */
  header(name: string): string | undefined
  text: string
  attachments: readonly {
    filename: string | undefined
    contentType: string
    content: Buffer
  }[]
}

/** Why a mail cannot become a transfer; each is answered at SMTP level, nothing is stored. */
export const ingressProblemCodes = [
  'consent_missing',
  'consent_invalid',
  'purpose_missing',
  'purpose_unknown',
  'category_missing',
  'category_unknown',
  'recipient_missing',
  'recipient_conflict',
  'necessity_missing',
  'body_empty',
  'section_empty',
  'attachment_not_pdf',
  'attachment_encrypted',
  'invalid',
] as const
export type IngressProblemCode = (typeof ingressProblemCodes)[number]

export interface IngressProblem {
  code: IngressProblemCode
  /** Log-safe detail: a field path or a term the sender typed (never content). */
  detail?: string
}

export type IngressReading =
  { ok: true; transfer: TransferInput } | { ok: false; problems: IngressProblem[] }

/** One sentence per problem, German first (the staff's language), English for partners' IT. */
export const ingressProblemTexts = {
  consent_missing: [
    'Einwilligung fehlt (Kopfzeile X-Brucke-Consent oder consent=… im Betreff)',
    'consent reference missing',
  ],
  consent_invalid: ['Einwilligungs-Kennung ungültig (Form cns_…)', 'consent reference invalid'],
  purpose_missing: ['Zweck fehlt (X-Brucke-Purpose oder purpose=… im Betreff)', 'purpose missing'],
  purpose_unknown: ['Zweck unbekannt', 'unknown purpose'],
  category_missing: [
    'Datenkategorie fehlt (X-Brucke-Category oder category=… im Betreff)',
    'data category missing',
  ],
  category_unknown: ['Datenkategorie unbekannt', 'unknown data category'],
  recipient_missing: [
    'Empfängerin fehlt (An: Funktionspostfach der Stelle, X-Brucke-To oder to=… im Betreff)',
    'recipient agency missing',
  ],
  recipient_conflict: [
    'Empfängerin widersprüchlich (An-Adresse und X-Brucke-To/to=… nennen verschiedene Stellen)',
    'recipient agency ambiguous',
  ],
  necessity_missing: [
    'Erforderlichkeit fehlt (Zeile „Erforderlichkeit: …“ im Text oder X-Brucke-Necessity, § 67a SGB X)',
    'statement of necessity missing',
  ],
  body_empty: ['Der Text der Mail ist leer', 'the mail has no text'],
  section_empty: ['Ein Abschnitt (## …) hat keinen Text', 'a section (## …) has no text'],
  attachment_not_pdf: ['Nur PDF-Anhänge sind erlaubt', 'only PDF attachments are accepted'],
  attachment_encrypted: [
    'Verschlüsselte Mails kann Brücke nicht lesen; bitte unverschlüsselt an Brücke senden (Brücke verschlüsselt selbst)',
    'encrypted mail cannot be read',
  ],
  invalid: ['Angaben ungültig', 'invalid values'],
} as const satisfies Record<IngressProblemCode, readonly [string, string]>

/** The values named in the subject token `[Brücke consent=… purpose=… category=… to=…]`. */
export interface SubjectToken {
  consent?: string
  purpose?: string
  category?: string
  to?: string
}

const tokenPattern = /\[\s*br(?:ü|ue|u)cke\b([^\]]*)\]/iu
const tokenKeys: Record<string, keyof SubjectToken> = {
  consent: 'consent',
  einwilligung: 'consent',
  purpose: 'purpose',
  zweck: 'purpose',
  category: 'category',
  kategorie: 'category',
  to: 'to',
  an: 'to',
  empfaenger: 'to',
  empfaengerin: 'to',
}

/**
 * Reads the subject token — ordinary mail clients cannot set headers, but everyone can type a
 * subject. Case-insensitive, `Brücke`, `Bruecke` or `Brucke`, `key=value` or `key: value`, keys in
 * English or German. Returns the subject without the token as the summary's title.
 */
export function parseSubjectToken(subject: string): { token: SubjectToken; title: string } {
  const text = subject.normalize('NFC')
  const match = tokenPattern.exec(text)
  if (!match) return { token: {}, title: collapse(text) }
  const token: SubjectToken = {}
  for (const pair of (match[1] ?? '').matchAll(/([\p{L}_-]+)\s*[=:]\s*([^\s;,\]]+)/gu)) {
    const key = tokenKeys[transliterate(pair[1] ?? '')]
    if (key && token[key] === undefined) token[key] = pair[2]
  }
  return { token, title: collapse(text.replace(match[0], ' ')) }
}

/** Lower case, umlauts and ß written out, dashes and spaces as `_` — the form of term ids. */
export function transliterate(value: string): string {
  return value
    .normalize('NFC')
    .trim()
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[\s-]+/g, '_')
}

function collapse(value: string): string {
  return value.replace(/\s+/g, ' ').trim()
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?ISO-8859-1?B?…?=`) in a header value. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?') // whitespace between adjacent encoded words is dropped (§6.2)
    .replace(/=\?([^?]+)\?([bqBQ])\?([^?]*)\?=/g, (whole, charset: string, kind: string, data) => {
      const bytes =
        kind.toUpperCase() === 'B'
          ? Buffer.from(String(data), 'base64')
          : Buffer.from(
              String(data)
                .replace(/_/g, ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
                  String.fromCharCode(parseInt(hex, 16)),
                ),
              'latin1',
            )
      try {
        return new TextDecoder(charset.split('*')[0]).decode(bytes)
      } catch {
        return whole
      }
    })
}

const necessityLine = /^[ \t]*(?:erforderlichkeit|necessity)[ \t]*:[ \t]*(.*)$/im

/** Cuts the conventional signature (`-- ` line, RFC 3676 §4.3): it is not case data. */
function withoutSignature(text: string): string {
  const at = text.search(/^-- ?$/m)
  return at === -1 ? text : text.slice(0, at)
}

function splitSections(
  text: string,
  title: string,
  category: string,
): { sections: TransferInput['sections']; empty: boolean } {
  const sections: TransferInput['sections'] = []
  let empty = false
  const parts = text.split(/^##[ \t]+(.*)$/m)
  // split with one capture group: [before, heading1, body1, heading2, body2, …]
  const before = (parts[0] ?? '').trim()
  if (before) sections.push({ category, title, body: before })
  for (let i = 1; i < parts.length; i += 2) {
    const heading = collapse(parts[i] ?? '')
    const body = (parts[i + 1] ?? '').trim()
    if (!body) empty = true
    else sections.push({ category, title: heading.slice(0, 200) || title, body })
  }
  return { sections, empty }
}

const pkcs7Signature = /^application\/(?:x-)?pkcs7-signature$/i
const pkcs7Mime = /^application\/(?:x-)?pkcs7-mime$/i

/** A file name the transfer schema accepts: unusual characters become `_`, ending in `.pdf`. */
export function safePdfFilename(name: string | undefined, index: number): string {
  const base = (name ?? '')
    .normalize('NFC')
    .replace(/\.pdf$/i, '')
    .replace(/[^\w .()äöüÄÖÜß-]/g, '_')
    .trim()
    .slice(0, 116)
  return `${base || `anhang-${index + 1}`}.pdf`
}

/**
 * Turns a mail into a transfer (docs/design.md §3.3 step 1, SMTP ingress): consent reference, purpose,
 * category and recipient from the `X-Brucke-*` headers or else the subject token; the statement
 * of necessity from `X-Brucke-Necessity` or else an `Erforderlichkeit: …` line of the text; the
 * text as one section of the given category (or one per `## ` heading), PDF attachments with
 * the same category. Headers win over the token. Terms are matched to the closed vocabulary
 * (`Übergabe` → `uebergabe`). Validated with the same schema as the REST API.
 *
 * @param rcptAgencyId the agency whose functional mailbox the mail was addressed to, if any
 */
export function readIngressMail(
  mail: IngressMail,
  context: { rcptAgencyId: string | undefined; vocabulary: Vocabulary },
): IngressReading {
  const problems: IngressProblem[] = []
  const { token, title: subjectTitle } = parseSubjectToken(mail.subject)
  const header = (name: string): string | undefined => {
    const value = mail.header(name)
    const decoded = value === undefined ? undefined : collapse(decodeEncodedWords(value))
    return decoded ? decoded : undefined
  }

  const consentRaw = header('x-brucke-consent') ?? token.consent
  const consentId = consentRaw?.trim().toLowerCase()
  if (!consentId) problems.push({ code: 'consent_missing' })
  else if (!/^[a-z]{2,8}_[0-9a-z]{4,60}$/.test(consentId))
    problems.push({ code: 'consent_invalid' })

  const purposeRaw = header('x-brucke-purpose') ?? token.purpose
  const purpose = purposeRaw === undefined ? undefined : transliterate(purposeRaw)
  if (!purpose) problems.push({ code: 'purpose_missing' })
  else if (!Object.hasOwn(context.vocabulary.purposes, purpose))
    problems.push({ code: 'purpose_unknown', detail: purpose.slice(0, 40) })

  const categoryRaw = header('x-brucke-category') ?? token.category
  const category = categoryRaw === undefined ? undefined : transliterate(categoryRaw)
  if (!category) problems.push({ code: 'category_missing' })
  else if (!Object.hasOwn(context.vocabulary.categories, category))
    problems.push({ code: 'category_unknown', detail: category.slice(0, 40) })

  const named = (header('x-brucke-to') ?? token.to)?.trim().toLowerCase()
  if (named && context.rcptAgencyId && named !== context.rcptAgencyId)
    problems.push({ code: 'recipient_conflict' })
  const to = named ?? context.rcptAgencyId
  if (!to) problems.push({ code: 'recipient_missing' })

  let text = withoutSignature(mail.text.normalize('NFC').replace(/\r\n?/g, '\n'))
  let necessity = header('x-brucke-necessity')
  const line = necessityLine.exec(text)
  if (line) {
    // The line is removed either way: it belongs on the cover sheet, not in a section.
    text = text.replace(line[0], '')
    necessity ??= collapse(line[1] ?? '') || undefined
  }
  if (!necessity) problems.push({ code: 'necessity_missing' })

  const title = (subjectTitle || 'Zusammenfassung').slice(0, 200)
  const { sections, empty } = splitSections(text, title, category ?? 'stammdaten')
  if (sections.length === 0) problems.push({ code: 'body_empty' })
  if (empty) problems.push({ code: 'section_empty' })

  const attachments: NonNullable<TransferInput['attachments']> = []
  for (const attachment of mail.attachments) {
    const type = attachment.contentType.toLowerCase()
    // A detached S/MIME signature of the staff member's own client carries no case data.
    if (pkcs7Signature.test(type)) continue
    if (pkcs7Mime.test(type)) {
      problems.push({ code: 'attachment_encrypted' })
      continue
    }
    const looksPdf =
      type === 'application/pdf' ||
      (type === 'application/octet-stream' && /\.pdf$/i.test(attachment.filename ?? ''))
    if (!looksPdf || attachment.content.subarray(0, 5).toString('latin1') !== '%PDF-') {
      problems.push({ code: 'attachment_not_pdf' })
      continue
    }
    attachments.push({
      filename: safePdfFilename(attachment.filename, attachments.length),
      contentType: 'application/pdf',
      contentBase64: attachment.content.toString('base64'),
      category: category ?? 'stammdaten',
    })
  }

  if (problems.length > 0) return { ok: false, problems: dedupe(problems) }
  const parsed = transferInputSchema.safeParse({
    consentId,
    to,
    purpose,
    necessity,
    sections,
    ...(attachments.length > 0 ? { attachments } : {}),
  })
  if (!parsed.success)
    return {
      ok: false,
      problems: dedupe(
        parsed.error.issues.map((issue) => ({
          code: 'invalid' as const,
          detail: issue.path.join('.'),
        })),
      ),
    }
  return { ok: true, transfer: parsed.data }
}

function dedupe(problems: IngressProblem[]): IngressProblem[] {
  const seen = new Set<string>()
  return problems.filter((p) => {
    const key = `${p.code}|${p.detail ?? ''}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * The text of a 550 reply naming every problem, German then English, within the 512 octets
 * of an SMTP reply line (RFC 5321 §4.5.3.1.5).
 */
export function describeIngressProblems(problems: readonly IngressProblem[]): string {
  const german = problems.map((p) => ingressProblemTexts[p.code][0]).join('; ')
  const english = problems
    .map((p) => ingressProblemTexts[p.code][1] + (p.detail ? ` (${p.detail})` : ''))
    .join('; ')
  const text = `5.6.0 Mail nicht übernommen: ${german}. | Not accepted: ${english}.`
  return text.length > 400 ? `${text.slice(0, 397)}...` : text
}
