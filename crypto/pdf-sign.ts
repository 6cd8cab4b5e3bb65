import type { RsaSignatureScheme } from './cms-signature-algorithm.ts'
import { signCms, type CmsSigner } from './cms-sign.ts'
import { CmsError } from './errors.ts'

/**
 * What a PDF writer puts into the signature dictionary (ISO 32000-1 §12.8.1) before signing:
 * `/ByteRange` as {@link pdfSignaturePlaceholder.byteRange} — four fixed-width tokens that
 * {@link signPdf} overwrites with the real offsets, padded with spaces — and `/Contents` as a hex
 * string of {@link pdfSignaturePlaceholder.contentsBytes} zero bytes, which receives the CMS.
 */
export const pdfSignaturePlaceholder = {
  byteRange: '[0 /********** /********** /**********]',
  /** Room for the DER SignedData: certificate, chain and an RSA-4096 signature fit easily. */
  contentsBytes: 16_384,
} as const

export interface SignPdfInput {
  /** A complete PDF holding exactly one signature dictionary with the placeholder. */
  pdf: Buffer
  signer: CmsSigner
  /** The instant of signing; the caller's clock, never read here. */
  at: Date
  rsaScheme?: RsaSignatureScheme
}

const invalid = (message: string) => new CmsError('ERR_CMS_INVALID_INPUT', message)

/**
 * Signs a PDF as PAdES baseline B-B (ETSI EN 319 142-1; `/SubFilter /ETSI.CAdES.detached`):
 * the byte range is the whole file except the `/Contents` hex string, and a detached CMS
 * SignedData with the CAdES attributes (contentType, messageDigest, signingCertificateV2) over
 * exactly those bytes goes into it. Pure: the PDF is changed only inside the two placeholders,
 * so every offset of the file stays where the writer put it.
 */
export function signPdf(input: SignPdfInput): Buffer {
  const pdf = Buffer.from(input.pdf)
  const { byteRange, contentsBytes } = pdfSignaturePlaceholder
  const rangeAt = pdf.indexOf(byteRange, 0, 'latin1')
  if (rangeAt < 0 || pdf.indexOf(byteRange, rangeAt + 1, 'latin1') >= 0)
    throw invalid('the PDF must hold exactly one signature placeholder')
  const contentsKey = pdf.indexOf('/Contents <', rangeAt, 'latin1')
  if (contentsKey < 0) throw invalid('the signature dictionary has no /Contents placeholder')
  const start = contentsKey + '/Contents '.length
  const end = start + 1 + contentsBytes * 2 + 1
  const hole = pdf.subarray(start + 1, end - 1)
  if (pdf[end - 1] !== 0x3e || hole.some((byte) => byte !== 0x30))
    throw invalid(`the /Contents placeholder must be ${contentsBytes} zero bytes`)

  const ranges = `[0 ${start} ${end} ${pdf.length - end}`
  if (ranges.length + 1 > byteRange.length)
    throw invalid('the PDF is too large for the placeholder')
  pdf.write(`${ranges.padEnd(byteRange.length - 1, ' ')}]`, rangeAt, 'latin1')

  const signed = Buffer.concat([pdf.subarray(0, start), pdf.subarray(end)])
  const cms = signCms({
    content: signed,
    signer: input.signer,
    at: input.at,
    detached: true,
    profile: 'cades',
    ...(input.rsaScheme ? { rsaScheme: input.rsaScheme } : {}),
  })
  if (cms.length > contentsBytes) throw invalid('the signature does not fit its placeholder')
  pdf.write(cms.toString('hex'), start + 1, 'latin1')
  return pdf
}
