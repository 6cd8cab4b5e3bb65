import { CertificateError } from './errors.ts'

/** PEM labels used by the crypto area (RFC 7468 §5, §6, §10, §11). */
export type PemLabel = 'CERTIFICATE' | 'X509 CRL' | 'PRIVATE KEY' | 'ENCRYPTED PRIVATE KEY' | 'CMS'

const pemBlockPattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g

/** Encodes DER bytes as a PEM block with 64-character lines (RFC 7468 §2). */
export function encodePem(der: Uint8Array, label: PemLabel): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64')
  const lines = base64.match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

/** Decodes every PEM block with the given label, in order (e.g. a certificate bundle). */
export function decodePemAll(text: string, label: PemLabel): Buffer[] {
  const blocks: Buffer[] = []
  for (const match of text.matchAll(pemBlockPattern)) {
    if (match[1] !== label) continue
    const body = (match[2] ?? '').replace(/\s+/g, '')
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length === 0) {
      throw new CertificateError('ERR_CERT_MALFORMED', `PEM block ${label} is not valid base64`)
    }
    blocks.push(Buffer.from(body, 'base64'))
  }
  return blocks
}

/** Decodes the first PEM block with the given label; throws ERR_CERT_MALFORMED if there is none. */
export function decodePem(text: string, label: PemLabel): Buffer {
  const [first] = decodePemAll(text, label)
  if (first === undefined) {
    throw new CertificateError('ERR_CERT_MALFORMED', `no PEM block ${label} found`)
  }
  return first
}

/** True when the bytes look like PEM text rather than DER (DER starts with a SEQUENCE tag 0x30). */
export function isPem(data: Uint8Array): boolean {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    .subarray(0, 64)
    .toString('latin1')
    .includes('-----BEGIN ')
}
