import { existsSync } from 'node:fs'
import { directionOf, htmlLangOf } from '../../templates/pages/i18n/person-language.ts'
import { layoutParagraph } from './pdf-layout.ts'

/** A font with Arabic, Cyrillic and Latin letters if the system has one; else PDF's Helvetica. */
const unicodeFont = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'
const unicodeBoldFont = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'

export interface PersonTextOptions {
  /** In points; 10 unless given. */
  size?: number
  bold?: boolean
  indent?: number
  /**
   * The paragraph's own language when it is not the document's (the binding German text in an
   * Arabic receipt): its direction and alignment follow that language.
   */
  language?: string
}

/** What the person's documents (receipt, export) write: paragraphs in the person's direction. */
export interface PersonPdf {
  /** A paragraph, broken into lines and direction runs. */
  text(text: string, options?: PersonTextOptions): void
  /** "label: value" as one paragraph. */
  field(label: string, value: string): void
  heading(text: string, size?: number): void
  /** A picture on the person's side of the page; square unless `height` is given. */
  image(png: Buffer, width: number, height?: number): void
  space(lines?: number): void
  /** The rest on a new page (each consent text of the receipt starts one). */
  newPage(): void
  /**
   * Ends the document; `beforeEnd` may add to the pdfkit document what is not text (the
   * receipt's signature field) on the last page.
   */
  finish(beforeEnd?: (doc: PDFKit.PDFDocument) => void): Promise<Buffer>
}

/** Document properties beyond the title (the sealed receipt names its issuer and instant). */
export interface PersonPdfInfo {
  author?: string
  creationDate?: Date
  /** The PDF version (`1.7` for the PAdES receipt); pdfkit's default otherwise. */
  pdfVersion?: '1.4' | '1.5' | '1.6' | '1.7'
}

/**
 * Opens an A4 document (pdfkit) that lays out text in the person's language: right to left and
 * flush right in Arabic and Farsi, with left-to-right codes, dates and names kept in their own
 * order (gateway/pdf/bidi-runs.ts), Arabic letters shaped by pdfkit's font engine.
 */
export async function openPersonPdf(input: {
  language: string
  title: string
  info?: PersonPdfInfo
}): Promise<PersonPdf> {
  // Loaded on first use: the CLI and the API never need the PDF library.
  const { default: PDFDocument } = await import('pdfkit')
  const margin = 56
  const doc = new PDFDocument({
    size: 'A4',
    margin,
    lang: htmlLangOf(input.language),
    displayTitle: true,
    ...(input.info?.pdfVersion ? { pdfVersion: input.info.pdfVersion } : {}),
    info: {
      Title: input.title,
      Author: input.info?.author ?? 'Brücke',
      Creator: 'Brücke',
      Producer: 'Brücke',
      ...(input.info?.creationDate ? { CreationDate: input.info.creationDate } : {}),
    },
  })
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  const unicode = existsSync(unicodeFont)
  const regular = unicode ? unicodeFont : 'Helvetica'
  const bold = unicode && existsSync(unicodeBoldFont) ? unicodeBoldFont : regular
  const direction = directionOf(input.language)
  const width = doc.page.width - 2 * margin
  let y = margin
  // `features: []` makes pdfkit shape a run as a whole (by default it shapes word by word, which
  // puts the words of a right-to-left run in left-to-right order).
  const shaped: PDFKit.Mixins.TextOptions = { lineBreak: false, features: [] }

  const text: PersonPdf['text'] = (content, options = {}) => {
    const size = options.size ?? 10
    const indent = options.indent ?? 0
    const paragraphDirection = options.language ? directionOf(options.language) : direction
    doc.font(options.bold ? bold : regular).fontSize(size)
    const lineHeight = doc.currentLineHeight(true)
    const lines = layoutParagraph(content, {
      width: width - indent,
      direction: paragraphDirection,
      measure: (t) => doc.widthOfString(t, shaped),
    })
    for (const line of lines) {
      if (y + lineHeight > doc.page.height - margin) {
        doc.addPage()
        y = margin
      }
      const left = margin + (paragraphDirection === 'rtl' ? 0 : indent)
      for (const run of line) doc.text(run.text, left + run.x, y, shaped)
      y += lineHeight
    }
  }
  return {
    text,
    field: (label, value) => text(`${label}: ${value}`),
    heading: (content, size = 14) => {
      y += 4
      text(content, { size, bold: true })
      y += 2
    },
    image: (png, imageWidth, imageHeight = imageWidth) => {
      if (y + imageHeight > doc.page.height - margin) {
        doc.addPage()
        y = margin
      }
      const x = direction === 'rtl' ? doc.page.width - margin - imageWidth : margin
      doc.image(png, x, y, { fit: [imageWidth, imageHeight] })
      y += imageHeight + 6
    },
    space: (lines = 1) => {
      y += lines * 8
    },
    newPage: () => {
      doc.addPage()
      y = margin
    },
    finish: (beforeEnd) => {
      beforeEnd?.(doc)
      doc.end()
      return finished
    },
  }
}
