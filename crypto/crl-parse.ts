import { createHash } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import {
  AuthorityKeyIdentifier,
  CertificateList,
  CRLNumber,
  id_ce_authorityKeyIdentifier,
  id_ce_cRLNumber,
} from '@peculiar/asn1-x509'
import type { AlgorithmIdentifier } from '@peculiar/asn1-x509'
import { formatName } from './certificate-name.ts'
import { checkOuterEncoding, sameAlgorithm } from './certificate-parse.ts'
import { decodeSerialNumber } from './certificate-serial.ts'
import { CertificateError } from './errors.ts'

/** A CRL read once (RFC 5280 §5.1). */
export interface ParsedCrl {
  der: Buffer
  tbsDer: Buffer
  signatureAlgorithm: AlgorithmIdentifier
  signatureValue: Buffer
  issuerDer: Buffer
  issuer: string
  thisUpdate: Date
  nextUpdate: Date | undefined
  crlNumber: number | undefined
  authorityKeyIdentifier: Buffer | undefined
  /** Revoked serial → revocation date. */
  revoked: Map<bigint, Date>
  fingerprintSha256: string
}

/** Parses a DER CRL; anything unreadable raises ERR_CERT_CRL_INVALID. */
export function parseCrl(der: Uint8Array): ParsedCrl {
  const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength)
  try {
    checkOuterEncoding(bytes)
    const crl = AsnConvert.parse(bytes, CertificateList)
    const tbs = crl.tbsCertList
    if (crl.tbsCertListRaw === undefined) throw new Error('TBSCertList bytes missing')
    // RFC 5280 §5.1.1.2: the outer algorithm MUST equal the signed one.
    if (!sameAlgorithm(crl.signatureAlgorithm, tbs.signature)) {
      throw new Error('signatureAlgorithm differs from the signed algorithm')
    }
    const extensions = tbs.crlExtensions ?? []
    const aki = extensions.find((extension) => extension.extnID === id_ce_authorityKeyIdentifier)
    const number = extensions.find((extension) => extension.extnID === id_ce_cRLNumber)
    const keyIdentifier =
      aki === undefined
        ? undefined
        : AsnConvert.parse(aki.extnValue.buffer, AuthorityKeyIdentifier).keyIdentifier
    const revoked = new Map<bigint, Date>()
    for (const entry of tbs.revokedCertificates ?? []) {
      revoked.set(decodeSerialNumber(entry.userCertificate), entry.revocationDate.getTime())
    }
    return {
      der: bytes,
      tbsDer: Buffer.from(crl.tbsCertListRaw),
      signatureAlgorithm: tbs.signature,
      signatureValue: Buffer.from(crl.signature),
      issuerDer: Buffer.from(AsnConvert.serialize(tbs.issuer)),
      issuer: formatName(tbs.issuer),
      thisUpdate: tbs.thisUpdate.getTime(),
      nextUpdate: tbs.nextUpdate?.getTime(),
      crlNumber:
        number === undefined
          ? undefined
          : AsnConvert.parse(number.extnValue.buffer, CRLNumber).value,
      authorityKeyIdentifier:
        keyIdentifier === undefined ? undefined : Buffer.from(keyIdentifier.buffer),
      revoked,
      fingerprintSha256: createHash('sha256').update(bytes).digest('hex'),
    }
  } catch (cause) {
    throw new CertificateError('ERR_CERT_CRL_INVALID', 'not a readable DER CRL', {
      cause,
      details: { bytes: bytes.length },
    })
  }
}
