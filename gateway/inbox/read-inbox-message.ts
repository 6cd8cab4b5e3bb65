import { simpleParser } from 'mailparser'
import { vocabulary } from '../../config/vocabulary.ts'
import {
  caseSummaryForms,
  caseSummaryFormIds,
  coverSheetTexts,
} from '../relay/case-summary-template.ts'

/** One section of a received case summary, as the sender wrote it. */
export interface ReceivedSection {
  category: string
  title: string
  body: string
}

/** What the inbox shows of a decrypted, verified inner entity; held in memory only. */
export interface InboxContent {
  subject: string
  /** The person as the summary names them; null where the sender's summary does not say. */
  person: { name: string | null; birthDate: string | null }
  necessity: string | null
  sections: ReceivedSection[]
  /** The full text of a revocation or lapse notice; null for a case summary. */
  noticeText: string | null
  attachments: { filename: string; contentType: string; category: string | null; size: number }[]
}

const separator = '='.repeat(60)

/**
 * Decodes RFC 2047 encoded-words (`=?UTF-8?B?…?=`, `=?ISO-8859-1?Q?…?=`) in a header value
 * mailparser hands over raw because it does not know the header.
 */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(
      /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
      (whole, charset: string, encoding: string, text: string) => {
        const bytes =
          encoding.toUpperCase() === 'B'
            ? Buffer.from(text, 'base64')
            : Buffer.from(
                text
                  .replace(/_/g, ' ')
                  .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
                    String.fromCharCode(parseInt(hex, 16)),
                  ),
                'latin1',
              )
        try {
          return new TextDecoder(charset.toLowerCase()).decode(bytes)
        } catch {
          return whole
        }
      },
    )
}
const headingPattern = /^## (.+) \[([^\]]+)\]$/

/** The category term of a German label as the composer wrote it (or the text itself). */
function categoryOfLabel(label: string): string {
  for (const [term, entry] of Object.entries(vocabulary.categories))
    if (entry.label.de === label || term === label) return term
  return label
}

/**
 * The necessity line of the cover sheet (`Erforderlichkeit (§ 67a SGB X): …`), continued over the
 * following lines until the next cover-sheet field or the blank line before the notices.
 */
function readNecessity(lines: readonly string[]): string | null {
  const labels = Object.values(coverSheetTexts.labels).map((l) => `${l}: `)
  const prefix = `${coverSheetTexts.labels.necessity}: `
  const start = lines.findIndex((line) => line.startsWith(prefix))
  if (start < 0) return null
  const value = [lines[start]!.slice(prefix.length)]
  for (const line of lines.slice(start + 1)) {
    if (line === '' || labels.some((l) => line.startsWith(l))) break
    value.push(line)
  }
  return value.join('\n')
}

/**
 * The sections below the separator (`## Title [Category]`, the body, a blank line), up to the
 * form's closing sentence — the layout `renderText` in gateway/relay/compose-message.ts writes.
 */
function readSections(lines: readonly string[]): ReceivedSection[] {
  const start = lines.indexOf(separator)
  if (start < 0) return []
  const closings = new Set(caseSummaryFormIds.map((id) => caseSummaryForms[id].closing))
  const sections: ReceivedSection[] = []
  let current: { category: string; title: string; body: string[] } | undefined
  const finish = () => {
    if (!current) return
    const body = [...current.body]
    while (body.length > 0 && body[0] === '') body.shift()
    while (body.length > 0 && body.at(-1) === '') body.pop()
    sections.push({ category: current.category, title: current.title, body: body.join('\n') })
    current = undefined
  }
  for (const line of lines.slice(start + 1)) {
    const heading = headingPattern.exec(line)
    if (heading) {
      finish()
      current = { title: heading[1]!, category: categoryOfLabel(heading[2]!), body: [] }
    } else if (closings.has(line)) {
      finish()
      break
    } else current?.body.push(line)
  }
  finish()
  return sections
}

/**
 * Reads the inner entity of a received message (RFC 2045/2046, parsed with mailparser) into what
 * the inbox shows: the sections and necessity of a case summary, or the text of a notice.
 */
export async function readInboxMessage(
  entity: Buffer,
  kind: 'case_summary' | 'revocation_notice' | 'lapse_notice',
): Promise<InboxContent> {
  const parsed = await simpleParser(entity, { skipHtmlToText: true, skipTextLinks: true })
  const text = (parsed.text ?? '').replace(/\r\n/g, '\n')
  const header = (name: string): string | null => {
    const value = parsed.headers.get(name)
    return typeof value === 'string' && value.trim() !== ''
      ? decodeEncodedWords(value.trim())
      : null
  }
  const lines = text.split('\n')
  return {
    subject: parsed.subject ?? '',
    // seam: the composer (gateway/relay/compose-message.ts) does not yet name the person; these
    // signed inner headers are where the receiving staff's page reads name and birth date from.
    person: {
      name: header('x-brucke-subject-name'),
      birthDate: header('x-brucke-subject-birth-date'),
    },
    necessity: kind === 'case_summary' ? readNecessity(lines) : null,
    sections: kind === 'case_summary' ? readSections(lines) : [],
    noticeText: kind === 'case_summary' ? null : text.trim(),
    attachments: parsed.attachments.map((a) => {
      const category = a.headers.get('x-brucke-category')
      return {
        filename: a.filename ?? 'anlage',
        contentType: a.contentType,
        category: typeof category === 'string' ? category : null,
        size: a.size,
      }
    }),
  }
}

/** One attachment of a received message, by its place in `readInboxMessage`'s list. */
export interface InboxAttachment {
  filename: string
  contentType: string
  content: Buffer
}

/**
 * The attachment at `index` of the decrypted entity (the order `readInboxMessage` lists them in),
 * or undefined when there is none there. Its bytes live in memory for one answer only.
 */
export async function readInboxAttachment(
  entity: Buffer,
  index: number,
  /** Which parts count as attachments (the sender's page leaves the consent attestation out). */
  counts: (contentType: string) => boolean = () => true,
): Promise<InboxAttachment | undefined> {
  const parsed = await simpleParser(entity, { skipHtmlToText: true, skipTextLinks: true })
  const attachment = parsed.attachments.filter((a) => counts(a.contentType))[index]
  if (!attachment) return undefined
  return {
    filename: attachment.filename ?? 'anlage',
    contentType: attachment.contentType,
    content: attachment.content,
  }
}
