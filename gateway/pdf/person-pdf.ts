import { existsSync } from 'node:fs'
import { directionOf, htmlLangOf } from '../../templates/pages/i18n/person-language.ts'
import { layoutParagraph } from './pdf-layout.ts'

/** A font with Arabic, Cyrillic and Latin letters if the system has one; else PDF's Helvetica. */
const unicodeFont = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'
const unicodeBoldFont = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'

/** What the person's documents (receipt, export) write: paragraphs in the person's direction. */
export interface PersonPdf {
  /** A paragraph; `size` in points (10 unless given), `bold` for headings. */
  text(text: string, options?: { size?: number; bold?: boolean; indent?: number }): void
  /** "label: value" as one paragraph. */
  field(label: string, value: string): void
  heading(text: string, size?: number): void
  image(png: Buffer, width: number): void
  space(lines?: number): void
  finish(): Promise<Buffer>
}

/**
 * Opens an A4 document (pdfkit) that lays out text in the person's language: right to left and
 * flush right in Arabic and Farsi, with left-to-right codes, dates and names kept in their own
 * order (gateway/pdf/bidi-runs.ts), Arabic letters shaped by pdfkit's font engine.
 */
export async function openPersonPdf(input: {
  language: string
  title: string
}): Promise<PersonPdf> {
  // Loaded on first use: the CLI and the API never need the PDF library.
  const { default: PDFDocument } = await import('pdfkit')
  const margin = 56
  const doc = new PDFDocument({
    size: 'A4',
    margin,
    lang: htmlLangOf(input.language),
    info: { Title: input.title, Author: 'Brücke' },
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
    doc.font(options.bold ? bold : regular).fontSize(size)
    const lineHeight = doc.currentLineHeight(true)
    const lines = layoutParagraph(content, {
      width: width - indent,
      direction,
      measure: (t) => doc.widthOfString(t, shaped),
    })
    for (const line of lines) {
      if (y + lineHeight > doc.page.height - margin) {
        doc.addPage()
        y = margin
      }
      const left = margin + (direction === 'rtl' ? 0 : indent)
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
    image: (png, imageWidth) => {
      if (y + imageWidth > doc.page.height - margin) {
        doc.addPage()
        y = margin
      }
      const x = direction === 'rtl' ? doc.page.width - margin - imageWidth : margin
      doc.image(png, x, y, { width: imageWidth })
      y += imageWidth + 6
    },
    space: (lines = 1) => {
      y += lines * 8
    },
    finish: () => {
      doc.end()
      return finished
    },
  }
}
