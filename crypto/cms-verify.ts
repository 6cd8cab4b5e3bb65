import { createHash } from 'node:crypto'
import { SignerInfo } from '@peculiar/asn1-cms'
import { OctetString } from '@peculiar/asn1-schema'
import { Time } from '@peculiar/asn1-x509'
import { fromBER, ObjectIdentifier } from 'asn1js'
import { identifies, readCmsCertificate } from './cms-certificate.ts'
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
  const { bytes, contentType, inner, indefinite } = openContentInfo(input.data, input.maxBytes)
  if (contentType !== oid.signedData) {
    throw new CmsError('ERR_CMS_NOT_SIGNED', 'not a SignedData message', {
      details: { contentType },
    })
  }
  const signed = readSignedData(bytes, inner, !indefinite)
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
  for (const { signerInfo, rawAttributes } of signed.signerInfos) {
    const checked = checkSignerInfo(
      signerInfo,
      rawAttributes,
      signed.eContentType,
      content,
      signed.certificates,
    )
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
  signerInfos: { signerInfo: SignerInfo; rawAttributes: Buffer | undefined }[]
}

/**
 * `SignedData` (RFC 5652 §5.1) framed by hand: certificates are taken as the bytes received (no
 * re-serialisation), the content as a view; SignerInfos go through the schema library and, for
 * DER input, must re-encode identically.
 */
function readSignedData(bytes: Buffer, tlv: Tlv, requireDer: boolean): ReadSignedData {
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
  const signerInfos = childrenOf(bytes, signerInfosTlv).map((signerTlv) => {
    const signerInfo = parseDerStrict(
      rawOf(bytes, expectTag(signerTlv, 0x30, 'SignerInfo')),
      SignerInfo,
      'SignerInfo',
      requireDer,
    )
    const attributes = childrenOf(bytes, signerTlv).find((child) => child.tag === 0xa0)
    return { signerInfo, rawAttributes: attributes ? rawOf(bytes, attributes) : undefined }
  })
  return { eContentType, content, certificates, signerInfos }
}

function checkSignerInfo(
  signerInfo: SignerInfo,
  rawAttributes: Buffer | undefined,
  eContentType: string,
  content: Buffer,
  certificates: CmsCertificate[],
): { certificate: CmsCertificate; signingTime: Date | undefined } {
  const certificate = certificates.find((item) => identifies(item, signerInfo.sid))
  if (!certificate) {
    throw new CmsError('ERR_CMS_SIGNER_UNTRUSTED', 'the signer certificate is not in the message')
  }
  const hash = digestNames[signerInfo.digestAlgorithm.algorithm]
  if (!hash) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'digest algorithm not supported', {
      details: { algorithm: signerInfo.digestAlgorithm.algorithm },
    })
  }
  const signature = asBuffer(signerInfo.signature.buffer)
  let signedBytes = content
  let signingTime: Date | undefined
  const attributes = signerInfo.signedAttrs
  if (attributes && attributes.length > 0) {
    const single = (type: string): ArrayBuffer | undefined => {
      const found = attributes.filter((attribute) => attribute.attrType === type)
      if (found.length === 0) return undefined
      const values = found[0]?.attrValues ?? []
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
    const claimedType = attributeObjectIdentifierOf(contentTypeValue)
    if (claimedType !== eContentType) {
      throw new CmsError(
        'ERR_CMS_BAD_SIGNATURE',
        'contentType attribute does not match the content',
      )
    }
    const claimedDigest = asBuffer(parseDer(digestValue, OctetString, 'messageDigest').buffer)
    const actualDigest = createHash(hash).update(content).digest()
    if (!claimedDigest.equals(actualDigest)) {
      throw new CmsError('ERR_CMS_BAD_SIGNATURE', 'the content does not match the messageDigest')
    }
    const timeValue = single(oid.signingTime)
    if (timeValue) signingTime = parseDer(timeValue, Time, 'signingTime').getTime()
    // The signature covers the attributes as received, with the [0] IMPLICIT tag read as SET (§5.4).
    if (!rawAttributes) {
      throw new CmsError('ERR_CMS_MALFORMED', 'signed attributes encoding unavailable')
    }
    signedBytes = Buffer.from(rawAttributes)
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

function attributeObjectIdentifierOf(value: ArrayBuffer): string {
  const parsed = fromBER(value)
  if (parsed.offset === -1 || !(parsed.result instanceof ObjectIdentifier)) {
    throw new CmsError('ERR_CMS_MALFORMED', 'contentType attribute is not an OID')
  }
  return parsed.result.getValue()
}
