import { vocabulary } from '../../config/vocabulary.ts'
import { historyStepText } from '../../templates/pages/staff/transfer-view.ts'
import { showDate, showInstant } from '../../templates/pages/staff/staff-labels.ts'
import { openPersonPdf } from '../pdf/person-pdf.ts'
import type { SentTransferDetail } from './sent-transfer.ts'

const purposeText = (term: string): string => vocabulary.purposes[term]?.label.de ?? term
const categoryText = (term: string): string => vocabulary.categories[term]?.label.de ?? term

/**
 * The Aktenvermerk of a sent transfer (issue 18 point 2): what the transfer page shows — to whom,
 * for which purpose, about whom, which categories, under which consent, why it was necessary,
 * the sections, the history and the partner's receipt — in German, made in memory from the
 * sender's sealed copy for this download and never written to disk (pdfkit streams into a
 * buffer). Staff file it in the case file before TRANSFER_COPY_RETENTION_DAYS end.
 */
export async function transferCopyPdf(detail: SentTransferDetail, at: Date): Promise<Buffer> {
  const { transfer, content } = detail
  const title = 'Aktenvermerk: Übermittlung von Sozialdaten'
  const pdf = await openPersonPdf({
    language: 'de',
    title,
    info: { author: 'Brücke', creationDate: at },
  })
  pdf.heading(title, 16)
  pdf.space()
  pdf.field('Übermittlung', transfer.id)
  pdf.field('Absendende Stelle', detail.sender.name)
  pdf.field('Empfangende Stelle', detail.recipient.name)
  pdf.field('Eingereiht', showInstant(transfer.createdAt, 'de'))
  if (content.state === 'shown') {
    const person = content.person.name
      ? `${content.person.name}${content.person.birthDate ? `, geb. ${showDate(content.person.birthDate, 'de')}` : ''}`
      : 'in der Übermittlung nicht angegeben'
    pdf.field('Person', person)
  }
  pdf.field('Zweck', purposeText(transfer.purpose))
  pdf.field('Datenkategorien', transfer.categories.map(categoryText).join(', '))
  pdf.field('Einwilligung', transfer.consentId)
  if (content.state === 'shown' && content.necessity !== null)
    pdf.field('Erforderlichkeit (§ 67a SGB X)', content.necessity)
  const receipt = transfer.partnerReceipt
  pdf.field(
    'Empfangsbestätigung der Partnerstelle',
    receipt === null
      ? 'noch keine'
      : receipt.outcome === 'accepted'
        ? `angenommen am ${showInstant(receipt.at, 'de')}`
        : `zurückgewiesen am ${showInstant(receipt.at, 'de')}`,
  )
  pdf.space()
  pdf.heading('Verlauf', 13)
  for (const step of detail.history)
    pdf.text(`${showInstant(step.at, 'de')}: ${historyStepText(step, 'de')}`)
  if (content.state !== 'shown') {
    pdf.space()
    pdf.text(
      content.state === 'unreadable'
        ? 'Der Inhalt lässt sich mit dem Schlüssel der Stelle nicht mehr öffnen.'
        : 'Vom Inhalt ist keine Kopie (mehr) vorhanden.',
      { bold: true },
    )
    return pdf.finish()
  }
  pdf.space()
  pdf.text(detail.purposeBinding, { bold: true })
  for (const section of content.sections) {
    pdf.space()
    pdf.heading(`${section.title} [${categoryText(section.category)}]`, 12)
    pdf.text(section.body)
  }
  if (content.attachments.length > 0) {
    pdf.space()
    pdf.field(
      'Anlagen (nicht in diesem Vermerk)',
      content.attachments.map((x) => x.filename).join(', '),
    )
  }
  return pdf.finish()
}
