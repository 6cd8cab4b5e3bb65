import { createHash } from 'node:crypto'
import { SignedData } from '@peculiar/asn1-cms'
import type { SignerInfo } from '@peculiar/asn1-cms'
import { OctetString } from '@peculiar/asn1-schema'
import { Time } from '@peculiar/asn1-x509'
import { fromBER, OctetString as BerOctetString, ObjectIdentifier, Sequence, Set } from 'asn1js'
import type { BaseBlock } from 'asn1js'
import { identifies, readCmsCertificate } from './cms-certificate.ts'
import type { CmsCertificate } from './cms-certificate.ts'
import { readContentInfo } from './cms-content-info.ts'
import { asBuffer, encodeDer, parseDer } from './cms-der.ts'
import { digestNames, oid } from './cms-oids.ts'
import { verifySignature } from './cms-signature-algorithm.ts'
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
  const info = readContentInfo(input.data, input.maxBytes)
  if (info.contentType !== oid.signedData) {
    throw new CmsError('ERR_CMS_NOT_SIGNED', 'not a SignedData message', {
      details: { contentType: info.contentType },
    })
  }
  const signedData = parseDer(info.content, SignedData, 'SignedData')
  const encapsulated = encapsulatedContentOf(signedData)
  if (encapsulated && input.detachedContent) {
    throw new CmsError('ERR_CMS_MALFORMED', 'both encapsulated and detached content present')
  }
  const content =
    encapsulated ?? (input.detachedContent ? asBuffer(input.detachedContent) : undefined)
  if (!content) throw new CmsError('ERR_CMS_MALFORMED', 'the signed content is missing')
  const certificates = (signedData.certificates ?? [])
    .filter((choice) => choice.certificate !== undefined)
    .map((choice) => readCmsCertificate(encodeDer(choice.certificate), 'ERR_CMS_MALFORMED'))
  if (signedData.signerInfos.length === 0) {
    throw new CmsError('ERR_CMS_NOT_SIGNED', 'SignedData has no signer')
  }
  let first: { certificate: CmsCertificate; signingTime: Date | undefined } | undefined
  const rawAttributes = rawSignedAttributes(info.content)
  for (const [index, signerInfo] of signedData.signerInfos.entries()) {
    const checked = checkSignerInfo(
      signerInfo,
      rawAttributes[index],
      signedData.encapContentInfo.eContentType,
      content,
      certificates,
    )
    first ??= checked
  }
  if (!first) throw new CmsError('ERR_CMS_NOT_SIGNED', 'SignedData has no signer')
  const signer = first.certificate
  const validation = validateCertificate({
    certificate: signer.der,
    intermediates: certificates.filter((item) => item !== signer).map((item) => item.der),
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
    contentType: signedData.encapContentInfo.eContentType,
    signer: { certificate: signer.der, email: signer.email, subject: signer.subject },
    chain: validation.chain.map((item) => item.der),
    signingTime: first.signingTime,
  }
}

function checkSignerInfo(
  signerInfo: SignerInfo,
  rawAttributes: Uint8Array | undefined,
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
    const claimedType = objectIdentifierOf(contentTypeValue)
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

/** The eContent bytes, whether a primitive OCTET STRING or a BER constructed one (gpgsm, streaming OpenSSL). */
function encapsulatedContentOf(signedData: SignedData): Buffer | undefined {
  const eContent = signedData.encapContentInfo.eContent
  if (!eContent) return undefined
  if (eContent.single) return asBuffer(eContent.single.buffer)
  if (eContent.any) {
    const parsed = fromBER(eContent.any)
    if (parsed.offset === -1) throw new CmsError('ERR_CMS_MALFORMED', 'eContent is not well-formed')
    return Buffer.concat(octetStringParts(parsed.result))
  }
  return undefined
}

function octetStringParts(block: BaseBlock): Buffer[] {
  if (!(block instanceof BerOctetString)) {
    throw new CmsError('ERR_CMS_MALFORMED', 'eContent must be an OCTET STRING')
  }
  if (!block.valueBlock.isConstructed) return [Buffer.from(block.valueBlock.valueHexView)]
  return block.valueBlock.value.flatMap((part) => octetStringParts(part))
}

function objectIdentifierOf(value: ArrayBuffer): string {
  const parsed = fromBER(value)
  if (parsed.offset === -1 || !(parsed.result instanceof ObjectIdentifier)) {
    throw new CmsError('ERR_CMS_MALFORMED', 'contentType attribute is not an OID')
  }
  return parsed.result.getValue()
}

/**
 * The received encoding of each SignerInfo's `signedAttrs` ([0] IMPLICIT SET OF), in order. The
 * schema parser does not keep it for SET OF fields, so this walks the SignedData with asn1js.
 */
function rawSignedAttributes(signedDataDer: ArrayBuffer): (Uint8Array | undefined)[] {
  const parsed = fromBER(signedDataDer)
  const items = parsed.result instanceof Sequence ? parsed.result.valueBlock.value : []
  const signerInfos = items[items.length - 1]
  if (!(signerInfos instanceof Set)) return []
  return signerInfos.valueBlock.value.map((signerInfo) => {
    if (!(signerInfo instanceof Sequence)) return undefined
    const attributes = signerInfo.valueBlock.value.find(
      (item) => item.idBlock.tagClass === 3 && item.idBlock.tagNumber === 0,
    )
    return attributes?.valueBeforeDecodeView
  })
}
