import type { KeyObject } from 'node:crypto'
import { EnvelopedData } from '@peculiar/asn1-cms'
import type { EncryptedContentInfo, RecipientInfos } from '@peculiar/asn1-cms'
import { AuthEnvelopedData } from './asn1-auth-enveloped-data.ts'
import { identifies, readCmsCertificate } from './cms-certificate.ts'
import type { CmsCertificate } from './cms-certificate.ts'
import { contentKeyLength, decryptContent, isAuthenticatedMode } from './cms-content-cipher.ts'
import { readContentInfo } from './cms-content-info.ts'
import { asBuffer, parseDer } from './cms-der.ts'
import { decryptKeyEcdh } from './cms-key-agreement.ts'
import { decryptKeyRsa } from './cms-key-transport.ts'
import { oid } from './cms-oids.ts'
import { CmsError } from './errors.ts'

export interface DecryptCmsInput {
  /** DER/BER `ContentInfo` holding EnvelopedData or AuthEnvelopedData. */
  data: Uint8Array
  /** Our private key and the certificate it belongs to (to find our RecipientInfo). */
  recipient: { key: KeyObject; certificate: Uint8Array }
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
 */
export function decryptCms(input: DecryptCmsInput): DecryptedCms {
  const ours = readCmsCertificate(input.recipient.certificate)
  const info = readContentInfo(input.data, input.maxBytes)
  if (info.contentType === oid.envelopedData) {
    const enveloped = parseDer(info.content, EnvelopedData, 'EnvelopedData')
    const eci = enveloped.encryptedContentInfo
    if (isAuthenticatedMode(eci.contentEncryptionAlgorithm)) {
      throw new CmsError('ERR_CMS_UNSUPPORTED', 'AES-GCM must be carried in AuthEnvelopedData')
    }
    const cek = recoverKey(enveloped.recipientInfos, ours, input.recipient.key, eci)
    const content = decryptContent({
      algorithm: eci.contentEncryptionAlgorithm,
      cek,
      ciphertext: ciphertextOf(eci),
    })
    return { content, contentType: eci.contentType, authenticated: false }
  }
  if (info.contentType === oid.authEnvelopedData) {
    const authEnveloped = parseDer(info.content, AuthEnvelopedData, 'AuthEnvelopedData')
    const eci = authEnveloped.authEncryptedContentInfo
    if (!isAuthenticatedMode(eci.contentEncryptionAlgorithm)) {
      throw new CmsError('ERR_CMS_UNSUPPORTED', 'AuthEnvelopedData needs an AEAD cipher')
    }
    // Authenticated attributes would enter the GCM AAD in their DER form; no peer we talk to
    // sends them, and accepting them without checking would be wrong, so they are refused.
    if (authEnveloped.authAttrs && authEnveloped.authAttrs.length > 0) {
      throw new CmsError('ERR_CMS_UNSUPPORTED', 'authenticated attributes are not supported')
    }
    const cek = recoverKey(authEnveloped.recipientInfos, ours, input.recipient.key, eci)
    const content = decryptContent({
      algorithm: eci.contentEncryptionAlgorithm,
      cek,
      ciphertext: ciphertextOf(eci),
      tag: asBuffer(authEnveloped.mac.buffer),
    })
    return { content, contentType: eci.contentType, authenticated: true }
  }
  throw new CmsError('ERR_CMS_UNSUPPORTED', 'not an enveloped CMS message', {
    details: { contentType: info.contentType },
  })
}

function ciphertextOf(eci: EncryptedContentInfo): Buffer {
  const encrypted = eci.encryptedContent
  if (encrypted?.value) return asBuffer(encrypted.value.buffer)
  if (encrypted?.constructedValue) {
    return Buffer.concat(encrypted.constructedValue.map((part) => asBuffer(part.buffer)))
  }
  throw new CmsError(
    'ERR_CMS_MALFORMED',
    'encrypted content is missing (detached is not supported)',
  )
}

function recoverKey(
  recipientInfos: RecipientInfos,
  ours: CmsCertificate,
  key: KeyObject,
  eci: EncryptedContentInfo,
): Buffer {
  const expectedKeyLength = contentKeyLength(eci.contentEncryptionAlgorithm)
  for (const recipientInfo of recipientInfos) {
    const ktri = recipientInfo.ktri
    if (ktri && identifies(ours, ktri.rid)) {
      return decryptKeyRsa({
        algorithm: ktri.keyEncryptionAlgorithm,
        encryptedKey: asBuffer(ktri.encryptedKey.buffer),
        privateKey: key,
        expectedKeyLength,
      })
    }
    const kari = recipientInfo.kari
    if (kari) {
      for (const recipientKey of kari.recipientEncryptedKeys) {
        const rid = recipientKey.rid
        const matches = rid.issuerAndSerialNumber
          ? identifies(ours, { issuerAndSerialNumber: rid.issuerAndSerialNumber })
          : rid.rKeyId !== undefined &&
            identifies(ours, { subjectKeyIdentifier: rid.rKeyId.subjectKeyIdentifier })
        if (matches) {
          return decryptKeyEcdh({
            kari,
            encryptedKey: asBuffer(recipientKey.encryptedKey.buffer),
            privateKey: key,
          })
        }
      }
    }
  }
  throw new CmsError('ERR_CMS_NOT_FOR_US', 'the message is not encrypted to our certificate')
}
