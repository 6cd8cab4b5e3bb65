import { createHash, createPublicKey } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import * as asn1js from 'asn1js'
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  CRLDistributionPoints,
  ExtendedKeyUsage,
  KeyUsage,
  KeyUsageFlags,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_certificatePolicies,
  id_ce_cRLDistributionPoints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509'
import type { AlgorithmIdentifier, Name } from '@peculiar/asn1-x509'
import type { KeyUsageName } from './certificate-builder.ts'
import { formatName, nameAttributeOids, nameAttributeValues } from './certificate-name.ts'
import { decodeSerialNumber } from './certificate-serial.ts'
import { CertificateError } from './errors.ts'

/** Extensions this code understands; any other extension marked critical makes a certificate unusable (RFC 5280 §4.2). */
const understoodExtensions = new Set([
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_ce_extKeyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_ce_authorityKeyIdentifier,
  id_ce_certificatePolicies,
])

/** A certificate read once: the fields validation and the registry need, plus its native key. */
export interface ParsedCertificate {
  der: Buffer
  /** The signed bytes exactly as received (not re-encoded). */
  tbsDer: Buffer
  signatureAlgorithm: AlgorithmIdentifier
  signatureValue: Buffer
  serialNumber: bigint
  /** DER of the issuer and subject Names, for exact comparison (RFC 5280 §7.1 simplified to binary match). */
  issuerDer: Buffer
  subjectDer: Buffer
  issuer: string
  subject: string
  notBefore: Date
  notAfter: Date
  publicKey: KeyObject
  /** cA flag; undefined when basicConstraints is absent. */
  basicConstraints: { ca: boolean; pathLength: number | undefined } | undefined
  /** keyUsage bits; undefined when the extension is absent (then every usage is allowed). */
  keyUsage: Set<KeyUsageName> | undefined
  /** extendedKeyUsage OIDs; undefined when absent. */
  extendedKeyUsage: string[] | undefined
  /** subjectAltName rfc822Name entries. */
  sanEmails: string[]
  /** PKCS#9 emailAddress attributes of the subject (legacy). */
  subjectEmails: string[]
  subjectKeyIdentifier: Buffer | undefined
  authorityKeyIdentifier: Buffer | undefined
  /** OIDs of critical extensions not in the understood set. */
  unknownCriticalExtensions: string[]
  /** http(s) URIs of the cRLDistributionPoints (RFC 5280 §4.2.1.13), where the issuer's CRL is fetched. */
  crlDistributionPoints: string[]
  /** SHA-256 over the DER, lower-case hex. */
  fingerprintSha256: string
}

/** Parses a DER X.509 certificate; anything unreadable raises ERR_CERT_MALFORMED. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength)
  try {
    checkOuterEncoding(bytes)
    const certificate = AsnConvert.parse(bytes, Certificate)
    const tbs = certificate.tbsCertificate
    if (certificate.tbsCertificateRaw === undefined) {
      throw new Error('TBSCertificate bytes missing')
    }
    // RFC 5280 §4.1.1.2: the outer algorithm MUST equal the signed one; the outer copy is not
    // covered by the signature, so a difference is tampering (or a broken encoder).
    if (!sameAlgorithm(certificate.signatureAlgorithm, tbs.signature)) {
      throw new CertificateError(
        'ERR_CERT_MALFORMED',
        'signatureAlgorithm differs from the signed algorithm',
      )
    }
    const extensions = tbs.extensions ?? []
    const find = (oid: string) => extensions.find((extension) => extension.extnID === oid)
    const value = (oid: string): ArrayBuffer | undefined => find(oid)?.extnValue.buffer

    const basic = value(id_ce_basicConstraints)
    const basicConstraints =
      basic === undefined ? undefined : AsnConvert.parse(basic, BasicConstraints)
    const keyUsageValue = value(id_ce_keyUsage)
    const ekuValue = value(id_ce_extKeyUsage)
    const sanValue = value(id_ce_subjectAltName)
    const skiValue = value(id_ce_subjectKeyIdentifier)
    const akiValue = value(id_ce_authorityKeyIdentifier)
    const aki =
      akiValue === undefined ? undefined : AsnConvert.parse(akiValue, AuthorityKeyIdentifier)

    const parsed: ParsedCertificate = {
      der: bytes,
      tbsDer: Buffer.from(certificate.tbsCertificateRaw),
      signatureAlgorithm: tbs.signature,
      signatureValue: Buffer.from(certificate.signatureValue),
      serialNumber: decodeSerialNumber(tbs.serialNumber),
      issuerDer: nameDer(tbs.issuer),
      subjectDer: nameDer(tbs.subject),
      issuer: formatName(tbs.issuer),
      subject: formatName(tbs.subject),
      notBefore: tbs.validity.notBefore.getTime(),
      notAfter: tbs.validity.notAfter.getTime(),
      publicKey: createPublicKey({
        key: Buffer.from(AsnConvert.serialize(tbs.subjectPublicKeyInfo)),
        format: 'der',
        type: 'spki',
      }),
      basicConstraints:
        basicConstraints === undefined
          ? undefined
          : { ca: basicConstraints.cA, pathLength: basicConstraints.pathLenConstraint },
      keyUsage:
        keyUsageValue === undefined
          ? undefined
          : keyUsageNames(AsnConvert.parse(keyUsageValue, KeyUsage).toNumber()),
      extendedKeyUsage:
        ekuValue === undefined ? undefined : [...AsnConvert.parse(ekuValue, ExtendedKeyUsage)],
      sanEmails:
        sanValue === undefined
          ? []
          : AsnConvert.parse(sanValue, SubjectAlternativeName).flatMap((name) =>
              name.rfc822Name === undefined ? [] : [name.rfc822Name],
            ),
      subjectEmails: nameAttributeValues(tbs.subject, nameAttributeOids.emailAddress),
      subjectKeyIdentifier:
        skiValue === undefined
          ? undefined
          : Buffer.from(AsnConvert.parse(skiValue, SubjectKeyIdentifier).buffer),
      authorityKeyIdentifier:
        aki?.keyIdentifier === undefined ? undefined : Buffer.from(aki.keyIdentifier.buffer),
      unknownCriticalExtensions: extensions
        .filter((extension) => extension.critical && !understoodExtensions.has(extension.extnID))
        .map((extension) => extension.extnID),
      crlDistributionPoints: distributionPointUris(value(id_ce_cRLDistributionPoints)),
      fingerprintSha256: createHash('sha256').update(bytes).digest('hex'),
    }
    return parsed
  } catch (cause) {
    if (cause instanceof CertificateError) throw cause
    throw new CertificateError('ERR_CERT_MALFORMED', 'not a readable DER X.509 certificate', {
      cause,
      details: { bytes: bytes.length },
    })
  }
}

/**
 * The parts of a signed structure that the signature does not cover must not vary: no bytes
 * after the outer SEQUENCE, and a signature BIT STRING without unused bits (RFC 5280 §4.1.1.3,
 * §5.1.1.3). Otherwise one certificate would have many encodings and fingerprints.
 */
export function checkOuterEncoding(bytes: Uint8Array): void {
  // asn1js tolerates an outer length that disagrees with the content (the fuzz test found a
  // certificate whose length byte was flipped and that still parsed), so read the header strictly.
  const declared = outerSequenceLength(bytes)
  if (declared === undefined || declared !== bytes.byteLength) {
    throw new Error('outer SEQUENCE length does not match the bytes (not DER)')
  }
  const parsed = asn1js.fromBER(bytes)
  if (parsed.offset !== bytes.byteLength || !(parsed.result instanceof asn1js.Sequence)) {
    throw new Error('not exactly one DER SEQUENCE')
  }
  const signature = parsed.result.valueBlock.value[2]
  if (!(signature instanceof asn1js.BitString) || signature.valueBlock.unusedBits !== 0) {
    throw new Error('signature BIT STRING has unused bits')
  }
}

/** True when two AlgorithmIdentifiers encode to the same DER. */
export function sameAlgorithm(a: AlgorithmIdentifier, b: AlgorithmIdentifier): boolean {
  return Buffer.from(AsnConvert.serialize(a)).equals(Buffer.from(AsnConvert.serialize(b)))
}

function nameDer(name: Name): Buffer {
  return Buffer.from(AsnConvert.serialize(name))
}

/** The full-name http(s) URIs of a cRLDistributionPoints value; other forms (LDAP, relative names) are skipped. */
function distributionPointUris(extension: ArrayBuffer | undefined): string[] {
  if (extension === undefined) return []
  const uris = AsnConvert.parse(extension, CRLDistributionPoints).flatMap(
    (point) => point.distributionPoint?.fullName ?? [],
  )
  return uris.flatMap((name) =>
    name.uniformResourceIdentifier !== undefined &&
    /^https?:\/\//i.test(name.uniformResourceIdentifier)
      ? [name.uniformResourceIdentifier]
      : [],
  )
}

function keyUsageNames(bits: number): Set<KeyUsageName> {
  const names = new Set<KeyUsageName>()
  for (const [name, flag] of Object.entries(KeyUsageFlags)) {
    if (typeof flag === 'number' && (bits & flag) !== 0) names.add(name as KeyUsageName)
  }
  return names
}

/**
 * Total size (header + content) that a DER SEQUENCE header at the start declares, or undefined
 * when the header is not minimal DER (X.690 §10.1: definite, shortest length form).
 */
function outerSequenceLength(bytes: Uint8Array): number | undefined {
  if (bytes.byteLength < 2 || bytes[0] !== 0x30) return undefined
  const first = bytes[1]!
  if (first < 0x80) return 2 + first
  const count = first & 0x7f
  if (count === 0 || count > 4 || bytes.byteLength < 2 + count) return undefined
  let length = 0
  for (let i = 0; i < count; i++) length = length * 256 + bytes[2 + i]!
  // Long form only above 127, and without leading zero bytes.
  if (length < 0x80 || bytes[2] === 0) return undefined
  return 2 + count + length
}
