import { KeyAgreeRecipientInfo } from '@peculiar/asn1-cms'
import { AlgorithmIdentifier } from '@peculiar/asn1-x509'
import { identifies, readCmsCertificate } from './cms-certificate.ts'
import type { CmsCertificate } from './cms-certificate.ts'
import { contentKeyLength, decryptContent, isAuthenticatedMode } from './cms-content-cipher.ts'
import { asBuffer, parseDerStrict } from './cms-der.ts'
import { decryptKeyEcdh } from './cms-key-agreement.ts'
import { decryptKeyRsa } from './cms-key-transport.ts'
import { oid } from './cms-oids.ts'
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
import { CmsError } from './errors.ts'
import { keyOperationsOf } from './private-key-operations.ts'
import type { PrivateKey, PrivateKeyOperations } from './private-key-operations.ts'

export interface DecryptCmsInput {
  /** DER/BER `ContentInfo` holding EnvelopedData or AuthEnvelopedData. */
  data: Uint8Array
  /**
   * Our private key (in memory, or operations on a key in a hardware token) and the certificate
   * it belongs to (to find our RecipientInfo).
   */
  recipient: { key: PrivateKey; certificate: Uint8Array }
  maxBytes?: number
}

export interface DecryptedCms {
  content: Buffer
  /** The inner content type (id-data for S/MIME). */
  contentType: string
  /** True for AuthEnvelopedData (AES-GCM): integrity was checked by the tag. */
  authenticated: boolean
}

/**
 * Decrypts an EnvelopedData (RFC 5652 §6) or AuthEnvelopedData (RFC 5083) addressed to our
 * certificate. Typed failures: ERR_CMS_MALFORMED, ERR_CMS_UNSUPPORTED, ERR_CMS_NOT_FOR_US,
 * ERR_CMS_TOO_LARGE, and ERR_CMS_DECRYPT for every cryptographic failure (no oracle).
 *
 * The outer frames are read without copying the (possibly 25 MB) ciphertext; the small parts
 * go through the schema library, and for DER input must re-encode identically (see
 * parseDerStrict), so a tampered field outside the GCM tag is rejected, not ignored.
 */
export function decryptCms(input: DecryptCmsInput): DecryptedCms {
  const ours = readCmsCertificate(input.recipient.certificate)
  const { bytes, contentType, inner, indefinite } = openContentInfo(input.data, input.maxBytes)
  const requireDer = !indefinite
  if (contentType !== oid.envelopedData && contentType !== oid.authEnvelopedData) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'not an enveloped CMS message', {
      details: { contentType },
    })
  }
  const fields = childrenOf(bytes, inner)
  let index = 0
  const next = (): Tlv | undefined => fields[index]
  const take = (): Tlv | undefined => fields[index++]
  const version = smallIntegerOf(bytes, expectTag(take(), 0x02, 'version'), 'version')
  if (next()?.tag === 0xa0) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'originatorInfo is not supported')
  }
  const recipientInfosTlv = expectTag(take(), 0x31, 'RecipientInfos')
  const eciTlv = expectTag(take(), 0x30, 'EncryptedContentInfo')
  const eci = readEncryptedContentInfo(bytes, eciTlv, requireDer)

  if (contentType === oid.envelopedData) {
    if (version !== 0 && version !== 2) {
      throw new CmsError('ERR_CMS_UNSUPPORTED', 'EnvelopedData version not supported', {
        details: { version },
      })
    }
    if (next()?.tag === 0xa1) take() // unprotectedAttrs: informational, not used
    if (index !== fields.length) throw malformed('EnvelopedData has extra fields')
    if (isAuthenticatedMode(eci.algorithm)) {
      throw new CmsError('ERR_CMS_UNSUPPORTED', 'AES-GCM must be carried in AuthEnvelopedData')
    }
    const cek = recoverKey(
      bytes,
      recipientInfosTlv,
      requireDer,
      ours,
      keyOperationsOf(input.recipient.key),
      eci.algorithm,
    )
    const content = decryptContent({ algorithm: eci.algorithm, cek, ciphertext: eci.ciphertext })
    return { content, contentType: oid.data, authenticated: false }
  }
  if (contentType === oid.authEnvelopedData) {
    // Fields outside the GCM tag are pinned, so a tampered envelope cannot "succeed" with
    // altered metadata: version is 0 (RFC 5083 §2.1) and S/MIME carries id-data only.
    if (version !== 0)
      throw new CmsError('ERR_CMS_UNSUPPORTED', 'AuthEnvelopedData version must be 0')
    // Authenticated attributes would enter the GCM AAD in their DER form; no peer we talk to
    // sends them, and accepting them unchecked would be wrong, so they are refused.
    if (next()?.tag === 0xa1) {
      throw new CmsError('ERR_CMS_UNSUPPORTED', 'authenticated attributes are not supported')
    }
    const macTlv = take()
    if (!macTlv || (macTlv.tag !== 0x04 && macTlv.tag !== 0x24)) throw malformed('mac expected')
    if (next()?.tag === 0xa2) take()
    if (index !== fields.length) throw malformed('AuthEnvelopedData has extra fields')
    if (!isAuthenticatedMode(eci.algorithm)) {
      throw new CmsError('ERR_CMS_UNSUPPORTED', 'AuthEnvelopedData needs an AEAD cipher')
    }
    const cek = recoverKey(
      bytes,
      recipientInfosTlv,
      requireDer,
      ours,
      keyOperationsOf(input.recipient.key),
      eci.algorithm,
    )
    const content = decryptContent({
      algorithm: eci.algorithm,
      cek,
      ciphertext: eci.ciphertext,
      tag: octetStringOf(bytes, macTlv),
    })
    return { content, contentType: oid.data, authenticated: true }
  }
  throw new CmsError('ERR_CMS_UNSUPPORTED', 'not an enveloped CMS message', {
    details: { contentType },
  })
}

function malformed(why: string): CmsError {
  return new CmsError('ERR_CMS_MALFORMED', `malformed CMS: ${why}`)
}

/** `EncryptedContentInfo` (RFC 5652 §6.1): id-data only (S/MIME, RFC 8551 §3.3), content present. */
function readEncryptedContentInfo(
  bytes: Buffer,
  tlv: Tlv,
  requireDer: boolean,
): { algorithm: AlgorithmIdentifier; ciphertext: Buffer } {
  const [typeTlv, algorithmTlv, contentTlv, ...rest] = childrenOf(bytes, tlv)
  if (rest.length > 0) throw malformed('EncryptedContentInfo has extra fields')
  const contentType = objectIdentifierOf(
    bytes,
    expectTag(typeTlv, 0x06, 'contentType'),
    'contentType',
  )
  if (contentType !== oid.data) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'encrypted content type must be id-data', {
      details: { contentType },
    })
  }
  const algorithm = parseDerStrict(
    rawOf(bytes, expectTag(algorithmTlv, 0x30, 'contentEncryptionAlgorithm')),
    AlgorithmIdentifier,
    'contentEncryptionAlgorithm',
    requireDer,
  )
  if (!contentTlv) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'detached encrypted content is not supported')
  }
  if (contentTlv.tag !== 0x80 && contentTlv.tag !== 0xa0)
    throw malformed('encryptedContent expected')
  return { algorithm, ciphertext: octetStringOf(bytes, contentTlv) }
}

function recoverKey(
  bytes: Buffer,
  recipientInfosTlv: Tlv,
  requireDer: boolean,
  ours: CmsCertificate,
  key: PrivateKeyOperations,
  contentAlgorithm: AlgorithmIdentifier,
): Buffer {
  const expectedKeyLength = contentKeyLength(contentAlgorithm)
  for (const recipientTlv of childrenOf(bytes, recipientInfosTlv)) {
    if (recipientTlv.tag === 0x30) {
      // KeyTransRecipientInfo (RFC 5652 §6.2.1), read field by field.
      const [versionTlv, ridTlv, algorithmTlv, keyTlv, ...rest] = childrenOf(bytes, recipientTlv)
      if (rest.length > 0) throw malformed('KeyTransRecipientInfo has extra fields')
      const version = smallIntegerOf(bytes, expectTag(versionTlv, 0x02, 'version'), 'version')
      let matches = false
      if (ridTlv?.tag === 0x30 && version === 0) {
        matches = rawOf(bytes, ridTlv).equals(ours.issuerAndSerialDer)
      } else if (ridTlv?.tag === 0x80 && version === 2) {
        const ski = bytes.subarray(ridTlv.contentStart, ridTlv.contentEnd)
        matches = ours.subjectKeyIdentifier?.equals(ski) === true
      } else {
        throw malformed('KeyTransRecipientInfo version and identifier disagree')
      }
      const algorithm = parseDerStrict(
        rawOf(bytes, expectTag(algorithmTlv, 0x30, 'keyEncryptionAlgorithm')),
        AlgorithmIdentifier,
        'keyEncryptionAlgorithm',
        true,
      )
      const encryptedKeyTlv = expectTag(keyTlv, 0x04, 'encryptedKey')
      if (!matches) continue
      return decryptKeyRsa({
        algorithm,
        encryptedKey: bytes.subarray(encryptedKeyTlv.contentStart, encryptedKeyTlv.contentEnd),
        privateKey: key,
        expectedKeyLength,
      })
    }
    if (recipientTlv.tag !== 0xa1) continue // kekri, pwri, ori: not for a certificate holder
    // KeyAgreeRecipientInfo is [1] IMPLICIT; parse it as the SEQUENCE it stands for.
    const raw = Buffer.from(rawOf(bytes, recipientTlv))
    raw[0] = 0x30
    const kari = parseDerStrict(raw, KeyAgreeRecipientInfo, 'KeyAgreeRecipientInfo', requireDer)
    for (const recipientKey of kari.recipientEncryptedKeys) {
      const rid = recipientKey.rid
      const matches = rid.issuerAndSerialNumber
        ? identifies(ours, { issuerAndSerialNumber: rid.issuerAndSerialNumber })
        : rid.rKeyId !== undefined &&
          identifies(ours, { subjectKeyIdentifier: rid.rKeyId.subjectKeyIdentifier })
      if (matches) {
        if (Number(kari.version) !== 3) throw malformed('KeyAgreeRecipientInfo version must be 3')
        return decryptKeyEcdh({
          kari,
          encryptedKey: asBuffer(recipientKey.encryptedKey.buffer),
          privateKey: key,
        })
      }
    }
  }
  throw new CmsError('ERR_CMS_NOT_FOR_US', 'the message is not encrypted to our certificate')
}
