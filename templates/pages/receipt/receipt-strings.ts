import { stringsFor } from '../i18n/person-language.ts'

/**
 * The receipt's words, grouped as the receipt view and its PDF use them: the same words on the
 * kiosk's receipt page, in its print and in the sealed PDF at `/me`. The texts themselves live in
 * the person catalogues (`templates/pages/i18n/<language>.ts`, keys `receipt…`), so one language
 * carries the person from the kiosk to the receipt; this file only groups them by kind, status,
 * role and method. The consent texts come from templates/consent; the German legal terms
 * (Einwilligung, Schweigepflichtsentbindung) stay beside every translation. `{url}` and
 * `{agency}` are filled in by the view.
 */
export interface ReceiptStrings {
  /** The document's title, per kind of declaration. */
  title: Record<'einwilligung' | 'schweigepflichtsentbindung', string>
  /** The kind's own name, per kind. */
  kind: Record<'einwilligung' | 'schweigepflichtsentbindung', string>
  /** "It is given", per kind (the kiosk page after signing). */
  given: Record<'einwilligung' | 'schweigepflichtsentbindung', string>
  receiptNumber: string
  code: string
  codeHelp: string
  qrAlt: string
  issuedBy: string
  issuedAt: string
  status: string
  statuses: Record<'active' | 'revoked' | 'expired' | 'lapsed' | 'other', string>
  validity: string
  until: string
  senders: string
  recipients: string
  purposes: string
  categories: string
  notChosen: string
  released: string
  entrustingPerson: string
  singleTransfer: string
  signatures: string
  roles: Record<'youth' | 'guardian' | 'entrusting_person', string>
  methods: Record<'kiosk_drawn' | 'kiosk_typed' | 'paper_scan' | 'staff_attested', string>
  drawnAlt: string
  confirmedSentence: string
  circumstances: string
  textRead: string
  revokeHeading: string
  revokeText: string
  revokeWays: string[]
  textHeading: string
  bindingHeading: string
  bindingNote: string
  textMatches: string
  textDiffers: string
  checksums: string
  textChecksum: string
  recordChecksum: string
  sealHeading: string
  sealText: string
  pdfAtMe: string
  print: string
  finish: string
  meDownload: string
}

/** The receipt's words in `language` (German for a language the person's side does not offer). */
export function receiptStringsFor(language: string): ReceiptStrings {
  const s = stringsFor(language)
  return {
    title: {
      einwilligung: s.receiptTitleEinwilligung,
      schweigepflichtsentbindung: s.receiptTitleSchweigepflichtsentbindung,
    },
    kind: {
      einwilligung: s.receiptKindEinwilligung,
      schweigepflichtsentbindung: s.receiptKindSchweigepflichtsentbindung,
    },
    given: {
      einwilligung: s.receiptGivenEinwilligung,
      schweigepflichtsentbindung: s.receiptGivenSchweigepflichtsentbindung,
    },
    receiptNumber: s.receiptNumber,
    code: s.receiptCodeHeading,
    codeHelp: s.receiptCodeHelp,
    qrAlt: s.receiptQrAlt,
    issuedBy: s.receiptIssuedBy,
    issuedAt: s.receiptIssuedAt,
    status: s.receiptStatus,
    statuses: {
      active: s.receiptStatusActive,
      revoked: s.receiptStatusRevoked,
      expired: s.receiptStatusExpired,
      lapsed: s.receiptStatusLapsed,
      other: s.receiptStatusOther,
    },
    validity: s.receiptValidity,
    until: s.receiptUntil,
    senders: s.receiptSenders,
    recipients: s.receiptRecipients,
    purposes: s.receiptPurposes,
    categories: s.receiptCategories,
    notChosen: s.receiptNotChosen,
    released: s.receiptReleased,
    entrustingPerson: s.receiptEntrustingPerson,
    singleTransfer: s.receiptSingleTransfer,
    signatures: s.receiptSignatures,
    roles: {
      youth: s.receiptRoleYouth,
      guardian: s.receiptRoleGuardian,
      entrusting_person: s.receiptRoleEntrustingPerson,
    },
    methods: {
      kiosk_drawn: s.receiptMethodKioskDrawn,
      kiosk_typed: s.receiptMethodKioskTyped,
      paper_scan: s.receiptMethodPaperScan,
      staff_attested: s.receiptMethodStaffAttested,
    },
    drawnAlt: s.receiptDrawnAlt,
    confirmedSentence: s.receiptConfirmedSentence,
    circumstances: s.receiptCircumstances,
    textRead: s.receiptTextRead,
    revokeHeading: s.receiptRevokeHeading,
    revokeText: s.receiptRevokeText,
    revokeWays: [s.receiptRevokeWay1, s.receiptRevokeWay2, s.receiptRevokeWay3],
    textHeading: s.receiptTextHeading,
    bindingHeading: s.receiptBindingHeading,
    bindingNote: s.receiptBindingNote,
    textMatches: s.receiptTextMatches,
    textDiffers: s.receiptTextDiffers,
    checksums: s.receiptChecksums,
    textChecksum: s.receiptTextChecksum,
    recordChecksum: s.receiptRecordChecksum,
    sealHeading: s.receiptSealHeading,
    sealText: s.receiptSealText,
    pdfAtMe: s.receiptPdfAtMe,
    print: s.receiptPrint,
    finish: s.receiptFinish,
    meDownload: s.receiptMeDownload,
  }
}
