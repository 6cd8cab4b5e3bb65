import { createHash } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  CRLDistributionPoints,
  DistributionPoint,
  DistributionPointName,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_cRLDistributionPoints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_emailProtection,
} from '@peculiar/asn1-x509'
import type { Name } from '@peculiar/asn1-x509'
import { keyFamilyOf } from './certificate-key-pair.ts'
import { buildName } from './certificate-name.ts'
import type { DistinguishedName } from './certificate-name.ts'
import { encodePem } from './certificate-pem.ts'
import { encodeSerialNumber, randomSerialNumber } from './certificate-serial.ts'
import { signTbs, signatureAlgorithmFor } from './certificate-signature.ts'
import { toArrayBuffer } from './cms-der.ts'
import type { RsaSignatureScheme } from './certificate-signature.ts'
import { CertificateError } from './errors.ts'

/** keyUsage bits by name (RFC 5280 §4.2.1.3). */
export type KeyUsageName = keyof typeof KeyUsageFlags

/** Who signs a certificate. Without `certificate` the new certificate is self-signed. */
export interface CertificateIssuer {
  /** The issuer's certificate, DER; its subject becomes the issuer name, its key id the AKI. */
  certificate?: Uint8Array
  /** The issuer's private key (RSA or EC), used with native `crypto.sign`. */
  privateKey: KeyObject
  /** RSA issuers only: PKCS#1 v1.5 (default) or RSASSA-PSS. */
  rsaSignatureScheme?: RsaSignatureScheme
}

/** The extensions a certificate carries; SKI and AKI are always added (RFC 5280 §4.2.1.1–2). */
export interface CertificateExtensionsInput {
  basicConstraints?: { ca: boolean; pathLength?: number }
  keyUsage?: KeyUsageName[]
  /** Key purpose OIDs (RFC 5280 §4.2.1.12), e.g. {@link id_kp_emailProtection}. */
  extendedKeyUsage?: string[]
  /** subjectAltName rfc822Name entries (RFC 8550 §3). */
  emailAddresses?: string[]
  /** cRLDistributionPoints as URIs (RFC 5280 §4.2.1.13). */
  crlDistributionPoints?: string[]
  /** Further extensions as DER values, e.g. a policy a foreign PKI marks critical. */
  extraExtensions?: { oid: string; critical: boolean; value: Uint8Array }[]
}

/** Input of {@link buildCertificate}. */
export interface BuildCertificateInput {
  subject: DistinguishedName
  publicKey: KeyObject
  issuer: CertificateIssuer
  /** Positive, at most 20 octets; random 127 bits when absent. */
  serialNumber?: bigint
  notBefore: Date
  notAfter: Date
  extensions: CertificateExtensionsInput
}

/** A freshly built certificate in both encodings plus the identifiers callers keep. */
export interface BuiltCertificate {
  der: Buffer
  pem: string
  serialNumber: bigint
  subjectKeyIdentifier: Buffer
}

/**
 * Builds and signs an X.509 v3 certificate (RFC 5280 §4.1) with native crypto: RSA keys sign
 * with sha256WithRSAEncryption, EC keys (P-256, brainpoolP256r1, …) with ecdsa-with-SHA256.
 */
export function buildCertificate(input: BuildCertificateInput): BuiltCertificate {
  checkValidity(input.notBefore, input.notAfter)
  const serialNumber = input.serialNumber ?? randomSerialNumber()
  const subjectPublicKeyInfo = parsePublicKey(input.publicKey)
  const subjectKeyIdentifier = keyIdentifierOf(subjectPublicKeyInfo)
  const subject = buildName(input.subject)
  const issuerCertificate =
    input.issuer.certificate === undefined ? undefined : parseCertificate(input.issuer.certificate)
  const issuerName: Name = issuerCertificate?.tbsCertificate.subject ?? subject
  const authorityKeyIdentifier =
    issuerCertificate === undefined
      ? subjectKeyIdentifier
      : keyIdentifierOfCertificate(issuerCertificate)
  const scheme = input.issuer.rsaSignatureScheme
  const signatureAlgorithm = signatureAlgorithmFor(input.issuer.privateKey, scheme)

  const tbsCertificate = new TBSCertificate({
    version: Version.v3,
    serialNumber: encodeSerialNumber(serialNumber),
    signature: signatureAlgorithm,
    issuer: issuerName,
    // UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5); fractions of a second dropped.
    validity: new Validity({ notBefore: input.notBefore, notAfter: input.notAfter }),
    subject,
    subjectPublicKeyInfo,
    extensions: new Extensions(
      buildExtensions(input.extensions, subjectKeyIdentifier, authorityKeyIdentifier),
    ),
  })
  const tbs = Buffer.from(AsnConvert.serialize(tbsCertificate))
  const signatureValue = signTbs(tbs, input.issuer.privateKey, scheme)
  const certificate = new Certificate({
    tbsCertificate,
    signatureAlgorithm,
    signatureValue: toArrayBuffer(signatureValue),
  })
  const der = Buffer.from(AsnConvert.serialize(certificate))
  return { der, pem: encodePem(der, 'CERTIFICATE'), serialNumber, subjectKeyIdentifier }
}

/** Input of {@link buildCaCertificate}: a self-signed root unless `issuer` is given. */
export interface BuildCaCertificateInput {
  subject: DistinguishedName
  keyPair: { publicKey: KeyObject; privateKey: KeyObject }
  issuer?: CertificateIssuer
  serialNumber?: bigint
  notBefore: Date
  notAfter: Date
  pathLength?: number
}

/** A CA certificate: basicConstraints cA=TRUE (critical), keyUsage keyCertSign + cRLSign (RFC 5280 §4.2.1.9). */
export function buildCaCertificate(input: BuildCaCertificateInput): BuiltCertificate {
  return buildCertificate({
    subject: input.subject,
    publicKey: input.keyPair.publicKey,
    issuer: input.issuer ?? { privateKey: input.keyPair.privateKey },
    ...(input.serialNumber === undefined ? {} : { serialNumber: input.serialNumber }),
    notBefore: input.notBefore,
    notAfter: input.notAfter,
    extensions: {
      basicConstraints: {
        ca: true,
        ...(input.pathLength === undefined ? {} : { pathLength: input.pathLength }),
      },
      keyUsage: ['keyCertSign', 'cRLSign'],
    },
  })
}

/** Input of {@link buildSmimeCertificate}. */
export interface BuildSmimeCertificateInput {
  subject: DistinguishedName
  /** The mailbox; goes into subjectAltName rfc822Name. */
  email: string
  publicKey: KeyObject
  issuer: CertificateIssuer & { certificate: Uint8Array }
  serialNumber?: bigint
  notBefore: Date
  notAfter: Date
  crlDistributionPoints?: string[]
}

/**
 * An end-entity S/MIME certificate (RFC 8550 §4.4): keyUsage digitalSignature plus
 * keyEncipherment (RSA key transport) or keyAgreement (EC, RFC 5753), EKU emailProtection,
 * subjectAltName rfc822Name = the mailbox.
 */
export function buildSmimeCertificate(input: BuildSmimeCertificateInput): BuiltCertificate {
  const keyUsage: KeyUsageName[] =
    keyFamilyOf(input.publicKey) === 'rsa'
      ? ['digitalSignature', 'keyEncipherment']
      : ['digitalSignature', 'keyAgreement']
  return buildCertificate({
    subject: input.subject,
    publicKey: input.publicKey,
    issuer: input.issuer,
    ...(input.serialNumber === undefined ? {} : { serialNumber: input.serialNumber }),
    notBefore: input.notBefore,
    notAfter: input.notAfter,
    extensions: {
      basicConstraints: { ca: false },
      keyUsage,
      extendedKeyUsage: [id_kp_emailProtection],
      emailAddresses: [input.email],
      ...(input.crlDistributionPoints === undefined
        ? {}
        : { crlDistributionPoints: input.crlDistributionPoints }),
    },
  })
}

/**
 * The key identifier of RFC 5280 §4.2.1.2 method (1): SHA-1 over the subjectPublicKey bits.
 * SHA-1 is used as an identifier here, not for security.
 */
export function keyIdentifierOf(spki: SubjectPublicKeyInfo): Buffer {
  return createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest()
}

function keyIdentifierOfCertificate(certificate: Certificate): Buffer {
  const extension = certificate.tbsCertificate.extensions?.find(
    (candidate) => candidate.extnID === id_ce_subjectKeyIdentifier,
  )
  if (extension === undefined) {
    return keyIdentifierOf(certificate.tbsCertificate.subjectPublicKeyInfo)
  }
  const identifier = AsnConvert.parse(extension.extnValue.buffer, SubjectKeyIdentifier)
  return Buffer.from(identifier.buffer)
}

function buildExtensions(
  input: CertificateExtensionsInput,
  subjectKeyIdentifier: Buffer,
  authorityKeyIdentifier: Buffer,
): Extension[] {
  const extensions: Extension[] = []
  const add = (extnID: string, critical: boolean, value: unknown): void => {
    extensions.push(
      new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) }),
    )
  }
  if (input.basicConstraints !== undefined) {
    const { ca, pathLength } = input.basicConstraints
    if (pathLength !== undefined && (!ca || !Number.isInteger(pathLength) || pathLength < 0)) {
      throw new CertificateError(
        'ERR_CERT_INVALID_INPUT',
        'pathLength needs cA and a non-negative integer',
      )
    }
    // RFC 5280 §4.2.1.9: critical in CA certificates.
    add(
      id_ce_basicConstraints,
      ca,
      new BasicConstraints({
        cA: ca,
        ...(pathLength === undefined ? {} : { pathLenConstraint: pathLength }),
      }),
    )
  }
  if (input.keyUsage !== undefined) {
    if (input.keyUsage.length === 0) {
      throw new CertificateError('ERR_CERT_INVALID_INPUT', 'keyUsage needs at least one bit')
    }
    const flags = input.keyUsage.reduce((bits, name) => bits | KeyUsageFlags[name], 0)
    add(id_ce_keyUsage, true, new KeyUsage(flags))
  }
  if (input.extendedKeyUsage !== undefined && input.extendedKeyUsage.length > 0) {
    add(id_ce_extKeyUsage, false, new ExtendedKeyUsage(input.extendedKeyUsage))
  }
  if (input.emailAddresses !== undefined && input.emailAddresses.length > 0) {
    for (const email of input.emailAddresses) checkMailbox(email)
    add(
      id_ce_subjectAltName,
      false,
      new SubjectAlternativeName(
        input.emailAddresses.map((rfc822Name) => new GeneralName({ rfc822Name })),
      ),
    )
  }
  add(
    id_ce_subjectKeyIdentifier,
    false,
    new SubjectKeyIdentifier(toArrayBuffer(subjectKeyIdentifier)),
  )
  add(
    id_ce_authorityKeyIdentifier,
    false,
    new AuthorityKeyIdentifier({
      keyIdentifier: new KeyIdentifier(toArrayBuffer(authorityKeyIdentifier)),
    }),
  )
  if (input.crlDistributionPoints !== undefined && input.crlDistributionPoints.length > 0) {
    add(
      id_ce_cRLDistributionPoints,
      false,
      new CRLDistributionPoints(
        input.crlDistributionPoints.map(
          (uri) =>
            new DistributionPoint({
              distributionPoint: new DistributionPointName({
                fullName: [new GeneralName({ uniformResourceIdentifier: uri })],
              }),
            }),
        ),
      ),
    )
  }
  for (const extra of input.extraExtensions ?? []) {
    extensions.push(
      new Extension({
        extnID: extra.oid,
        critical: extra.critical,
        extnValue: new OctetString(extra.value),
      }),
    )
  }
  return extensions
}

function checkValidity(notBefore: Date, notAfter: Date): void {
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw new CertificateError('ERR_CERT_INVALID_INPUT', 'notBefore and notAfter must be dates')
  }
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new CertificateError('ERR_CERT_INVALID_INPUT', 'notAfter must be after notBefore')
  }
}

// rfc822Name is an IA5String (RFC 5280 §4.2.1.6); internationalised mailboxes would need RFC 8398.
function checkMailbox(email: string): void {
  if (!/^[\x21-\x7e]+@[A-Za-z0-9.-]+$/.test(email) || email.split('@').length !== 2) {
    throw new CertificateError('ERR_CERT_INVALID_INPUT', 'e-mail address is not an ASCII mailbox')
  }
}

function parsePublicKey(publicKey: KeyObject): SubjectPublicKeyInfo {
  keyFamilyOf(publicKey)
  const der = publicKey.export({ type: 'spki', format: 'der' })
  return AsnConvert.parse(der, SubjectPublicKeyInfo)
}

function parseCertificate(der: Uint8Array): Certificate {
  try {
    return AsnConvert.parse(der, Certificate)
  } catch (cause) {
    throw new CertificateError('ERR_CERT_MALFORMED', 'issuer certificate is not DER X.509', {
      cause,
    })
  }
}
