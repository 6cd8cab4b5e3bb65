import { existsSync } from 'node:fs'
import { vocabulary } from '../../config/vocabulary.ts'
import { localized } from '../../consent/vocabulary.ts'
import { listAgencies } from '../../db/account-repository.ts'
import type { ReceiptFacts } from '../../templates/pages/kiosk/kiosk-views.ts'
import { signatoryLabels } from '../../templates/pages/kiosk/kiosk-strings.ts'
import type { ConsentView } from '../consent/consent-view.ts'
import type { Deps } from '../deps.ts'
import { consentRecordSha256 } from '../../consent/consent-record.ts'

async function qrCode() {
  return (await import('qrcode')).default
}

const kindLabels: Record<string, string> = {
  einwilligung: 'Einwilligung (§ 67b SGB X)',
  schweigepflichtsentbindung: 'Schweigepflichtsentbindung (§ 203 StGB, § 65 SGB VIII)',
}

const germanDate = (date: string) => date.split('-').reverse().join('.')
const berlinTime = (iso: string) =>
  new Date(iso).toLocaleString('de-DE', { timeZone: 'Europe/Berlin' }) + ' Uhr'

/** Where the QR code leads: the self-service page, the code in the fragment (never sent to a server). */
export function selfServiceLink(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/$/, '')}/me#${code}`
}

/** The facts printed on the receipt (page and PDF), in German, the binding language. */
export async function receiptFactsOf(
  deps: Deps,
  consent: ConsentView,
  code: string,
): Promise<ReceiptFacts> {
  const names = new Map((await listAgencies(deps.db)).map((a) => [a.id, a.name]))
  const category = (c: string) => {
    const term = vocabulary.categories[c]
    return term ? localized(term.label, 'de') : c
  }
  const purpose = (p: string) => {
    const term = vocabulary.purposes[p]
    return term ? localized(term.label, 'de') : p
  }
  return {
    code,
    qrDataUrl: await (
      await qrCode()
    ).toDataURL(selfServiceLink(deps.config.publicUrl, code), {
      errorCorrectionLevel: 'M',
      margin: 1,
      width: 180,
    }),
    consentId: consent.id,
    kindLabel: kindLabels[consent.kind] ?? consent.kind,
    textReference: `${consent.text.templateId} v${consent.text.version} (${consent.text.language})`,
    textSha256: consent.text.sha256,
    recordSha256: consentRecordSha256(consent),
    validity: `${germanDate(consent.validFrom)} bis ${germanDate(consent.validUntil)}`,
    recipients: consent.coveredRecipients.map((r) => names.get(r) ?? r),
    categories: consent.coveredCategories.map(category),
    deselected: [
      ...consent.deselectedRecipients.map((r) => names.get(r) ?? r),
      ...consent.deselectedCategories.map(category),
    ],
    purposes: consent.purposes.map(purpose),
    signatures: consent.signatures.map((s) => ({
      role: s.role,
      name: s.name,
      signedAt: berlinTime(s.signedAt),
      textRead: s.text
        ? `${s.text.templateId} v${s.text.version} (${s.text.language}), SHA-256 ${s.text.sha256}`
        : null,
    })),
  }
}

/** A font with Arabic, Cyrillic and Latin letters if the system has one; else PDF's Helvetica. */
const unicodeFont = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'

/**
 * The receipt as PDF (pdfkit): consent text version and hash, choices, validity, who signed when,
 * the record's hash, the personal code and its QR code.
 */
export async function receiptPdf(receipt: ReceiptFacts, publicUrl: string): Promise<Buffer> {
  // Loaded on first use: the CLI and the API never need the PDF and QR libraries.
  const { default: PDFDocument } = await import('pdfkit')
  const qr = await (
    await qrCode()
  ).toBuffer(selfServiceLink(publicUrl, receipt.code), {
    errorCorrectionLevel: 'M',
    margin: 1,
    width: 240,
  })
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: 'Beleg Einwilligung', Author: 'Brücke' },
  })
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  if (existsSync(unicodeFont)) doc.font(unicodeFont)
  doc.fontSize(18).text('Beleg über Ihre Einwilligung')
  doc.moveDown(0.5)
  doc.fontSize(14).text(`Belegcode: ${receipt.code}`)
  doc.moveDown(0.5)
  doc.image(qr, { width: 120 })
  doc.moveDown(0.5)
  doc.fontSize(10)
  const line = (label: string, value: string) => doc.text(`${label}: ${value}`)
  line('Erklärung', receipt.kindLabel)
  line('Text (Vorlage, Version, Sprache)', receipt.textReference)
  line('Gültig', receipt.validity)
  line('Zweck', receipt.purposes.join(', '))
  line('Empfänger', receipt.recipients.join(', '))
  line('Daten', receipt.categories.join(', '))
  line('Nicht gewählt', receipt.deselected.length > 0 ? receipt.deselected.join(', ') : '–')
  doc.moveDown(0.5)
  doc.text('Unterschriften:')
  for (const s of receipt.signatures) {
    doc.text(`  ${signatoryLabels[s.role] ?? s.role}: ${s.name}, ${s.signedAt}`)
    if (s.textRead) doc.fontSize(8).text(`    gelesen: ${s.textRead}`).fontSize(10)
  }
  doc.moveDown(0.5)
  line('Prüfsumme Text (SHA-256)', receipt.textSha256)
  line('Prüfsumme Einwilligung (SHA-256)', receipt.recordSha256)
  doc.moveDown(1)
  doc.text(
    `Mit dem Belegcode und Ihrem Geburtsdatum sehen Sie unter ${publicUrl.replace(/\/$/, '')}/me, ` +
      'wer was über Sie bekommen hat, und können die Einwilligung jederzeit widerrufen.',
  )
  doc.end()
  return finished
}
