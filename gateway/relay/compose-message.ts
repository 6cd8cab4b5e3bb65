import MailComposer from 'nodemailer/lib/mail-composer/index.js'
import { vocabulary } from '../../config/vocabulary.ts'
import { berlinDateOf } from '../../consent/calendar.ts'
import type { ConsentAttestation } from '../../consent/consent-attestation.ts'
import { escapeHtml } from '../../templates/pages/html.ts'
import {
  caseSummaryForms,
  coverSheetTexts,
  type CaseSummaryFormId,
} from './case-summary-template.ts'
import {
  attestationAttachment,
  attestationHashHeader,
  encodeAttestation,
  type EncodedAttestation,
} from './attestation-part.ts'

/** One section of the case summary, tagged with its data category. */
export interface SummarySection {
  category: string
  title: string
  body: string
}

/** A PDF (or other) attachment, tagged with one data category. */
export interface SummaryAttachment {
  filename: string
  contentType: string
  content: Buffer
  category: string
}

export interface ComposeMessageInput {
  transferId: string
  /** `<…@…>`; the same inside and outside, stable across re-sends. */
  messageId: string
  at: Date
  form: CaseSummaryFormId
  sender: { id: string; name: string; mailbox: string }
  recipient: { id: string; name: string; mailbox: string }
  consent: { id: string; textSha256: string; validFrom: string; validUntil: string }
  /** What the data is sent under, carried as a signed part (issue 16 point 4). */
  attestation: ConsentAttestation
  purpose: string
  categories: readonly string[]
  /**
   * The transferred categories whose data was entrusted to the sending Jugendamt (§ 65 SGB
   * VIII); the cover sheet then carries the onward-transfer notice. Empty otherwise.
   */
  entrustedCategories: readonly string[]
  necessity: string
  sections: readonly SummarySection[]
  attachments: readonly SummaryAttachment[]
  /**
   * Who the summary is about, so the recipient's staff can match it to their case (issue 16
   * point 5). Inside the signed and encrypted entity only; absent for legacy consents without it.
   */
  person?: { name: string; birthDate: string }
}

/** RFC 2047 encoded word: the name may hold any script (Arabic, Cyrillic, …). */
const encodedWord = (text: string) => `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`

/** The person's name and birth date as signed inner headers (read by the receiving inbox). */
function personHeaders(
  input: ComposeMessageInput,
): Record<string, string | { prepared: boolean; value: string }> {
  if (!input.person) return {}
  return {
    'X-Brucke-Subject-Name': { prepared: true, value: encodedWord(input.person.name) },
    'X-Brucke-Subject-Birth-Date': input.person.birthDate,
  }
}

/**
 * The headers that bind the signed entity to its legal basis, so a receiving system — or a
 * court — can check what the data was sent under (docs/design.md §3.3). They sit inside the signed
 * and encrypted part (RFC 8551 §3.1: only the inner entity is protected).
 */
export function bindingHeaders(
  input: ComposeMessageInput,
  attestation: EncodedAttestation = encodeAttestation(input.attestation),
): Record<string, string> {
  return {
    'X-Brucke-Transfer-Id': input.transferId,
    'X-Brucke-Consent-Id': input.consent.id,
    'X-Brucke-Consent-Text-Sha256': input.consent.textSha256,
    'X-Brucke-Purpose': input.purpose,
    'X-Brucke-Categories': [...input.categories].join(', '),
    ...(input.entrustedCategories.length > 0
      ? { 'X-Brucke-Entrusted-Categories': [...input.entrustedCategories].join(', ') }
      : {}),
    'X-Brucke-Sender': input.sender.id,
    'X-Brucke-Recipient': input.recipient.id,
    [attestationHashHeader]: attestation.sha256,
  }
}

const label = (kind: 'purposes' | 'categories', term: string): string =>
  (kind === 'purposes'
    ? vocabulary.purposes[term]?.label.de
    : vocabulary.categories[term]?.label.de) ?? term

function formatDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-')
  return `${d}.${m}.${y}`
}

/** "Jugendliche/r (Kiosk, 02.03.2026)" per signatory: roles, methods and Berlin dates, no names. */
export function signatoriesLine(attestation: ConsentAttestation): string {
  const t = coverSheetTexts
  return attestation.signatories
    .map(
      (s) =>
        `${t.signatoryRoles[s.role]} (${t.signatureMethods[s.method]}, ${formatDate(berlinDateOf(new Date(s.signedAt)))})`,
    )
    .join('; ')
}

function coverRows(input: ComposeMessageInput): [string, string][] {
  const l = coverSheetTexts.labels
  const a = input.attestation
  const rows: [string, string][] = [
    [l.transfer, input.transferId],
    [l.sender, `${input.sender.name} (${input.sender.id})`],
    [l.recipient, `${input.recipient.name} (${input.recipient.id})`],
    [l.purpose, `${label('purposes', input.purpose)} (${input.purpose})`],
    [l.categories, input.categories.map((c) => label('categories', c)).join(', ')],
    [l.consent, input.consent.id],
    [l.consentKind, coverSheetTexts.consentKinds[a.kind]],
    [l.consentText, input.consent.textSha256],
    [l.consentTextVersion, `${a.text.templateId}, Version ${a.text.version}`],
    [l.signatories, signatoriesLine(a)],
    [
      l.validity,
      `${formatDate(input.consent.validFrom)} – ${formatDate(input.consent.validUntil)}`,
    ],
    [l.attestation, coverSheetTexts.attestationNote],
    [l.necessity, input.necessity],
  ]
  if (input.entrustedCategories.length > 0)
    rows.push([
      l.entrusted,
      input.entrustedCategories.map((c) => label('categories', c)).join(', '),
    ])
  if (input.attachments.length > 0)
    rows.push([l.attachments, input.attachments.map((a) => a.filename).join(', ')])
  return rows
}

/** The notices under the cover sheet: purpose binding, and § 65 SGB VIII when it applies. */
function notices(input: ComposeMessageInput): string[] {
  return input.entrustedCategories.length > 0
    ? [coverSheetTexts.purposeBinding, coverSheetTexts.section65Notice]
    : [coverSheetTexts.purposeBinding]
}

/** The case summary as text/plain: cover sheet, notices, sections, closing. */
export function renderText(
  input: ComposeMessageInput,
  rows: readonly [string, string][] = coverRows(input),
): string {
  const form = caseSummaryForms[input.form]
  const lines = [coverSheetTexts.heading, '']
  for (const [name, value] of rows) lines.push(`${name}: ${value}`)
  for (const notice of notices(input)) lines.push('', notice)
  lines.push('', '='.repeat(60), form.title, '', form.intro, '')
  for (const section of input.sections) {
    lines.push(
      `## ${section.title} [${label('categories', section.category)}]`,
      '',
      section.body,
      '',
    )
  }
  lines.push(form.closing, '')
  return lines.join('\n')
}

/** The same content as text/html (escaped; no external resources). */
export function renderHtml(
  input: ComposeMessageInput,
  rows: readonly [string, string][] = coverRows(input),
): string {
  const form = caseSummaryForms[input.form]
  const table = rows
    .map(
      ([name, value]) =>
        `<tr><th scope="row">${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('\n')
  const sections = input.sections
    .map(
      (s) =>
        `<section><h3>${escapeHtml(s.title)} <small>[${escapeHtml(label('categories', s.category))}]</small></h3>` +
        `<p>${escapeHtml(s.body).replaceAll('\n', '<br>')}</p></section>`,
    )
    .join('\n')
  return [
    '<!doctype html><html lang="de"><head><meta charset="utf-8">',
    `<title>${escapeHtml(form.title)}</title></head><body>`,
    `<h1>${escapeHtml(coverSheetTexts.heading)}</h1><table>${table}</table>`,
    ...notices(input).map((notice) => `<p><strong>${escapeHtml(notice)}</strong></p>`),
    '<hr>',
    `<h2>${escapeHtml(form.title)}</h2><p>${escapeHtml(form.intro)}</p>`,
    sections,
    `<p>${escapeHtml(form.closing)}</p></body></html>`,
  ].join('\n')
}

/**
 * Builds the inner MIME entity (RFC 2045/2046) with nodemailer's composer: the binding headers,
 * a multipart/alternative of text and HTML, the attachments, each carrying its category in
 * `X-Brucke-Category`, and last the consent attestation (attestation-part.ts). Line ends are CRLF, ready to be signed (RFC 8551 §3.1.1).
 */
export async function composeMessage(input: ComposeMessageInput): Promise<Buffer> {
  const form = caseSummaryForms[input.form]
  const attestation = encodeAttestation(input.attestation)
  // The cover rows once for both renderings (the signatories' Berlin dates cost an Intl call).
  const rows = coverRows(input)
  const composer = new MailComposer({
    from: { name: input.sender.name, address: input.sender.mailbox },
    to: { name: input.recipient.name, address: input.recipient.mailbox },
    subject: `${form.title} – ${label('purposes', input.purpose)} (${input.transferId})`,
    messageId: input.messageId,
    date: input.at,
    headers: { ...bindingHeaders(input, attestation), ...personHeaders(input) },
    text: renderText(input, rows),
    html: renderHtml(input, rows),
    attachments: [
      ...input.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: a.content,
        headers: { 'X-Brucke-Category': a.category },
      })),
      attestationAttachment(attestation),
    ],
    textEncoding: 'base64',
  })
  return composer.compile().build()
}
