import { createHash } from 'node:crypto'
import { AlgorithmIdentifier, Time } from '@peculiar/asn1-x509'
import { readCmsCertificate } from './cms-certificate.ts'
import type { CmsCertificate } from './cms-certificate.ts'
import { asBuffer, parseDer, parseDerStrict } from './cms-der.ts'
import { digestNames, oid } from './cms-oids.ts'
import { verifySignature } from './cms-signature-algorithm.ts'
import {
  childrenOf,
  expectTag,
  objectIdentifierOf,
  octetStringOf,
  openContentInfo,
  rawOf,
  readTlv,
  smallIntegerOf,
} from './cms-tlv.ts'
import type { Tlv } from './cms-tlv.ts'
import { validateCertificate } from './certificate-validation.ts'
import { CmsError } from './errors.ts'
import type { CmsErrorCode } from './errors.ts'

export interface VerifyCmsInput {
  /** DER/BER `ContentInfo` holding SignedData. */
  data: Uint8Array
  /** The signed bytes of a detached signature (multipart/signed), else absent. */
  detachedContent?: Uint8Array
  /** Trusted CA certificates (DER) the signer must chain to. */
  trustAnchors: Uint8Array[]
  /** CRLs (DER) of the CAs in the chain. */
  crls?: Uint8Array[]
  /** See ValidateCertificateInput.crlPolicy; default 'require'. */
  crlPolicy?: 'require' | 'if-present'
  /** The mailbox the signer certificate must name (the sending agency's), if known. */
  expectedEmail?: string
  /** The instant at which the signer's certificate must be valid. */
  at: Date
  maxBytes?: number
}

export interface VerifiedSigner {
  certificate: Buffer
  email: string | undefined
  subject: string
}

export type VerifyCmsResult =
  | {
      ok: true
      /** The signed content (encapsulated, or the detached bytes passed in). */
      content: Buffer
      contentType: string
      signer: VerifiedSigner
      /** The validated chain, signer first, trust anchor last. */
      chain: Buffer[]
      /** The signer's claimed signingTime, if present (RFC 5652 §11.3) — a claim, not a proof. */
      signingTime: Date | undefined
    }
  | {
      ok: false
      code: CmsErrorCode
      reason: string
      /** The validator's code when the signer is untrusted (e.g. ERR_CERT_REVOKED). */
      validationCode?: string
    }

/**
 * Verifies a CMS SignedData (RFC 5652 §5.6): every SignerInfo's signature, its messageDigest and
 * contentType attributes, and the first signer's certificate chain at `at` with
 * {@link validateCertificate} (usage 'sign': keyUsage, emailProtection, CRLs). Never throws a
 * CmsError: malformed input is `{ ok: false, code: 'ERR_CMS_MALFORMED' }` and so on.
 */
export function verifyCms(input: VerifyCmsInput): VerifyCmsResult {
  try {
    return verifyOrThrow(input)
  } catch (error) {
    if (error instanceof CmsError) return { ok: false, code: error.code, reason: error.message }
    throw error
  }
}

function verifyOrThrow(input: VerifyCmsInput): VerifyCmsResult {
  const { bytes, contentType, inner } = openContentInfo(input.data, input.maxBytes)
  if (contentType !== oid.signedData) {
    throw new CmsError('ERR_CMS_NOT_SIGNED', 'not a SignedData message', {
      details: { contentType },
    })
  }
  const signed = readSignedData(bytes, inner)
  if (signed.content && input.detachedContent) {
    throw new CmsError('ERR_CMS_MALFORMED', 'both encapsulated and detached content present')
  }
  const content =
    signed.content ?? (input.detachedContent ? asBuffer(input.detachedContent) : undefined)
  if (!content) throw new CmsError('ERR_CMS_MALFORMED', 'the signed content is missing')
  if (signed.signerInfos.length === 0) {
    throw new CmsError('ERR_CMS_NOT_SIGNED', 'SignedData has no signer')
  }
  let first: { certificate: CmsCertificate; signingTime: Date | undefined } | undefined
  for (const signerInfo of signed.signerInfos) {
    const checked = checkSignerInfo(signerInfo, signed.eContentType, content, signed.certificates)
    first ??= checked
  }
  if (!first) throw new CmsError('ERR_CMS_NOT_SIGNED', 'SignedData has no signer')
  const signer = first.certificate
  const validation = validateCertificate({
    certificate: signer.der,
    intermediates: signed.certificates.filter((item) => item !== signer).map((item) => item.der),
    trustAnchors: input.trustAnchors,
    ...(input.crls ? { crls: input.crls } : {}),
    ...(input.crlPolicy ? { crlPolicy: input.crlPolicy } : {}),
    ...(input.expectedEmail ? { expectedEmail: input.expectedEmail } : {}),
    at: input.at,
    usage: 'sign',
  })
  if (!validation.ok) {
    return {
      ok: false,
      code: 'ERR_CMS_SIGNER_UNTRUSTED',
      reason: validation.reason,
      validationCode: validation.code,
    }
  }
  return {
    ok: true,
    content,
    contentType: signed.eContentType,
    signer: { certificate: signer.der, email: signer.email, subject: signer.subject },
    chain: validation.chain.map((item) => item.der),
    signingTime: first.signingTime,
  }
}

interface ReadSignedData {
  eContentType: string
  content: Buffer | undefined
  certificates: CmsCertificate[]
  signerInfos: SignerInfoView[]
}

/**
 * `SignedData` (RFC 5652 §5.1) framed by hand: certificates are taken as the bytes received (no
 * re-serialisation), the content as a view, SignerInfos field by field.
 */
function readSignedData(bytes: Buffer, tlv: Tlv): ReadSignedData {
  const fields = childrenOf(bytes, tlv)
  let index = 0
  const take = (): Tlv | undefined => fields[index++]
  const version = smallIntegerOf(bytes, expectTag(take(), 0x02, 'version'), 'version')
  if (version > 5) throw new CmsError('ERR_CMS_UNSUPPORTED', 'SignedData version not supported')
  expectTag(take(), 0x31, 'digestAlgorithms')
  const encapsulated = expectTag(take(), 0x30, 'EncapsulatedContentInfo')
  const [typeTlv, contentTlv, ...rest] = childrenOf(bytes, encapsulated)
  if (rest.length > 0)
    throw new CmsError('ERR_CMS_MALFORMED', 'EncapsulatedContentInfo has extra fields')
  const eContentType = objectIdentifierOf(
    bytes,
    expectTag(typeTlv, 0x06, 'eContentType'),
    'eContentType',
  )
  let content: Buffer | undefined
  if (contentTlv) {
    const [octets, ...more] = childrenOf(bytes, expectTag(contentTlv, 0xa0, 'eContent [0]'))
    if (!octets || more.length > 0 || (octets.tag !== 0x04 && octets.tag !== 0x24)) {
      throw new CmsError('ERR_CMS_MALFORMED', 'eContent must be one OCTET STRING')
    }
    content = octetStringOf(bytes, octets)
  }
  const certificates: CmsCertificate[] = []
  if (fields[index]?.tag === 0xa0) {
    for (const choice of childrenOf(bytes, take() as Tlv)) {
      // Only X.509 certificates matter; attribute and other certificate formats are skipped.
      if (choice.tag === 0x30)
        certificates.push(readCmsCertificate(rawOf(bytes, choice), 'ERR_CMS_MALFORMED'))
    }
  }
  if (fields[index]?.tag === 0xa1) take() // crls: revocation comes from the configured CRLs
  const signerInfosTlv = expectTag(take(), 0x31, 'SignerInfos')
  if (index !== fields.length)
    throw new CmsError('ERR_CMS_MALFORMED', 'SignedData has extra fields')
  const signerInfos = childrenOf(bytes, signerInfosTlv).map((signerTlv) =>
    readSignerInfo(bytes, expectTag(signerTlv, 0x30, 'SignerInfo')),
  )
  return { eContentType, content, certificates, signerInfos }
}

function checkSignerInfo(
  signerInfo: SignerInfoView,
  eContentType: string,
  content: Buffer,
  certificates: CmsCertificate[],
): { certificate: CmsCertificate; signingTime: Date | undefined } {
  const certificate = certificates.find((item) =>
    signerInfo.issuerAndSerialDer
      ? item.issuerAndSerialDer.equals(signerInfo.issuerAndSerialDer)
      : signerInfo.subjectKeyIdentifier !== undefined &&
        item.subjectKeyIdentifier?.equals(signerInfo.subjectKeyIdentifier) === true,
  )
  if (!certificate) {
    throw new CmsError('ERR_CMS_SIGNER_UNTRUSTED', 'the signer certificate is not in the message')
  }
  const hash = digestNames[signerInfo.digestAlgorithm.algorithm]
  if (!hash) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'digest algorithm not supported', {
      details: { algorithm: signerInfo.digestAlgorithm.algorithm },
    })
  }
  const signature = signerInfo.signature
  let signedBytes = content
  let signingTime: Date | undefined
  const attributes = signerInfo.signedAttrs
  if (attributes && attributes.length > 0) {
    const single = (type: string): Buffer | undefined => {
      const found = attributes.filter((attribute) => attribute.type === type)
      if (found.length === 0) return undefined
      const values = found[0]?.values ?? []
      if (found.length > 1 || values.length !== 1) {
        throw new CmsError('ERR_CMS_MALFORMED', 'a signed attribute must occur once with one value')
      }
      return values[0]
    }
    const digestValue = single(oid.messageDigest)
    const contentTypeValue = single(oid.contentType)
    if (!digestValue || !contentTypeValue) {
      throw new CmsError('ERR_CMS_MALFORMED', 'messageDigest or contentType attribute missing')
    }
    const claimedType = objectIdentifierOf(
      contentTypeValue,
      readTlv(contentTypeValue, 0),
      'contentType',
    )
    if (claimedType !== eContentType) {
      throw new CmsError(
        'ERR_CMS_BAD_SIGNATURE',
        'contentType attribute does not match the content',
      )
    }
    const digestTlv = expectTag(readTlv(digestValue, 0), 0x04, 'messageDigest')
    const claimedDigest = digestValue.subarray(digestTlv.contentStart, digestTlv.contentEnd)
    const actualDigest = createHash(hash).update(content).digest()
    if (!claimedDigest.equals(actualDigest)) {
      throw new CmsError('ERR_CMS_BAD_SIGNATURE', 'the content does not match the messageDigest')
    }
    const timeValue = single(oid.signingTime)
    if (timeValue) signingTime = parseDer(timeValue, Time, 'signingTime').getTime()
    // The signature covers the attributes as received, with the [0] IMPLICIT tag read as SET (§5.4).
    if (!signerInfo.rawAttributes) {
      throw new CmsError('ERR_CMS_MALFORMED', 'signed attributes encoding unavailable')
    }
    signedBytes = Buffer.from(signerInfo.rawAttributes)
    signedBytes[0] = 0x31
  } else if (eContentType !== oid.data) {
    throw new CmsError('ERR_CMS_MALFORMED', 'signed attributes are required for this content type')
  }
  const valid = verifySignature({
    signatureAlgorithm: signerInfo.signatureAlgorithm,
    digestAlgorithm: signerInfo.digestAlgorithm,
    publicKey: certificate.publicKey,
    data: signedBytes,
    signature,
  })
  if (!valid) throw new CmsError('ERR_CMS_BAD_SIGNATURE', 'the signature does not verify')
  return { certificate, signingTime }
}

/** The parts of a SignerInfo (RFC 5652 §5.3) that verification uses, read from the raw bytes. */
interface SignerInfoView {
  issuerAndSerialDer: Buffer | undefined
  subjectKeyIdentifier: Buffer | undefined
  digestAlgorithm: AlgorithmIdentifier
  signedAttrs: { type: string; values: Buffer[] }[] | undefined
  /** The received [0] IMPLICIT signed attributes, tag included. */
  rawAttributes: Buffer | undefined
  signatureAlgorithm: AlgorithmIdentifier
  signature: Buffer
}

function readSignerInfo(bytes: Buffer, tlv: Tlv): SignerInfoView {
  const fields = childrenOf(bytes, tlv)
  let index = 0
  const take = (): Tlv | undefined => fields[index++]
  const version = smallIntegerOf(bytes, expectTag(take(), 0x02, 'SignerInfo version'), 'version')
  const sid = take()
  let issuerAndSerialDer: Buffer | undefined
  let subjectKeyIdentifier: Buffer | undefined
  if (sid?.tag === 0x30 && version === 1) issuerAndSerialDer = rawOf(bytes, sid)
  else if (sid?.tag === 0x80 && version === 3) {
    subjectKeyIdentifier = bytes.subarray(sid.contentStart, sid.contentEnd)
  } else throw new CmsError('ERR_CMS_MALFORMED', 'SignerInfo version and identifier disagree')
  const digestAlgorithm = algorithmAt(bytes, take(), 'digestAlgorithm')
  let signedAttrs: SignerInfoView['signedAttrs']
  let rawAttributes: Buffer | undefined
  if (fields[index]?.tag === 0xa0) {
    const attributesTlv = take() as Tlv
    rawAttributes = rawOf(bytes, attributesTlv)
    signedAttrs = childrenOf(bytes, attributesTlv).map((attribute) => {
      const [typeTlv, valuesTlv, ...rest] = childrenOf(
        bytes,
        expectTag(attribute, 0x30, 'Attribute'),
      )
      if (rest.length > 0) throw new CmsError('ERR_CMS_MALFORMED', 'Attribute has extra fields')
      return {
        type: objectIdentifierOf(bytes, expectTag(typeTlv, 0x06, 'attrType'), 'attrType'),
        values: childrenOf(bytes, expectTag(valuesTlv, 0x31, 'attrValues')).map((value) =>
          rawOf(bytes, value),
        ),
      }
    })
  }
  const signatureAlgorithm = algorithmAt(bytes, take(), 'signatureAlgorithm')
  const signatureTlv = expectTag(take(), 0x04, 'signature')
  if (fields[index]?.tag === 0xa1) take() // unsignedAttrs (e.g. countersignatures) are not used
  if (index !== fields.length)
    throw new CmsError('ERR_CMS_MALFORMED', 'SignerInfo has extra fields')
  return {
    issuerAndSerialDer,
    subjectKeyIdentifier,
    digestAlgorithm,
    signedAttrs,
    rawAttributes,
    signatureAlgorithm,
    signature: bytes.subarray(signatureTlv.contentStart, signatureTlv.contentEnd),
  }
}

function algorithmAt(bytes: Buffer, tlv: Tlv | undefined, what: string): AlgorithmIdentifier {
  return parseDerStrict(rawOf(bytes, expectTag(tlv, 0x30, what)), AlgorithmIdentifier, what, true)
}
