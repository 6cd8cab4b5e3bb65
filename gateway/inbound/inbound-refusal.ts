/**
 * Why the receive pipeline refuses a message (issue 16, point 3). Each code is stable: it is the
 * `reason` of the `inbound_refused` audit event, the `refusal_reason` of a quarantined item, and
 * part of the SMTP reply the partner gateway's log shows.
 */
export const inboundRefusalReasons = [
  /** No envelope recipient is a hosted agency's functional mailbox. */
  'recipient_not_hosted',
  /** Not an encrypted S/MIME message (application/pkcs7-mime enveloped or authEnveloped data). */
  'not_smime',
  /** Larger than INBOUND_SMTP_MAX_BYTES. */
  'too_large',
  /** The CMS or MIME structure cannot be read (garbage, truncated). */
  'malformed',
  /** Encrypted to none of the receiving agency's certificates. */
  'not_for_recipient',
  /** Decryption or its integrity check failed (a tampered GCM tag or CBC ciphertext). */
  'decrypt_failed',
  /** An algorithm or structure Brücke does not accept. */
  'unsupported',
  /** The decrypted content is not signed. */
  'not_signed',
  /** Encrypted inside encrypted, or signed inside signed. */
  'nested',
  /** The signature does not verify over the content. */
  'bad_signature',
  /** The signer's certificate does not chain to a trust anchor here. */
  'signer_untrusted',
  /** The signer's certificate is revoked (CRL, or withdrawn here). */
  'signer_revoked',
  /** The signer's certificate is expired or not yet valid. */
  'signer_expired',
  /** The CRL the signer's CA requires is missing or out of date. */
  'signer_crl_unavailable',
  /** Another problem with the signer's certificate (key usage, mailbox). */
  'signer_invalid',
  /** The signer's certificate is not registered for any agency here. */
  'signer_not_registered',
  /** The signer's certificate belongs to another agency than the signed X-Brucke-Sender. */
  'signer_agency_mismatch',
  /** The signer's certificate was retired by a key rollover. */
  'signer_retired',
  /** The signed X-Brucke-Recipient is not the receiving agency. */
  'recipient_mismatch',
  /** A binding header is missing inside the signature. */
  'binding_header_missing',
  /** A binding header inside the signature is malformed or given twice. */
  'binding_header_invalid',
  /** An outer header disagrees with its signed counterpart. */
  'header_mismatch',
  /** A signed receipt that cannot be read, or answers no transfer this instance sent to the signer. */
  'receipt_rejected',
  /** A case summary without the consent attestation inside the signature. */
  'attestation_missing',
  /** The attestation is malformed, its hash differs from the signed header, or it does not cover the transfer. */
  'attestation_mismatch',
] as const

export type InboundRefusalReason = (typeof inboundRefusalReasons)[number]

/** The SMTP reply for a refusal during DATA (RFC 5321 §4.2, enhanced codes RFC 3463). */
export function smtpReplyFor(reason: InboundRefusalReason): { code: number; text: string } {
  const [code, enhanced, text] = replies[reason]
  return { code, text: `${enhanced} ${text} (${reason})` }
}

const replies: Record<InboundRefusalReason, [number, string, string]> = {
  recipient_not_hosted: [550, '5.1.1', 'No hosted agency has this mailbox'],
  not_smime: [554, '5.6.0', 'Only encrypted S/MIME (application/pkcs7-mime) is accepted here'],
  too_large: [552, '5.3.4', 'Message too large'],
  malformed: [554, '5.6.0', 'Malformed S/MIME message'],
  not_for_recipient: [554, '5.7.5', 'Not encrypted to a current certificate of the recipient'],
  decrypt_failed: [554, '5.7.5', 'Decryption failed'],
  unsupported: [554, '5.7.6', 'Unsupported algorithm or structure'],
  not_signed: [554, '5.7.7', 'The content is not signed'],
  nested: [554, '5.7.7', 'Nested encryption or signature is not accepted'],
  bad_signature: [554, '5.7.7', 'Signature does not verify'],
  signer_untrusted: [554, '5.7.7', 'Signer certificate is not trusted'],
  signer_revoked: [554, '5.7.7', 'Signer certificate is revoked'],
  signer_expired: [554, '5.7.7', 'Signer certificate is expired or not yet valid'],
  signer_crl_unavailable: [554, '5.7.7', 'No current CRL for the signer certificate'],
  signer_invalid: [554, '5.7.7', 'Signer certificate is not valid for signing'],
  signer_not_registered: [554, '5.7.1', 'Signer certificate is not registered for an agency'],
  signer_agency_mismatch: [554, '5.7.1', 'Signer is not the agency named in X-Brucke-Sender'],
  signer_retired: [554, '5.7.1', 'Signer certificate was retired by a key rollover'],
  recipient_mismatch: [554, '5.7.1', 'X-Brucke-Recipient is not the receiving agency'],
  binding_header_missing: [554, '5.7.1', 'A binding header is missing inside the signature'],
  binding_header_invalid: [554, '5.7.1', 'A binding header inside the signature is invalid'],
  header_mismatch: [554, '5.7.1', 'An outer header disagrees with the signed one'],
  receipt_rejected: [554, '5.7.1', 'The receipt answers no transfer sent to its signer'],
  attestation_missing: [554, '5.7.1', 'No consent attestation inside the signature'],
  attestation_mismatch: [554, '5.7.1', 'The consent attestation does not cover this transfer'],
}
