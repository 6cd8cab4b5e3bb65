import { html, type SafeHtml } from '../html.ts'
import { consentTextHtml } from '../kiosk/consent-text-html.ts'
import { receiptStringsFor, type ReceiptStrings } from './receipt-strings.ts'

/** One signature as the receipt shows it. */
export interface ReceiptSignatureView {
  role: 'youth' | 'guardian' | 'entrusting_person'
  name: string
  /** Formatted in Europe/Berlin. */
  signedAt: string
  method: 'kiosk_drawn' | 'kiosk_typed' | 'paper_scan' | 'staff_attested'
  /** The drawing as a PNG data URL (`kiosk_drawn`), when its stored hash still matches. */
  drawing: string | null
  /** `kiosk_typed`: the sentence the person confirmed; `staff_attested`: the circumstances. */
  statement: string | null
  /** The text this signatory read: language, version and SHA-256. */
  textRead: string | null
}

/** One full consent text on the receipt. */
export interface ReceiptTextView {
  language: string
  languageName: string
  /** The binding German text (shown as such when the person read another language). */
  binding: boolean
  text: string
  sha256: string
  /** Whether the text rendered now hashes as the one signed (null: no signature to compare). */
  matchesSigned: boolean | null
}

/**
 * A receipt worth keeping (issue «The person's side» point 4): what was signed in full, by whom
 * and how, between which agencies, for how long, and how to revoke — in the person's language,
 * with the binding German text. The same document is the kiosk's receipt page and the sealed
 * PDF at `/me`.
 */
export interface ReceiptDocument {
  /** The language of the receipt's own words (the kiosk's session language). */
  language: string
  kind: 'einwilligung' | 'schweigepflichtsentbindung'
  receiptId: string | null
  /** The receipt code and its QR code: only on the kiosk, where it was just made. */
  code: string | null
  qrDataUrl: string | null
  issuer: string
  issuedAt: string
  status: 'active' | 'revoked' | 'expired' | 'lapsed' | 'other'
  validFrom: string
  validUntil: string
  senders: string[]
  recipients: string[]
  purposes: string[]
  categories: string[]
  notChosen: string[]
  releasedProfessionals: string[]
  /** Who entrusted the data to the Jugendamt (§ 65 SGB VIII), when not the youth. */
  entrustingPersons: string[]
  singleTransferSha256: string | null
  signatures: ReceiptSignatureView[]
  /** The text in the signing language first, then the binding German one (if different). */
  texts: ReceiptTextView[]
  textSha256: string
  recordSha256: string
  selfServiceUrl: string
}

const rtlLanguages = ['ar', 'fa']
const htmlLang = (language: string) => (language === 'de-ls' ? 'de' : language)
const dirOf = (language: string) => (rtlLanguages.includes(language) ? 'rtl' : 'ltr')

/** A receipt string with `{url}` and `{agency}` filled in. */
export function fillIn(template: string, doc: Pick<ReceiptDocument, 'selfServiceUrl' | 'issuer'>) {
  return template.replace('{url}', doc.selfServiceUrl).replace('{agency}', doc.issuer)
}

const list = (values: readonly string[]) => (values.length > 0 ? values.join(', ') : '–')

/** The facts of the receipt as label/value pairs (also the PDF's order). */
export function receiptFacts(
  doc: ReceiptDocument,
  strings: ReceiptStrings = receiptStringsFor(doc.language),
): [string, string][] {
  const facts: [string, string][] = []
  if (doc.receiptId) facts.push([strings.receiptNumber, doc.receiptId])
  facts.push(
    [strings.issuedBy, doc.issuer],
    [strings.issuedAt, doc.issuedAt],
    [strings.status, strings.statuses[doc.status]],
    [strings.validity, `${doc.validFrom} ${strings.until} ${doc.validUntil}`],
    [strings.senders, list(doc.senders)],
    [strings.recipients, list(doc.recipients)],
    [strings.purposes, list(doc.purposes)],
    [strings.categories, list(doc.categories)],
    [strings.notChosen, list(doc.notChosen)],
  )
  if (doc.releasedProfessionals.length > 0)
    facts.push([strings.released, list(doc.releasedProfessionals)])
  if (doc.entrustingPersons.length > 0)
    facts.push([strings.entrustingPerson, list(doc.entrustingPersons)])
  if (doc.singleTransferSha256) facts.push([strings.singleTransfer, doc.singleTransferSha256])
  return facts
}

function signatureView(s: ReceiptSignatureView, strings: ReceiptStrings): SafeHtml {
  return html`<li class="receipt-signature">
    <p>
      <strong>${strings.roles[s.role]}: <bdi>${s.name}</bdi></strong
      >, <bdi>${s.signedAt}</bdi><br />
      ${strings.methods[s.method]}
    </p>
    ${
      s.drawing
        ? html`<img
            class="signature-image"
            src="${s.drawing}"
            alt="${strings.drawnAlt}: ${s.name}"
            width="300"
            height="87"
          />`
        : ''
    }
    ${
      s.statement
        ? html`<p>
            ${s.method === 'staff_attested' ? strings.circumstances : strings.confirmedSentence}:
            „${s.statement}“
          </p>`
        : ''
    }
    ${s.textRead ? html`<p class="hash">${strings.textRead}: ${s.textRead}</p>` : ''}
  </li>`
}

function textView(t: ReceiptTextView, strings: ReceiptStrings, index: number): SafeHtml {
  const id = `receipt-text-${index}`
  return html`<section
    class="receipt-text"
    aria-labelledby="${id}"
    lang="${htmlLang(t.language)}"
    dir="${dirOf(t.language)}"
  >
    <h2 id="${id}">
      ${t.binding ? strings.bindingHeading : strings.textHeading} (${t.languageName})
    </h2>
    ${t.binding ? html`<p class="binding-note">${strings.bindingNote}</p>` : ''}
    <div class="consent-text">${consentTextHtml(t.text, 3)}</div>
    <p class="hash">SHA-256: ${t.sha256}</p>
    ${
      t.matchesSigned === null
        ? ''
        : t.matchesSigned
          ? html`<p>${strings.textMatches}</p>`
          : html`<p class="error">${strings.textDiffers}</p>`
    }
  </section>`
}

/** The receipt's body: facts, signatures, how to revoke, the texts, the checksums. */
export function receiptBody(doc: ReceiptDocument): SafeHtml {
  const strings = receiptStringsFor(doc.language)
  return html`<p class="receipt-kind">${strings.kind[doc.kind]}</p>
    ${
      doc.code
        ? html`<section class="receipt-code-box" aria-labelledby="receipt-code-heading">
            <h2 id="receipt-code-heading">${strings.code}</h2>
            <p class="receipt-code" lang="en" dir="ltr">${doc.code}</p>
            ${
              doc.qrDataUrl
                ? html`<img
                    src="${doc.qrDataUrl}"
                    alt="${strings.qrAlt}"
                    class="qr"
                    width="180"
                    height="180"
                  />`
                : ''
            }
            <p>${fillIn(strings.codeHelp, doc)}</p>
          </section>`
        : ''
    }
    <dl class="receipt-facts">
      ${receiptFacts(doc, strings).map(
        ([label, value]) =>
          html`<dt>${label}</dt>
            <dd>${value}</dd>`,
      )}
    </dl>
    <section aria-labelledby="receipt-signatures-heading">
      <h2 id="receipt-signatures-heading">${strings.signatures}</h2>
      <ul class="receipt-signatures">
        ${doc.signatures.map((s) => signatureView(s, strings))}
      </ul>
    </section>
    <section aria-labelledby="receipt-revoke-heading">
      <h2 id="receipt-revoke-heading">${strings.revokeHeading}</h2>
      <p>${strings.revokeText}</p>
      <ul>
        ${strings.revokeWays.map((way) => html`<li>${fillIn(way, doc)}</li>`)}
      </ul>
    </section>
    ${doc.texts.map((t, index) => textView(t, strings, index))}
    <section aria-labelledby="receipt-checksums-heading">
      <h2 id="receipt-checksums-heading">${strings.checksums}</h2>
      <dl class="receipt-facts">
        <dt>${strings.textChecksum}</dt>
        <dd class="hash">${doc.textSha256}</dd>
        <dt>${strings.recordChecksum}</dt>
        <dd class="hash">${doc.recordSha256}</dd>
      </dl>
    </section>`
}

/**
 * The kiosk's receipt page: shown, and printed with the page's print button (a print
 * stylesheet hides everything but the receipt) — never a file in the shared tablet's downloads.
 * The sealed PDF waits at `/me`.
 */
export function kioskReceiptView(input: { csrf: string; receipt: ReceiptDocument }): SafeHtml {
  const doc = input.receipt
  const strings = receiptStringsFor(doc.language)
  return html`<article class="card receipt" aria-labelledby="receipt-heading">
      <h1 id="receipt-heading">${strings.title[doc.kind]}</h1>
      <p class="no-print">${strings.given[doc.kind]}</p>
      ${receiptBody(doc)}
      <p>${fillIn(strings.pdfAtMe, doc)}</p>
    </article>
    <div class="decision-row no-print">
      <button type="button" class="big secondary" id="print-receipt" hidden>
        ${strings.print}
      </button>
      <form method="post" action="/kiosk/finish" class="inline-form">
        <input type="hidden" name="_csrf" value="${input.csrf}" />
        <button type="submit" class="big agree">${strings.finish}</button>
      </form>
    </div>`
}
