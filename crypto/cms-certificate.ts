import { X509Certificate } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { IssuerAndSerialNumber } from '@peculiar/asn1-cms'
import { Certificate, SubjectKeyIdentifier } from '@peculiar/asn1-x509'
import { asBuffer, encodeDer, parseDer } from './cms-der.ts'
import { oid } from './cms-oids.ts'
import { CmsError } from './errors.ts'
import type { CmsErrorCode } from './errors.ts'

/** A certificate as the CMS code needs it: parsed once, with its native public key. */
export interface CmsCertificate {
  der: Buffer
  asn: Certificate
  publicKey: KeyObject
  /** DER of `IssuerAndSerialNumber` (RFC 5652 §10.2.4), for byte-wise matching. */
  issuerAndSerialDer: Buffer
  subjectKeyIdentifier: Buffer | undefined
  subject: string
  email: string | undefined
}

/**
 * Parses a DER certificate for CMS use. A certificate that cannot be read raises `failWith`
 * (ERR_CMS_INVALID_INPUT for our own input, ERR_CMS_MALFORMED inside a received message).
 */
export function readCmsCertificate(
  der: Uint8Array,
  failWith: CmsErrorCode = 'ERR_CMS_INVALID_INPUT',
): CmsCertificate {
  const bytes = asBuffer(der)
  // Parsing a certificate costs milliseconds and the same few agency certificates recur on
  // every message, so parses are memoised (certificates are public; the entries are frozen).
  const cacheKey = bytes.toString('base64')
  const cached = parsedCertificates.get(cacheKey)
  if (cached) return cached
  const parsed = Object.freeze(parseCmsCertificate(bytes, failWith))
  if (parsedCertificates.size >= maxCachedCertificates) {
    const oldest = parsedCertificates.keys().next().value
    if (oldest !== undefined) parsedCertificates.delete(oldest)
  }
  parsedCertificates.set(cacheKey, parsed)
  return parsed
}

const maxCachedCertificates = 256
const parsedCertificates = new Map<string, Readonly<CmsCertificate>>()

function parseCmsCertificate(input: Buffer, failWith: CmsErrorCode): CmsCertificate {
  // A private copy: the memo must not change if the caller reuses its buffer.
  const bytes = Buffer.from(input)
  let native: X509Certificate
  let asn: Certificate
  let publicKey: KeyObject
  try {
    native = new X509Certificate(bytes)
    // The key is decoded lazily by Node; a broken key must fail here, typed.
    publicKey = native.publicKey
    asn = parseDer(bytes, Certificate, 'certificate')
  } catch (cause) {
    throw new CmsError(failWith, 'certificate is not a readable X.509 certificate', {
      cause,
    })
  }
  const issuerAndSerial = new IssuerAndSerialNumber({
    issuer: asn.tbsCertificate.issuer,
    serialNumber: asn.tbsCertificate.serialNumber,
  })
  const skiExtension = asn.tbsCertificate.extensions?.find(
    (extension) => extension.extnID === oid.subjectKeyIdentifier,
  )
  let subjectKeyIdentifier: Buffer | undefined
  if (skiExtension) {
    const ski = parseDer(
      skiExtension.extnValue.buffer,
      SubjectKeyIdentifier,
      'subjectKeyIdentifier',
    )
    subjectKeyIdentifier = asBuffer(ski.buffer)
  }
  return {
    der: bytes,
    asn,
    publicKey,
    issuerAndSerialDer: encodeDer(issuerAndSerial),
    subjectKeyIdentifier,
    subject: native.subject.split('\n').join(', '),
    email: emailOf(native),
  }
}

/** The signer's mailbox: the rfc822Name of subjectAltName (RFC 8550 §3), else the subject's emailAddress. */
function emailOf(certificate: X509Certificate): string | undefined {
  const fromSan = certificate.subjectAltName
    ?.split(', ')
    .find((name) => name.startsWith('email:'))
    ?.slice('email:'.length)
  if (fromSan) return fromSan.toLowerCase()
  const fromSubject = certificate.subject
    .split('\n')
    .find((part) => part.startsWith('emailAddress='))
    ?.slice('emailAddress='.length)
  return fromSubject?.toLowerCase()
}

/** True when a recipient / signer identifier names this certificate. */
export function identifies(
  certificate: CmsCertificate,
  id: {
    issuerAndSerialNumber?: IssuerAndSerialNumber
    subjectKeyIdentifier?: SubjectKeyIdentifier
  },
): boolean {
  if (id.issuerAndSerialNumber) {
    let encoded: Buffer
    try {
      encoded = encodeDer(id.issuerAndSerialNumber)
    } catch (cause) {
      // A received identifier the schema library cannot re-encode (e.g. a broken OID).
      throw new CmsError('ERR_CMS_MALFORMED', 'recipient or signer identifier is malformed', {
        cause,
      })
    }
    return encoded.equals(certificate.issuerAndSerialDer)
  }
  if (id.subjectKeyIdentifier && certificate.subjectKeyIdentifier) {
    return asBuffer(id.subjectKeyIdentifier.buffer).equals(certificate.subjectKeyIdentifier)
  }
  return false
}
