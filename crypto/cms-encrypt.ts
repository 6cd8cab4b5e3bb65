import { readCmsCertificate } from './cms-certificate.ts'
import type { CmsCertificate } from './cms-certificate.ts'
import { encryptContent } from './cms-content-cipher.ts'
import type { ContentEncryption } from './cms-content-cipher.ts'
import { derSetOf } from './cms-der.ts'
import { encryptKeyEcdh } from './cms-key-agreement.ts'
import { encryptKeyRsa } from './cms-key-transport.ts'
import type { RsaKeyTransport } from './cms-key-transport.ts'
import { oid } from './cms-oids.ts'
import {
  contentInfoTree,
  derObjectIdentifier,
  derPrimitiveBytes,
  derSequence,
  derSmallInteger,
  derTreeChunks,
} from './cms-tlv.ts'
import type { DerNode } from './cms-tlv.ts'
import { CmsError } from './errors.ts'

/** One recipient: its certificate (DER) and, for an RSA key, the key-transport scheme. EC keys use ECDH. */
export interface CmsRecipient {
  certificate: Uint8Array
  keyTransport: RsaKeyTransport
}

export interface EncryptCmsInput {
  /** The content to protect: for S/MIME, the canonical MIME entity (RFC 8551 §3.1), whole or in pieces. */
  content: Uint8Array | readonly Uint8Array[]
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
  return Buffer.concat(encryptCmsParts(input))
}

/**
 * {@link encryptCms} as the pieces of its DER in order: the ciphertext is not joined with the
 * structure around it, for a caller that base64-encodes the pieces straight into the message.
 */
export function encryptCmsParts(input: EncryptCmsInput): Buffer[] {
  return encryptCmsViews(input, [input.recipients.map((_, index) => index)])[0]!
}

/**
 * Encrypts the content once and returns the DER pieces of one `ContentInfo` per view: each view
 * names the recipients (indexes into `input.recipients`) whose RecipientInfos it carries, around
 * the same ciphertext under the same content-encryption key (RFC 5652 §6.1). A sender keeps a
 * view with only its own RecipientInfo as its record of what it sent, while the message carries
 * both; nothing is encrypted twice.
 */
export function encryptCmsViews(
  input: EncryptCmsInput,
  views: readonly (readonly number[])[],
): Buffer[][] {
  if (input.recipients.length === 0) {
    throw new CmsError('ERR_CMS_INVALID_INPUT', 'at least one recipient is required')
  }
  if (views.some((view) => view.length === 0 || view.some((i) => !input.recipients[i])))
    throw new CmsError('ERR_CMS_INVALID_INPUT', 'a view names no recipient or an unknown one')
  const certificates = input.recipients.map((recipient) => ({
    certificate: readCmsCertificate(recipient.certificate),
    keyTransport: recipient.keyTransport,
  }))
  const encrypted = encryptContent(input.contentEncryption, input.content)
  const recipientInfos = certificates.map(({ certificate, keyTransport }) =>
    recipientInfoFor(encrypted.cek, certificate, keyTransport),
  )
  encrypted.cek.fill(0)
  // Built by hand around the ciphertext so megabytes are copied once, not re-serialised.
  const encryptedContentInfo: DerNode = {
    tag: 0x30,
    children: [
      derObjectIdentifier(oid.data),
      encrypted.algorithmDer,
      { tag: 0x80, children: encrypted.ciphertext },
    ],
  }
  return views.map((view) => {
    // RecipientInfos is a SET OF: DER sorts it (X.690 §11.6).
    const recipientInfosDer = derSetOf(view.map((i) => recipientInfos[i]!))
    if (encrypted.tag) {
      // AuthEnvelopedData, RFC 5083 §2.1: version 0, no authAttrs (content type is id-data).
      return derTreeChunks(
        contentInfoTree(oid.authEnvelopedData, {
          tag: 0x30,
          children: [
            derSmallInteger(0),
            recipientInfosDer,
            encryptedContentInfo,
            derPrimitiveBytes(0x04, encrypted.tag),
          ],
        }),
      )
    }
    // RFC 5652 §6.1: version 0 only when every RecipientInfo is version 0 (ktri); kari is v3 → 2.
    const allVersion0 = view.every(
      (i) => certificates[i]!.certificate.publicKey.asymmetricKeyType === 'rsa',
    )
    return derTreeChunks(
      contentInfoTree(oid.envelopedData, {
        tag: 0x30,
        children: [derSmallInteger(allVersion0 ? 0 : 2), recipientInfosDer, encryptedContentInfo],
      }),
    )
  })
}

/** One RecipientInfo, DER: ktri (RFC 5652 §6.2.1) for RSA, [1] kari (§6.2.2, RFC 5753) for EC. */
function recipientInfoFor(
  cek: Buffer,
  certificate: CmsCertificate,
  keyTransport: RsaKeyTransport,
): Buffer {
  const keyType = certificate.publicKey.asymmetricKeyType
  if (keyType === 'rsa') {
    const { algorithmDer, encryptedKey } = encryptKeyRsa(cek, certificate.publicKey, keyTransport)
    return derSequence([
      derSmallInteger(0),
      certificate.issuerAndSerialDer,
      algorithmDer,
      derPrimitiveBytes(0x04, encryptedKey),
    ])
  }
  if (keyType === 'ec') return encryptKeyEcdh(cek, certificate)
  throw new CmsError('ERR_CMS_INVALID_INPUT', 'recipient key type not supported', {
    details: { keyType: String(keyType) },
  })
}
