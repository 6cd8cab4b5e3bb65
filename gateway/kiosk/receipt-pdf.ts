import { pdfSignaturePlaceholder } from '../../crypto/pdf-sign.ts'
import { receiptStringsFor } from '../../templates/pages/receipt/receipt-strings.ts'
import {
  fillIn,
  receiptFacts,
  type ReceiptDocument,
} from '../../templates/pages/receipt/receipt-view.ts'
import { openPersonPdf } from '../pdf/person-pdf.ts'

/**
 * A value pdfkit writes verbatim: the `/ByteRange` placeholder must be tokens of fixed width
 * that the signer overwrites in place (pdfkit writes any object whose tag is not `Object` as
 * its string).
 */
class PdfToken {
  constructor(private readonly token: string) {}
  get [Symbol.toStringTag](): string {
    return 'PdfToken'
  }
  toString(): string {
    return this.token
  }
}

/** The few pdfkit internals the signature field needs, declared narrowly. */
interface AcroFormInternals {
  _root: { data: { AcroForm?: { data: Record<string, unknown> & { Fields: unknown[] } } } }
}

export interface ReceiptPdfInput {
  document: ReceiptDocument
  /** The PDF's creation and signing instant (`/CreationDate`, the signature's `/M`). */
  at: Date
  /** The QR code of the self-service link (PNG), when the receipt carries its code. */
  qrPng: Buffer | null
}

/**
 * The receipt as a PDF ready for the agency's seal: every part of the receipt (facts,
 * signatures with their drawings, how to revoke, the texts in full, checksums) written through
 * the person-PDF writer (gateway/pdf/person-pdf.ts) — so Arabic and Farsi lines with dates,
 * codes, addresses and German legal terms inside come out in visual order, flush right, as in
 * the `/me` export — and an invisible signature field whose dictionary holds the PAdES
 * placeholder that `crypto/pdf-sign.ts` fills (ISO 32000-1 §12.7.4.5, §12.8).
 */
export async function receiptPdf(input: ReceiptPdfInput): Promise<Buffer> {
  const doc = input.document
  const strings = receiptStringsFor(doc.language)
  const title = strings.title[doc.kind]
  const pdf = await openPersonPdf({
    language: doc.language,
    title,
    info: { author: doc.issuer, creationDate: input.at, pdfVersion: '1.7' },
  })
  const heading = (text: string, size = 13) => {
    pdf.space(0.8)
    pdf.heading(text, size)
  }

  pdf.heading(title, 18)
  pdf.text(strings.kind[doc.kind], { size: 11 })
  if (doc.code) {
    heading(strings.code)
    pdf.text(doc.code, { size: 16, bold: true })
    if (input.qrPng) pdf.image(input.qrPng, 110)
    pdf.text(fillIn(strings.codeHelp, doc))
  }
  pdf.space()
  for (const [label, value] of receiptFacts(doc, strings)) pdf.field(label, value)

  heading(strings.signatures)
  for (const s of doc.signatures) {
    pdf.text(`${strings.roles[s.role]}: ${s.name}, ${s.signedAt}`, { bold: true })
    pdf.text(strings.methods[s.method])
    if (s.drawing) {
      const png = Buffer.from(s.drawing.slice(s.drawing.indexOf(',') + 1), 'base64')
      pdf.image(png, 220, 64)
    }
    if (s.statement)
      pdf.text(
        `${s.method === 'staff_attested' ? strings.circumstances : strings.confirmedSentence}: „${s.statement}“`,
      )
    // The reference of the text read is a code (template, version, language, hash).
    if (s.textRead) pdf.text(`${strings.textRead}: ${s.textRead}`, { size: 8 })
    pdf.space(0.6)
  }

  heading(strings.revokeHeading)
  pdf.text(strings.revokeText)
  for (const way of strings.revokeWays) pdf.text(`– ${fillIn(way, doc)}`)

  for (const t of doc.texts) {
    pdf.newPage()
    pdf.heading(
      `${t.binding ? strings.bindingHeading : strings.textHeading} (${t.languageName})`,
      13,
    )
    if (t.binding) pdf.text(strings.bindingNote)
    pdf.space(0.5)
    // Each text in its own language and direction: the binding German one flush left.
    pdf.text(t.text, { language: t.language, size: 9.5 })
    pdf.space(0.5)
    pdf.text(`SHA-256: ${t.sha256}`, { size: 8 })
    if (t.matchesSigned !== null)
      pdf.text(t.matchesSigned ? strings.textMatches : strings.textDiffers, { size: 9 })
  }

  heading(strings.checksums)
  pdf.text(`${strings.textChecksum}: ${doc.textSha256}`, { size: 8.5 })
  pdf.text(`${strings.recordChecksum}: ${doc.recordSha256}`, { size: 8.5 })
  heading(strings.sealHeading)
  pdf.text(fillIn(strings.sealText, doc))

  return pdf.finish((document) =>
    addSignatureField(document, { at: input.at, issuer: doc.issuer, reason: title }),
  )
}

/**
 * The signature dictionary with the placeholder, an invisible widget on the last page and the
 * AcroForm with `/SigFlags 3` (signatures exist; append only).
 */
function addSignatureField(
  pdf: PDFKit.PDFDocument,
  input: { at: Date; issuer: string; reason: string },
): void {
  const signature = pdf.ref({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'ETSI.CAdES.detached',
    ByteRange: new PdfToken(pdfSignaturePlaceholder.byteRange),
    Contents: Buffer.alloc(pdfSignaturePlaceholder.contentsBytes),
    M: input.at,
    Name: new String(input.issuer),
    Reason: new String(input.reason),
  })
  signature.end(undefined)
  pdf.initForm()
  const widget = pdf.ref({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    T: new String('Siegel'),
    V: signature,
    // Print and locked (ISO 32000-1 §12.5.3): an invisible field that cannot be changed.
    F: 132,
    Rect: [0, 0, 0, 0],
    P: pdf.page.dictionary,
  })
  widget.end(undefined)
  ;(pdf.page.annotations as unknown[]).push(widget)
  const acroForm = (pdf as unknown as AcroFormInternals)._root.data.AcroForm
  if (!acroForm) throw new Error('pdfkit made no AcroForm')
  acroForm.data.Fields.push(widget)
  acroForm.data.SigFlags = 3
  // Viewers that regenerate appearances would change a sealed file.
  delete acroForm.data.NeedAppearances
}
