import { vocabulary } from '../../config/vocabulary.ts'
import { openPersonPdf } from '../pdf/person-pdf.ts'
import type { InboxItemDetail } from './inbox-service.ts'

const label = (kind: 'purposes' | 'categories', term: string): string =>
  (kind === 'purposes'
    ? vocabulary.purposes[term]?.label.de
    : vocabulary.categories[term]?.label.de) ?? term

const kindTitle: Record<InboxItemDetail['kind'], string> = {
  case_summary: 'Fallzusammenfassung',
  revocation_notice: 'Mitteilung: Einwilligung widerrufen',
  lapse_notice: 'Mitteilung: Einwilligung erloschen',
}

/**
 * The copy of a received item for the case file (issue 16 point 5): everything the inbox page
 * shows, in German, made in memory for this download and never written to disk (pdfkit streams
 * into a buffer). Staff file it in their own records before INBOX_RETENTION_DAYS end.
 */
export async function inboxCopyPdf(item: InboxItemDetail, at: Date): Promise<Buffer> {
  const title = `${kindTitle[item.kind]} – Kopie für die Akte`
  const pdf = await openPersonPdf({
    language: 'de',
    title,
    info: { author: 'Brücke', creationDate: at },
  })
  pdf.heading(title, 16)
  pdf.space()
  if (item.useStopped) {
    pdf.text(
      'Weitere Verwendung muss beendet werden: Die Einwilligung, unter der diese Daten übermittelt wurden, ist widerrufen oder erloschen.',
      { bold: true },
    )
    pdf.space()
  }
  const person = item.person.name
    ? `${item.person.name}${item.person.birthDate ? `, geb. ${item.person.birthDate}` : ''}`
    : 'in der Übermittlung nicht angegeben'
  pdf.field('Person', person)
  pdf.field('Absendende Stelle', item.sender ? `${item.sender.name} (${item.sender.id})` : '–')
  pdf.field('Eingegangen', item.receivedAt)
  if (item.purpose) pdf.field('Zweck', label('purposes', item.purpose))
  if (item.categories.length > 0)
    pdf.field('Datenkategorien', item.categories.map((c) => label('categories', c)).join(', '))
  pdf.field('Einwilligung', item.consent.id ?? '–')
  const a = item.consent.attestation
  if (a) {
    pdf.field('Gültigkeit der Einwilligung', `${a.validFrom} – ${a.validUntil}`)
    pdf.field(
      'Unterschrieben',
      a.signatories.map((s) => `${s.role} (${s.method}, ${s.signedAt})`).join('; '),
    )
    pdf.field('Erlaubte Zwecke', a.purposes.map((p) => label('purposes', p)).join(', '))
    pdf.field('Erlaubte Kategorien', a.categories.map((c) => label('categories', c)).join(', '))
  }
  if (item.necessity !== null) pdf.field('Erforderlichkeit (§ 67a SGB X)', item.necessity)
  if (item.transferId) pdf.field('Übermittlung', item.transferId)
  if (item.kind === 'case_summary') {
    pdf.space()
    pdf.text(item.purposeBinding, { bold: true })
  }
  if (item.noticeText !== null) {
    pdf.space()
    pdf.heading('Mitteilung', 13)
    pdf.text(item.noticeText)
  }
  for (const section of item.sections) {
    pdf.space()
    pdf.heading(`${section.title} [${label('categories', section.category)}]`, 12)
    pdf.text(section.body)
  }
  if (item.attachments.length > 0) {
    pdf.space()
    pdf.field('Anlagen (nicht in dieser Kopie)', item.attachments.map((x) => x.filename).join(', '))
  }
  return pdf.finish()
}
