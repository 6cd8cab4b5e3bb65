import { vocabulary } from '../../config/vocabulary.ts'
import { localized } from '../../consent/vocabulary.ts'
import { listAgencies } from '../../db/account-repository.ts'
import type { ReceiptFacts } from '../../templates/pages/kiosk/kiosk-views.ts'
import { formatPersonDate, formatPersonTime } from '../../templates/pages/i18n/person-dates.ts'
import { kindLabel, listSeparator, roleLabel } from '../../templates/pages/i18n/person-labels.ts'
import { fill, stringsFor } from '../../templates/pages/i18n/person-language.ts'
import type { ConsentView } from '../consent/consent-view.ts'
import type { Deps } from '../deps.ts'
import { consentRecordSha256 } from '../../consent/consent-record.ts'
import { openPersonPdf } from '../pdf/person-pdf.ts'

async function qrCode() {
  return (await import('qrcode')).default
}

/**
 * Where the QR code leads: the self-service page in the person's language, the code in the
 * fragment (never sent to a server).
 */
export function selfServiceLink(publicUrl: string, code: string, language = 'de'): string {
  const query = language === 'de' ? '' : `?lang=${encodeURIComponent(language)}`
  return `${publicUrl.replace(/\/$/, '')}/me${query}#${code}`
}

/**
 * The facts printed on the receipt (page and PDF). Its labels follow the language the person used
 * at the kiosk; the values that prove something (codes, hashes, text reference) are the same in
 * every language.
 */
export async function receiptFactsOf(
  deps: Deps,
  consent: ConsentView,
  input: { code: string; language: string },
): Promise<ReceiptFacts> {
  const { code, language } = input
  const names = new Map((await listAgencies(deps.db)).map((a) => [a.id, a.name]))
  const category = (c: string) => {
    const term = vocabulary.categories[c]
    return term ? localized(term.label, language) : c
  }
  const purpose = (p: string) => {
    const term = vocabulary.purposes[p]
    return term ? localized(term.label, language) : p
  }
  const selfServiceUrl = selfServiceLink(deps.config.publicUrl, code, language)
  return {
    language,
    code,
    qrDataUrl: await (
      await qrCode()
    ).toDataURL(selfServiceUrl, {
      errorCorrectionLevel: 'M',
      margin: 1,
      width: 180,
    }),
    selfServiceUrl,
    consentId: consent.id,
    kind: consent.kind,
    textReference: `${consent.text.templateId} v${consent.text.version} (${consent.text.language})`,
    textSha256: consent.text.sha256,
    recordSha256: consentRecordSha256(consent),
    validFrom: consent.validFrom,
    validUntil: consent.validUntil,
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
      signedAt: s.signedAt,
      textRead: s.text
        ? `${s.text.templateId} v${s.text.version} (${s.text.language}), SHA-256 ${s.text.sha256}`
        : null,
    })),
  }
}

/**
 * The receipt as PDF: consent text version and hash, choices, validity, who signed when, the
 * record's hash, the personal code and its QR code — labelled in the person's language.
 */
export async function receiptPdf(receipt: ReceiptFacts): Promise<Buffer> {
  const language = receipt.language
  const t = stringsFor(language)
  const qr = await (
    await qrCode()
  ).toBuffer(receipt.selfServiceUrl, {
    errorCorrectionLevel: 'M',
    margin: 1,
    width: 240,
  })
  const pdf = await openPersonPdf({ language, title: t.receiptPdfTitle })
  const list = (items: string[]) => (items.length > 0 ? items.join(listSeparator(language)) : '–')
  pdf.heading(t.receiptPdfTitle, 18)
  pdf.space()
  pdf.text(`${t.receiptCode}: ${receipt.code}`, { size: 14 })
  pdf.space()
  pdf.image(qr, 120)
  pdf.field(t.kind, kindLabel(language, receipt.kind))
  pdf.field(t.textVersion, receipt.textReference)
  pdf.field(
    t.validity,
    fill(t.validityRange, {
      from: formatPersonDate(language, receipt.validFrom),
      until: formatPersonDate(language, receipt.validUntil),
    }),
  )
  pdf.field(t.purposes, list(receipt.purposes))
  pdf.field(t.recipients, list(receipt.recipients))
  pdf.field(t.categories, list(receipt.categories))
  pdf.field(t.deselected, list(receipt.deselected))
  pdf.space()
  pdf.text(`${t.signatures}:`)
  for (const s of receipt.signatures) {
    pdf.text(
      `${roleLabel(language, s.role)}: ${s.name}, ${formatPersonTime(language, s.signedAt)}`,
      { indent: 12 },
    )
    if (s.textRead) pdf.text(`${t.textRead}: ${s.textRead}`, { size: 8, indent: 24 })
  }
  pdf.space()
  pdf.field(t.textSha256, receipt.textSha256)
  pdf.field(t.recordSha256, receipt.recordSha256)
  if (t.bindingNote) {
    pdf.space()
    pdf.text(t.bindingNote)
  }
  pdf.space(2)
  pdf.text(fill(t.selfServiceHint, { url: receipt.selfServiceUrl.replace(/#.*$/, '') }))
  return pdf.finish()
}
