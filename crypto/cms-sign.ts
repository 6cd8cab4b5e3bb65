import { createHash } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { AlgorithmIdentifier } from '@peculiar/asn1-x509'
import { readCmsCertificate } from './cms-certificate.ts'
import type { CmsCertificate } from './cms-certificate.ts'
import { asBuffer, derSetOf, encodeDer } from './cms-der.ts'
import { oid } from './cms-oids.ts'
import {
  childrenOf,
  contentInfoTree,
  derAttribute,
  derObjectIdentifier,
  derPrimitive,
  derPrimitiveBytes,
  derSequence,
  derSmallInteger,
  derTime,
  encodeDerTree,
  rawOf,
  readTlv,
} from './cms-tlv.ts'
import type { DerNode } from './cms-tlv.ts'
import { signatureAlgorithmFor } from './cms-signature-algorithm.ts'
import type { RsaSignatureScheme } from './cms-signature-algorithm.ts'
import { CmsError } from './errors.ts'
import { keyOperationsOf } from './private-key-operations.ts'
import type { PrivateKey, PrivateKeyOperations } from './private-key-operations.ts'

/**
 * The signing identity: private key (in memory, or operations on a key in a hardware token), its
 * certificate (DER) and the intermediates to include.
 */
export interface CmsSigner {
  key: PrivateKey
  certificate: Uint8Array
  chain?: readonly Uint8Array[]
}

export interface SignCmsInput {
  /** The bytes to sign: for S/MIME, the canonical (CRLF) MIME entity (RFC 8551 §3.1.1). */
  content: Uint8Array
  signer: CmsSigner
  /** The signingTime attribute (RFC 5652 §11.3); the caller's clock, never read here. */
  at: Date
  /** true → no eContent (multipart/signed); false → content inside (pkcs7-mime signed-data). */
  detached: boolean
  /** For RSA keys: PKCS#1 v1.5 (default, widest support) or RSASSA-PSS. Ignored for EC keys. */
  rsaScheme?: RsaSignatureScheme
  /**
   * The signed attributes: `smime` (default) — contentType, signingTime, messageDigest,
   * smimeCapabilities (RFC 8551 §2.5); `cades` — contentType, messageDigest and
   * signingCertificateV2 (RFC 5035), as a CAdES baseline signature inside a PDF needs
   * (ETSI EN 319 142-1 §6.3, PAdES: the signing time is the PDF's `/M`, not an attribute).
   */
  profile?: 'smime' | 'cades'
}

/** Content-encryption algorithms we announce in smimeCapabilities, preferred first (RFC 8551 §2.5.2). */
const announcedCapabilities = [oid.aes256Gcm, oid.aes128Gcm, oid.aes256Cbc, oid.aes128Cbc]

/**
 * Builds a CMS SignedData (RFC 5652 §5) with SHA-256 and one SignerInfo carrying the signed
 * attributes contentType, signingTime, messageDigest and smimeCapabilities (RFC 8551 §2.5),
 * with the signer certificate and chain included. Returns the DER `ContentInfo`.
 */
export function signCms(input: SignCmsInput): Buffer {
  const certificate = readCmsCertificate(input.signer.certificate)
  const key = keyOperationsOf(input.signer.key)
  assertKeyMatches(key, certificate)
  const scheme = input.rsaScheme ?? 'rsa-pkcs1'
  const digest = createHash('sha256').update(input.content).digest()
  const attributes =
    input.profile === 'cades'
      ? [
          derAttribute(oid.contentType, derObjectIdentifier(oid.data)),
          derAttribute(oid.messageDigest, derPrimitiveBytes(0x04, digest)),
          derAttribute(oid.signingCertificateV2, signingCertificateV2Der(certificate)),
        ]
      : [
          derAttribute(oid.contentType, derObjectIdentifier(oid.data)),
          derAttribute(oid.signingTime, derTime(input.at)),
          derAttribute(oid.messageDigest, derPrimitiveBytes(0x04, digest)),
          derAttribute(oid.smimeCapabilities, smimeCapabilitiesDer),
        ]
  // The signature covers the DER SET OF the attributes (RFC 5652 §5.4); DER sorts its elements,
  // and the SignerInfo carries the same bytes under [0] IMPLICIT, so verifiers see identical input.
  const signedAttributesDer = derSetOf(attributes)
  const signature = key.sign(scheme, signedAttributesDer)
  const implicitAttributes = Buffer.from(signedAttributesDer)
  implicitAttributes[0] = 0xa0
  // SignerInfo (RFC 5652 §5.3), version 1 with issuerAndSerialNumber.
  const signerInfo = derSequence([
    derSmallInteger(1),
    certificate.issuerAndSerialDer,
    sha256AlgorithmDer,
    implicitAttributes,
    signatureAlgorithmDerFor(key.publicKey, scheme),
    derPrimitiveBytes(0x04, signature),
  ])
  const chain = (input.signer.chain ?? []).map((der) => readCmsCertificate(der).der)
  // SignedData (RFC 5652 §5.1) written around the raw certificate and content bytes: the
  // certificates are not re-serialised and the content is copied once.
  const signedData: DerNode = {
    tag: 0x30,
    children: [
      derSmallInteger(1),
      derSetOf([sha256AlgorithmDer]),
      {
        tag: 0x30,
        children: [
          derObjectIdentifier(oid.data),
          ...(input.detached
            ? []
            : [{ tag: 0xa0, children: [derPrimitive(0x04, asBuffer(input.content))] }]),
        ],
      },
      // certificates [0] IMPLICIT CertificateSet: a SET OF, so sorted (X.690 §11.6).
      { tag: 0xa0, children: [certificate.der, ...chain].sort((a, b) => Buffer.compare(a, b)) },
      derSetOf([signerInfo]),
    ],
  }
  return encodeDerTree(contentInfoTree(oid.signedData, signedData))
}

const sha256AlgorithmDer = encodeDer(new AlgorithmIdentifier({ algorithm: oid.sha256 }))

/**
 * `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }` with one
 * `ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING, issuerSerial IssuerSerial }` (RFC 5035 §4;
 * hashAlgorithm is the DEFAULT SHA-256, so DER omits it). `IssuerSerial` names the issuer as a
 * GeneralName directoryName [4] (RFC 5280 §4.2.1.6).
 */
function signingCertificateV2Der(certificate: CmsCertificate): Buffer {
  const certHash = createHash('sha256').update(certificate.der).digest()
  const issuerAndSerial = certificate.issuerAndSerialDer
  const [issuer, serial] = childrenOf(issuerAndSerial, readTlv(issuerAndSerial, 0))
  if (!issuer || !serial) throw new CmsError('ERR_CMS_INVALID_INPUT', 'certificate without issuer')
  const generalNames = derSequence([
    encodeDerTree({ tag: 0xa4, children: [rawOf(issuerAndSerial, issuer)] }),
  ])
  const issuerSerial = derSequence([generalNames, rawOf(issuerAndSerial, serial)])
  return derSequence([
    derSequence([derSequence([derPrimitiveBytes(0x04, certHash), issuerSerial])]),
  ])
}

/** `SMIMECapabilities ::= SEQUENCE OF SMIMECapability` (RFC 8551 §2.5.2), parameters absent. */
const smimeCapabilitiesDer = derSequence(
  announcedCapabilities.map((capability) =>
    encodeDer(new AlgorithmIdentifier({ algorithm: capability })),
  ),
)

const signatureAlgorithms = new Map<string, Buffer>()

function signatureAlgorithmDerFor(key: KeyObject, scheme: RsaSignatureScheme): Buffer {
  const cacheKey = `${String(key.asymmetricKeyType)}:${scheme}`
  let der = signatureAlgorithms.get(cacheKey)
  if (!der) {
    der = encodeDer(signatureAlgorithmFor(key, scheme))
    signatureAlgorithms.set(cacheKey, der)
  }
  return der
}

/**
 * Key/certificate pairs already checked: the SPKI export costs more than the rest of the
 * SignerInfo, and the agency key and (memoised, frozen) certificate recur on every message.
 */
const matchingPairs = new WeakMap<PrivateKeyOperations, WeakSet<object>>()

function assertKeyMatches(key: PrivateKeyOperations, certificate: CmsCertificate): void {
  if (matchingPairs.get(key)?.has(certificate)) return
  const fromKey = key.publicKey.export({ type: 'spki', format: 'der' })
  const fromCertificate = certificate.publicKey.export({ type: 'spki', format: 'der' })
  if (!fromKey.equals(fromCertificate)) {
    throw new CmsError('ERR_CMS_INVALID_INPUT', 'the signer key does not belong to the certificate')
  }
  const checked = matchingPairs.get(key) ?? new WeakSet<object>()
  checked.add(certificate)
  matchingPairs.set(key, checked)
}
