import { existsSync } from 'node:fs'
import { pdfSignaturePlaceholder } from '../../crypto/pdf-sign.ts'
import { receiptStringsFor } from '../../templates/pages/receipt/receipt-strings.ts'
import {
  fillIn,
  receiptFacts,
  type ReceiptDocument,
} from '../../templates/pages/receipt/receipt-view.ts'

/** Fonts with Latin, Cyrillic and Arabic letters (Debian fonts-dejavu-core); else Helvetica. */
const fonts = {
  regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
}
const rtlLanguages = ['ar', 'fa']

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
 * The receipt as a PDF (pdfkit) ready for the agency's seal: every part of the receipt
 * (facts, signatures with their drawings, how to revoke, the texts in full, checksums) and an
 * invisible signature field whose dictionary holds the PAdES placeholder that
 * `crypto/pdf-sign.ts` fills (ISO 32000-1 §12.7.4.5, §12.8).
 */
export async function receiptPdf(input: ReceiptPdfInput): Promise<Buffer> {
  // Loaded on first use: the CLI and the API never need the PDF library.
  const { default: PDFDocument } = await import('pdfkit')
  const doc = input.document
  const strings = receiptStringsFor(doc.language)
  const title = strings.title[doc.kind]
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 56,
    pdfVersion: '1.7',
    lang: doc.language === 'de-ls' ? 'de' : doc.language,
    displayTitle: true,
    info: {
      Title: title,
      Author: doc.issuer,
      Creator: 'Brücke',
      Producer: 'Brücke',
      CreationDate: input.at,
    },
  })
  const chunks: Buffer[] = []
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk))
  const finished = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)))
    pdf.on('error', reject)
  })
  const unicode = existsSync(fonts.regular) && existsSync(fonts.bold)
  if (unicode) {
    pdf.registerFont('regular', fonts.regular)
    pdf.registerFont('bold', fonts.bold)
  }
  const align = rtlLanguages.includes(doc.language) ? 'right' : 'left'
  const regular = unicode ? 'regular' : 'Helvetica'
  const bold = unicode ? 'bold' : 'Helvetica-Bold'
  const paragraph = (text: string, language = doc.language, size = 10) =>
    pdf
      .font(regular)
      .fontSize(size)
      .text(text, { align: rtlLanguages.includes(language) ? 'right' : 'left' })
  const heading = (text: string, size = 13) => {
    pdf.moveDown(0.6)
    pdf.font(bold).fontSize(size).text(text, { align })
    pdf.moveDown(0.2)
  }

  pdf.font(bold).fontSize(18).text(title, { align })
  paragraph(strings.kind[doc.kind], doc.language, 11)
  if (doc.code) {
    heading(strings.code)
    pdf.font(bold).fontSize(16).text(doc.code, { align })
    if (input.qrPng) pdf.image(input.qrPng, { width: 110 })
    paragraph(fillIn(strings.codeHelp, doc))
  }
  pdf.moveDown(0.5)
  for (const [label, value] of receiptFacts(doc, strings)) paragraph(`${label}: ${value}`)

  heading(strings.signatures)
  for (const s of doc.signatures) {
    pdf
      .font(bold)
      .fontSize(10)
      .text(`${strings.roles[s.role]}: ${s.name}, ${s.signedAt}`, { align })
    paragraph(strings.methods[s.method])
    if (s.drawing) {
      const png = Buffer.from(s.drawing.slice(s.drawing.indexOf(',') + 1), 'base64')
      pdf.image(png, { fit: [220, 64] })
    }
    if (s.statement)
      paragraph(
        `${s.method === 'staff_attested' ? strings.circumstances : strings.confirmedSentence}: „${s.statement}“`,
      )
    if (s.textRead) paragraph(`${strings.textRead}: ${s.textRead}`, 'de', 8)
    pdf.moveDown(0.4)
  }

  heading(strings.revokeHeading)
  paragraph(strings.revokeText)
  for (const way of strings.revokeWays) paragraph(`– ${fillIn(way, doc)}`)

  for (const t of doc.texts) {
    pdf.addPage()
    heading(`${t.binding ? strings.bindingHeading : strings.textHeading} (${t.languageName})`)
    if (t.binding) paragraph(strings.bindingNote)
    pdf.moveDown(0.3)
    paragraph(t.text, t.language, 9.5)
    pdf.moveDown(0.3)
    paragraph(`SHA-256: ${t.sha256}`, 'de', 8)
    if (t.matchesSigned !== null)
      paragraph(t.matchesSigned ? strings.textMatches : strings.textDiffers, doc.language, 9)
  }

  heading(strings.checksums)
  paragraph(`${strings.textChecksum}: ${doc.textSha256}`, 'de', 8.5)
  paragraph(`${strings.recordChecksum}: ${doc.recordSha256}`, 'de', 8.5)
  heading(strings.sealHeading)
  paragraph(fillIn(strings.sealText, doc))

  addSignatureField(pdf, { at: input.at, issuer: doc.issuer, reason: title })
  pdf.end()
  return finished
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
