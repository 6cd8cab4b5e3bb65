import { createHash } from 'node:crypto'
import { vocabulary } from '../../config/vocabulary.ts'
import type { Signature } from '../../consent/consent.ts'
import { consentRecordSha256 } from '../../consent/consent-record.ts'
import { localized } from '../../consent/vocabulary.ts'
import { signPdf } from '../../crypto/pdf-sign.ts'
import { findSignatureEvidence } from '../../db/consent-repository.ts'
import { textVersionLabel } from '../../templates/pages/code-labels.ts'
import { stringsFor } from '../../templates/pages/i18n/person-language.ts'
import type {
  ReceiptDocument,
  ReceiptSignatureView,
  ReceiptTextView,
} from '../../templates/pages/receipt/receipt-view.ts'
import {
  formatBerlinTime,
  formatCalendarDate,
} from '../../templates/pages/view-models/format-berlin-time.ts'
import { agencyDirectory, renderWith } from '../consent/consent-texts.ts'
import type { ConsentView } from '../consent/consent-view.ts'
import { readTypedSignature } from '../consent/signature-evidence.ts'
import type { Deps } from '../deps.ts'
import { KioskError } from './kiosk-error.ts'
import { receiptPdf } from './receipt-pdf.ts'

async function qrCode() {
  return (await import('qrcode')).default
}

/** Where the QR code leads: the self-service page, the code in the fragment (never sent to a server). */
export function selfServiceLink(publicUrl: string, code: string, language = 'de'): string {
  const query = language === 'de' ? '' : `?lang=${encodeURIComponent(language)}`
  return `${selfServiceUrl(publicUrl)}${query}#${code}`
}

const selfServiceUrl = (publicUrl: string) => `${publicUrl.replace(/\/$/, '')}/me`

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

export interface ReceiptInput {
  consent: ConsentView
  /** The language of the receipt's words: the kiosk's session language, or the one signed in. */
  language: string
  /** The receipt code, only where it was just made (the kiosk); `/me` never knows it. */
  code: string | null
  receiptId: string | null
}

/**
 * The receipt of a consent for the person who signed it (issue «The person's side» point 4): the
 * facts in the person's language, every signature with its drawing or what was confirmed, the
 * text in each language it was signed in and the binding German one — rendered again and
 * checked against the SHA-256 each signature recorded — and the checksums. Only what the
 * person's own receipt rightly holds: no case references, no birth date, nothing of transfers.
 */
export async function receiptDocumentOf(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'consentTexts'>,
  input: ReceiptInput,
): Promise<ReceiptDocument> {
  const { consent, language } = input
  const directory = await agencyDirectory(deps.db)
  const agency = (id: string) => directory.names.get(id) ?? id
  const term = (kind: 'categories' | 'purposes', id: string) => {
    const found = vocabulary[kind][id]
    return found ? localized(found.label, language) : id
  }
  const evidence = await findSignatureEvidence(deps.db, consent.id)
  return {
    language,
    kind: consent.kind,
    receiptId: input.receiptId,
    code: input.code,
    qrDataUrl: input.code
      ? await (
          await qrCode()
        ).toDataURL(selfServiceLink(deps.config.publicUrl, input.code, language), {
          errorCorrectionLevel: 'M',
          margin: 1,
          width: 180,
        })
      : null,
    issuer: agency(consent.createdByAgencyId),
    issuedAt: formatBerlinTime(deps.clock.now()),
    status: statusOf(consent.status),
    validFrom: formatCalendarDate(consent.validFrom),
    validUntil: formatCalendarDate(consent.validUntil),
    senders: consent.senders.map(agency),
    recipients: consent.coveredRecipients.map(agency),
    purposes: consent.purposes.map((p) => term('purposes', p)),
    categories: consent.coveredCategories.map((c) => term('categories', c)),
    notChosen: [
      ...consent.deselectedRecipients.map(agency),
      ...consent.deselectedCategories.map((c) => term('categories', c)),
    ],
    releasedProfessionals: consent.releasedProfessionals,
    entrustingPersons: consent.entrustingPersons.flatMap((p) => (p.isYouth ? [] : [p.name])),
    singleTransferSha256: consent.singleTransfer?.summarySha256 ?? null,
    signatures: consent.signatures.map((s) =>
      signatureOf(
        s,
        evidence.find((e) => e.role === s.role),
      ),
    ),
    texts: textsOf(deps, consent, directory),
    textSha256: consent.text.sha256,
    recordSha256: consentRecordSha256(consent),
    selfServiceUrl: selfServiceUrl(deps.config.publicUrl),
  }
}

function statusOf(status: ConsentView['status']): ReceiptDocument['status'] {
  switch (status) {
    case 'active':
    case 'revoked':
    case 'expired':
    case 'lapsed':
      return status
    // A receipt exists only once every required signature is in: these never carry one.
    case 'draft':
    case 'declined':
    case 'discarded':
      return 'other'
    // Ended by a signed renewal: not in force; the renewal has its own receipt.
    case 'renewed':
      return 'other'
  }
}

/** The role without a number (several entrusting persons each sign under a role of their own). */
const roleKind = (role: string): ReceiptSignatureView['role'] =>
  role === 'youth' || role === 'guardian' ? role : 'entrusting_person'

/**
 * A signature as the receipt shows it. The stored evidence is shown only when it still hashes
 * to what the signature recorded: the receipt never shows a drawing nobody signed with.
 */
function signatureOf(
  s: Signature,
  stored: { evidence: string; evidenceSha256: string } | undefined,
): ReceiptSignatureView {
  const evidence =
    stored &&
    stored.evidenceSha256 === s.evidenceSha256 &&
    sha256(stored.evidence) === s.evidenceSha256
      ? stored.evidence
      : undefined
  return {
    role: roleKind(s.role),
    name: s.name,
    signedAt: formatBerlinTime(s.signedAt),
    method: s.method,
    drawing:
      s.method === 'kiosk_drawn' && evidence?.startsWith('data:image/png;base64,')
        ? evidence
        : null,
    statement:
      evidence === undefined
        ? null
        : s.method === 'kiosk_typed'
          ? (readTypedSignature(evidence)?.confirmation ?? null)
          : s.method === 'staff_attested'
            ? evidence
            : null,
    textRead: s.text ? `${textVersionLabel(s.text)}, SHA-256 ${s.text.sha256}` : null,
  }
}

/**
 * The texts in full: each language a signatory read, then the binding German text (docs/design.md
 * §3.1: the German text is binding; every translation says so).
 */
function textsOf(
  deps: Pick<Deps, 'consentTexts'>,
  consent: ConsentView,
  directory: Awaited<ReturnType<typeof agencyDirectory>>,
): ReceiptTextView[] {
  const read = [
    ...new Set(
      consent.signatures.flatMap((s) => (s.text ? [s.text.language] : [consent.text.language])),
    ),
  ]
  const languages = [
    ...(read.length > 0 ? read : [consent.text.language]).filter((l) => l !== 'de'),
    'de',
  ]
  const onlyGerman = languages.length === 1
  return languages.map((language) => {
    const rendered = renderWith(deps, { consent, subject: consent.subject }, language, directory)
    const signedHashes = consent.signatures
      .filter((s) => s.text?.language === language)
      .map((s) => s.text?.sha256)
    if (signedHashes.length === 0 && consent.text.language === language)
      signedHashes.push(consent.text.sha256)
    return {
      language,
      languageName: stringsFor(language).languageName,
      binding: language === 'de' && !onlyGerman,
      text: rendered.text,
      sha256: rendered.reference.sha256,
      matchesSigned:
        signedHashes.length === 0
          ? null
          : signedHashes.every((h) => h === rendered.reference.sha256),
    }
  })
}

/**
 * The receipt as a PDF sealed by the agency that prepared the consent (PAdES, ETSI.CAdES.detached,
 * with the S/MIME key and certificate its keyring holds), so the person can show that the agency
 * issued exactly this. Without a valid signing key there is no sealed receipt: refused, never
 * handed out unsealed as if it were.
 */
export async function sealedReceiptPdf(
  deps: Pick<Deps, 'db' | 'config' | 'log' | 'clock' | 'relay'>,
  input: { document: ReceiptDocument; agencyId: string },
): Promise<Buffer> {
  const at = deps.clock.now()
  const signing = await deps.relay.keyring.signer(input.agencyId, at)
  if (!signing.ok)
    throw new KioskError(
      'ERR_KIOSK_RECEIPT_UNSEALED',
      'The agency has no valid signing certificate to seal the receipt.',
    )
  const signer = signing.identity
  const qrPng = input.document.code
    ? await (
        await qrCode()
      ).toBuffer(
        selfServiceLink(deps.config.publicUrl, input.document.code, input.document.language),
        {
          errorCorrectionLevel: 'M',
          margin: 1,
          width: 240,
        },
      )
    : null
  const pdf = await receiptPdf({ document: input.document, at, qrPng })
  return signPdf({
    pdf,
    signer: { key: signer.key, certificate: signer.certificate, chain: signer.chain },
    at,
  })
}
