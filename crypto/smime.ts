import { decryptCms } from './cms-decrypt.ts'
import { encryptCmsViews } from './cms-encrypt.ts'
import { signCms } from './cms-sign.ts'
import type { RsaSignatureScheme } from './cms-signature-algorithm.ts'
import { verifyCms } from './cms-verify.ts'
import type { VerifiedSigner } from './cms-verify.ts'
import { CmsError } from './errors.ts'
import type { PrivateKey } from './private-key-operations.ts'
import type { CmsErrorCode } from './errors.ts'
import { algorithmsOf, contentEncryptionFor } from './recipient-profile.ts'
import type { RecipientProfile } from './recipient-profile.ts'
import type { SmimeEntity } from './smime-message.ts'
import {
  canonicalMimeView,
  maxSmimeBytes,
  parseSmimeEntity,
  multipartSignedParts,
  wrapPkcs7Mime,
} from './smime-message.ts'

export interface SignAndEncryptInput {
  /** The MIME entity to protect (headers + body, e.g. a multipart/mixed); canonicalised to CRLF. */
  mimeEntity: Uint8Array
  signer: { key: PrivateKey; certificate: Uint8Array; chain?: readonly Uint8Array[] }
  /** The recipient agency and optionally the sender itself (for its own records). */
  recipients: readonly { certificate: Uint8Array; profile: RecipientProfile }[]
  /** The signing time; the use case's one clock reading. */
  at: Date
  /** `multipart` (default): multipart/signed, readable without S/MIME; `opaque`: pkcs7-mime signed-data. */
  signatureForm?: 'multipart' | 'opaque'
  rsaScheme?: RsaSignatureScheme
}

/**
 * Signs, then encrypts (RFC 8551 §3.6): the canonical entity is signed with SHA-256, wrapped as
 * multipart/signed (or pkcs7-mime signed-data), and that whole entity is encrypted to every
 * recipient. Returns the `application/pkcs7-mime` entity (enveloped-data or authEnveloped-data);
 * the caller puts the mail headers (From, To, Subject, Date) in front.
 */
export function signAndEncrypt(input: SignAndEncryptInput): Buffer {
  return sealViews(input, [input.recipients.map((_, index) => index)])[0]!
}

/**
 * {@link signAndEncrypt}, and beside the message a copy for one of its recipients — the sender,
 * for its own records (docs/design.md §3.3): the same signed entity under the same ciphertext and
 * content-encryption key, with only that recipient's RecipientInfo (RFC 5652 §6.1). One
 * signature, one encryption; the copy opens with that recipient's key alone.
 */
export function signAndEncryptWithCopy(input: SignAndEncryptInput & { copyFor: number }): {
  message: Buffer
  copy: Buffer
} {
  const [message, copy] = sealViews(input, [
    input.recipients.map((_, index) => index),
    [input.copyFor],
  ])
  return { message: message!, copy: copy! }
}

function sealViews(input: SignAndEncryptInput, views: readonly (readonly number[])[]): Buffer[] {
  if (input.recipients.length === 0) {
    throw new CmsError('ERR_CMS_INVALID_INPUT', 'at least one recipient is required')
  }
  // Only read below (hashed, then copied into the signed entity or the SignedData).
  const canonical = canonicalMimeView(input.mimeEntity)
  const form = input.signatureForm ?? 'multipart'
  const signer = {
    key: input.signer.key,
    certificate: input.signer.certificate,
    ...(input.signer.chain ? { chain: input.signer.chain } : {}),
  }
  const signature = signCms({
    content: canonical,
    signer,
    at: input.at,
    detached: form === 'multipart',
    ...(input.rsaScheme ? { rsaScheme: input.rsaScheme } : {}),
  })
  // Encrypted piece by piece: the canonical entity goes into the cipher without another copy.
  const signedEntity =
    form === 'multipart'
      ? multipartSignedParts(canonical, signature)
      : wrapPkcs7Mime(signature, 'signed-data')
  const contentEncryption = contentEncryptionFor(input.recipients.map((item) => item.profile))
  const envelopes = encryptCmsViews(
    {
      content: signedEntity,
      recipients: input.recipients.map((item) => ({
        certificate: item.certificate,
        keyTransport: algorithmsOf(item.profile).rsaKeyTransport,
      })),
      contentEncryption,
    },
    views,
  )
  const smimeType = contentEncryption === 'aes-256-gcm' ? 'authEnveloped-data' : 'enveloped-data'
  return envelopes.map((envelope) => wrapPkcs7Mime(envelope, smimeType))
}

export interface DecryptAndVerifyInput {
  /** The received message or S/MIME entity (CRLF or LF line ends). */
  message: Uint8Array
  recipient: { key: PrivateKey; certificate: Uint8Array }
  trustAnchors: Uint8Array[]
  crls?: Uint8Array[]
  crlPolicy?: 'require' | 'if-present'
  /** The sending agency's mailbox, which the signer certificate must name. */
  expectedSenderEmail?: string
  at: Date
  maxBytes?: number
}

export type DecryptAndVerifyResult =
  | {
      ok: true
      /** The inner MIME entity exactly as signed (canonical CRLF). */
      mimeEntity: Buffer
      signer: VerifiedSigner
      chain: Buffer[]
      signingTime: Date | undefined
      /** True when AES-GCM (AuthEnvelopedData) protected the content. */
      authenticatedEncryption: boolean
    }
  | { ok: false; code: CmsErrorCode; reason: string; validationCode?: string }

/**
 * Decrypts an S/MIME message addressed to us and verifies the signature inside (multipart/signed
 * or pkcs7-mime signed-data) against the trust anchors at `at`. Every failure is a typed result;
 * an unsigned message is ERR_CMS_NOT_SIGNED, since Brücke accepts only signed data.
 */
export function decryptAndVerify(input: DecryptAndVerifyInput): DecryptAndVerifyResult {
  try {
    const maxBytes = input.maxBytes ?? maxSmimeBytes
    const outer = parseSmimeEntity(input.message, maxBytes)
    if (outer.kind !== 'pkcs7-mime' || outer.smimeType === 'signed-data') {
      throw new CmsError('ERR_CMS_UNSUPPORTED', 'the message is not encrypted')
    }
    const decrypted = decryptCms({ data: outer.der, recipient: input.recipient, maxBytes })
    // The decrypted bytes are ours alone: the signed part may be returned as a view of them.
    const verified = verifyEntity({ ...input, message: decrypted.content }, true)
    if (!verified.ok) return verified
    return { ...verified, authenticatedEncryption: decrypted.authenticated }
  } catch (error) {
    if (error instanceof CmsError) return { ok: false, code: error.code, reason: error.message }
    throw error
  }
}

export type VerifySmimeResult =
  | {
      ok: true
      mimeEntity: Buffer
      signer: VerifiedSigner
      chain: Buffer[]
      signingTime: Date | undefined
    }
  | { ok: false; code: CmsErrorCode; reason: string; validationCode?: string }

/** Verifies a signed S/MIME entity: multipart/signed (RFC 8551 §3.5.3) or pkcs7-mime signed-data (§3.5.2). */
export function verifySmimeEntity(
  input: Omit<DecryptAndVerifyInput, 'recipient'>,
): VerifySmimeResult {
  return verifyEntity(input, false)
}

/**
 * A multipart/signed body is first verified with its bytes as they are: a sender signs the
 * canonical form (RFC 8551 §3.1.1), so a message that arrives canonical — nearly all — verifies
 * without a scan for stray line ends. Only when that fails is the body canonicalised and tried
 * again (a relay that turned CRLF into LF, say); what is returned is always what verified.
 */
function verifyEntity(
  input: Omit<DecryptAndVerifyInput, 'recipient'>,
  owned: boolean,
): VerifySmimeResult {
  const maxBytes = input.maxBytes ?? maxSmimeBytes
  let first: VerifySmimeResult
  try {
    first = verifyParsed(
      input,
      parseSmimeEntity(input.message, maxBytes, { lineEnds: 'as-is', owned }),
    )
  } catch (error) {
    if (!(error instanceof CmsError)) throw error
    first = { ok: false, code: error.code, reason: error.message }
  }
  if (
    first.ok ||
    (first.code !== 'ERR_CMS_BAD_SIGNATURE' && first.code !== 'ERR_CMS_MIME_MALFORMED')
  )
    return first
  try {
    return verifyParsed(input, parseSmimeEntity(input.message, maxBytes, { owned }))
  } catch (error) {
    if (error instanceof CmsError) return { ok: false, code: error.code, reason: error.message }
    throw error
  }
}

function verifyParsed(
  input: Omit<DecryptAndVerifyInput, 'recipient'>,
  entity: SmimeEntity,
): VerifySmimeResult {
  const trust = {
    trustAnchors: input.trustAnchors,
    ...(input.crls ? { crls: input.crls } : {}),
    ...(input.crlPolicy ? { crlPolicy: input.crlPolicy } : {}),
    ...(input.expectedSenderEmail ? { expectedEmail: input.expectedSenderEmail } : {}),
    at: input.at,
  }
  let result
  if (entity.kind === 'multipart-signed') {
    result = verifyCms({
      data: entity.signatureDer,
      detachedContent: entity.signedContent,
      ...trust,
    })
  } else if (
    entity.kind === 'pkcs7-mime' &&
    (entity.smimeType === 'signed-data' || entity.smimeType === undefined)
  ) {
    result = verifyCms({ data: entity.der, ...trust })
  } else {
    return { ok: false, code: 'ERR_CMS_NOT_SIGNED', reason: 'the content is not signed' }
  }
  if (!result.ok) return result
  return {
    ok: true,
    mimeEntity: result.content,
    signer: result.signer,
    chain: result.chain,
    signingTime: result.signingTime,
  }
}
