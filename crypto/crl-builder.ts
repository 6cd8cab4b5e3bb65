import type { KeyObject } from 'node:crypto'
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import {
  AuthorityKeyIdentifier,
  Certificate,
  CertificateList,
  CRLNumber,
  CRLReason,
  CRLReasons,
  Extension,
  KeyIdentifier,
  RevokedCertificate,
  SubjectKeyIdentifier,
  TBSCertList,
  Time,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_cRLNumber,
  id_ce_cRLReasons,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509'
import { keyIdentifierOf } from './certificate-builder.ts'
import { encodePem } from './certificate-pem.ts'
import { encodeSerialNumber } from './certificate-serial.ts'
import { signTbs, signatureAlgorithmFor } from './certificate-signature.ts'
import type { RsaSignatureScheme } from './certificate-signature.ts'
import { CertificateError } from './errors.ts'

/** CRL entry reason codes by name (RFC 5280 §5.3.1). */
export type RevocationReason = keyof typeof CRLReasons

/** One revoked certificate on a CRL. */
export interface RevokedEntry {
  serialNumber: bigint
  revocationDate: Date
  reason?: RevocationReason
}

/** Input of {@link buildCrl}. */
export interface BuildCrlInput {
  /** The CA that issues the CRL: its certificate (DER) and private key. */
  issuer: {
    certificate: Uint8Array
    privateKey: KeyObject
    rsaSignatureScheme?: RsaSignatureScheme
  }
  thisUpdate: Date
  nextUpdate: Date
  /** Monotonic CRL number (RFC 5280 §5.2.3). */
  crlNumber: number
  revoked: RevokedEntry[]
}

/** A built CRL in both encodings. */
export interface BuiltCrl {
  der: Buffer
  pem: string
}

/**
 * Builds and signs a v2 CRL (RFC 5280 §5.1) with authorityKeyIdentifier and cRLNumber, each
 * entry optionally with a reasonCode, signed with native crypto by the issuing CA's key.
 */
export function buildCrl(input: BuildCrlInput): BuiltCrl {
  if (input.nextUpdate.getTime() <= input.thisUpdate.getTime()) {
    throw new CertificateError('ERR_CERT_INVALID_INPUT', 'nextUpdate must be after thisUpdate')
  }
  if (!Number.isSafeInteger(input.crlNumber) || input.crlNumber < 0) {
    throw new CertificateError('ERR_CERT_INVALID_INPUT', 'crlNumber must be a non-negative integer')
  }
  let issuerCertificate: Certificate
  try {
    issuerCertificate = AsnConvert.parse(input.issuer.certificate, Certificate)
  } catch (cause) {
    throw new CertificateError('ERR_CERT_MALFORMED', 'issuer certificate is not DER X.509', {
      cause,
    })
  }
  const scheme = input.issuer.rsaSignatureScheme
  const signatureAlgorithm = signatureAlgorithmFor(input.issuer.privateKey, scheme)
  const tbsCertList = new TBSCertList({
    version: Version.v2,
    signature: signatureAlgorithm,
    issuer: issuerCertificate.tbsCertificate.subject,
    thisUpdate: new Time(input.thisUpdate),
    nextUpdate: new Time(input.nextUpdate),
    crlExtensions: [
      extension(
        id_ce_authorityKeyIdentifier,
        new AuthorityKeyIdentifier({
          keyIdentifier: new KeyIdentifier(issuerKeyIdentifier(issuerCertificate)),
        }),
      ),
      extension(id_ce_cRLNumber, new CRLNumber(input.crlNumber)),
    ],
  })
  // RFC 5280 §5.1.2.6: when there are no revoked certificates the list is absent, not empty.
  if (input.revoked.length > 0) {
    tbsCertList.revokedCertificates = input.revoked.map(
      (entry) =>
        new RevokedCertificate({
          userCertificate: encodeSerialNumber(entry.serialNumber),
          revocationDate: new Time(entry.revocationDate),
          ...(entry.reason === undefined
            ? {}
            : {
                crlEntryExtensions: [
                  extension(id_ce_cRLReasons, new CRLReason(CRLReasons[entry.reason])),
                ],
              }),
        }),
    )
  }
  const tbs = Buffer.from(AsnConvert.serialize(tbsCertList))
  const signature = signTbs(tbs, input.issuer.privateKey, scheme)
  const crl = new CertificateList({
    tbsCertList,
    signatureAlgorithm,
    signature: new Uint8Array(signature).buffer,
  })
  const der = Buffer.from(AsnConvert.serialize(crl))
  return { der, pem: encodePem(der, 'X509 CRL') }
}

function extension(extnID: string, value: unknown): Extension {
  return new Extension({
    extnID,
    critical: false,
    extnValue: new OctetString(AsnConvert.serialize(value)),
  })
}

function issuerKeyIdentifier(certificate: Certificate): ArrayBuffer {
  const ski = certificate.tbsCertificate.extensions?.find(
    (candidate) => candidate.extnID === id_ce_subjectKeyIdentifier,
  )
  if (ski !== undefined) {
    return AsnConvert.parse(ski.extnValue.buffer, SubjectKeyIdentifier).buffer
  }
  return new Uint8Array(keyIdentifierOf(certificate.tbsCertificate.subjectPublicKeyInfo)).buffer
}
