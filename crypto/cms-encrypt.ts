import {
  CMSVersion,
  KeyTransRecipientInfo,
  RecipientIdentifier,
  RecipientInfo,
  RecipientInfos,
} from '@peculiar/asn1-cms'
import { OctetString } from '@peculiar/asn1-schema'
import { issuerAndSerialOf, readCmsCertificate } from './cms-certificate.ts'
import type { CmsCertificate } from './cms-certificate.ts'
import { encryptContent } from './cms-content-cipher.ts'
import type { ContentEncryption } from './cms-content-cipher.ts'
import { encodeDer } from './cms-der.ts'
import { encryptKeyEcdh } from './cms-key-agreement.ts'
import { encryptKeyRsa } from './cms-key-transport.ts'
import type { RsaKeyTransport } from './cms-key-transport.ts'
import { oid } from './cms-oids.ts'
import {
  contentInfoTree,
  derObjectIdentifier,
  derPrimitive,
  derSmallInteger,
  encodeDerTree,
} from './cms-tlv.ts'
import type { DerNode } from './cms-tlv.ts'
import { CmsError } from './errors.ts'

/** One recipient: its certificate (DER) and, for an RSA key, the key-transport scheme. EC keys use ECDH. */
export interface CmsRecipient {
  certificate: Uint8Array
  keyTransport: RsaKeyTransport
}

export interface EncryptCmsInput {
  /** The content to protect: for S/MIME, the canonical MIME entity (RFC 8551 §3.1). */
  content: Uint8Array
  recipients: readonly CmsRecipient[]
  /** `aes-256-gcm` → AuthEnvelopedData (RFC 5083/5084); `aes-256-cbc` → EnvelopedData (RFC 5652 §6). */
  contentEncryption: ContentEncryption
}

/**
 * Encrypts content for one or more recipients and returns the DER `ContentInfo`. Each recipient
 * gets a KeyTransRecipientInfo (RSA) or KeyAgreeRecipientInfo (EC), all sharing one fresh
 * content-encryption key (RFC 5652 §6.2).
 */
export function encryptCms(input: EncryptCmsInput): Buffer {
  if (input.recipients.length === 0) {
    throw new CmsError('ERR_CMS_INVALID_INPUT', 'at least one recipient is required')
  }
  const certificates = input.recipients.map((recipient) => ({
    certificate: readCmsCertificate(recipient.certificate),
    keyTransport: recipient.keyTransport,
  }))
  const encrypted = encryptContent(input.contentEncryption, input.content)
  const recipientInfos = new RecipientInfos(
    certificates.map(({ certificate, keyTransport }) =>
      recipientInfoFor(encrypted.cek, certificate, keyTransport),
    ),
  )
  encrypted.cek.fill(0)
  // Built by hand around the ciphertext so megabytes are copied once, not re-serialised.
  const encryptedContentInfo: DerNode = {
    tag: 0x30,
    children: [
      derObjectIdentifier(oid.data),
      encodeDer(encrypted.algorithm),
      derPrimitive(0x80, encrypted.ciphertext),
    ],
  }
  const recipientInfosDer = encodeDer(recipientInfos)
  if (encrypted.tag) {
    // AuthEnvelopedData, RFC 5083 §2.1: version 0, no authAttrs (content type is id-data).
    return encodeDerTree(
      contentInfoTree(oid.authEnvelopedData, {
        tag: 0x30,
        children: [
          derSmallInteger(0),
          recipientInfosDer,
          encryptedContentInfo,
          derPrimitive(0x04, encrypted.tag),
        ],
      }),
    )
  }
  // RFC 5652 §6.1: version 0 only when every RecipientInfo is version 0 (ktri); kari is v3 → 2.
  const allVersion0 = recipientInfos.every((info) => info.ktri !== undefined)
  return encodeDerTree(
    contentInfoTree(oid.envelopedData, {
      tag: 0x30,
      children: [derSmallInteger(allVersion0 ? 0 : 2), recipientInfosDer, encryptedContentInfo],
    }),
  )
}

function recipientInfoFor(
  cek: Buffer,
  certificate: CmsCertificate,
  keyTransport: RsaKeyTransport,
): RecipientInfo {
  const keyType = certificate.publicKey.asymmetricKeyType
  if (keyType === 'rsa') {
    const { algorithm, encryptedKey } = encryptKeyRsa(cek, certificate.publicKey, keyTransport)
    return new RecipientInfo({
      ktri: new KeyTransRecipientInfo({
        version: CMSVersion.v0,
        rid: new RecipientIdentifier({ issuerAndSerialNumber: issuerAndSerialOf(certificate) }),
        keyEncryptionAlgorithm: algorithm,
        encryptedKey: new OctetString(encryptedKey),
      }),
    })
  }
  if (keyType === 'ec') return new RecipientInfo({ kari: encryptKeyEcdh(cek, certificate) })
  throw new CmsError('ERR_CMS_INVALID_INPUT', 'recipient key type not supported', {
    details: { keyType: String(keyType) },
  })
}
