/**
 * A transfer or a revocation notice (`kind`), tracked alike. It holds metadata and hashes only;
 * the encrypted envelope waits in `transfer_outbox` until delivery.
 */
export interface TransferTable {
  id: string
  /** `transfer` | `revocation_notice`. */
  kind: string
  /**
   * `queued` | `retrying` | `delivered` | `failed` | `cancelled_revoked` | `cancelled` (by an
   * operator) | `handoff_uncertain` (the SMTP handoff started and no outcome was recorded: never
   * re-sent automatically).
   */
  status: string
  sender_agency_id: string
  recipient_agency_id: string
  /**
   * The SMTP envelope (RFC 5321 MAIL FROM, RCPT TO): the functional mailboxes the message is sent
   * from and to. Null only for rows from before migration 0403 that were no longer in the outbox.
   */
  sender_mailbox: string | null
  recipient_mailbox: string | null
  /** The staff member (user id) who submitted, or `system` for notices. */
  staff_id: string
  consent_id: string
  purpose: string
  /** JSON array of category terms. */
  categories: string
  subject_pseudonym: string
  /** The data request this transfer answers, if any. */
  request_id: string | null
  /** JSON array: for a revocation notice, the transfers it concerns. */
  related_transfer_ids: string
  plaintext_sha256: string
  envelope_sha256: string
  /** The RFC 5322 Message-ID, stable across re-sends. */
  message_id: string
  attempts: number
  /** When the worker may next try; null once final. */
  next_attempt_at: string | null
  /** After this instant a temporary failure becomes `failed` (the retry horizon). */
  give_up_at: string
  last_error: string | null
  smtp_response: string | null
  /** Worker lease: who claimed the row for sending, until when. */
  claimed_by: string | null
  claim_expires_at: string | null
  /**
   * Committed before the SMTP dialogue opens (migration 0404): when, and by which worker. Set with
   * no outcome → the message may have arrived; the row is reconciled, never sent again on its own.
   */
  handoff_started_at: string | null
  handoff_worker: string | null
  created_at: string
  updated_at: string
  delivered_at: string | null
  /** The partner gateway's signed receipt (0420): when, `accepted` | `refused`, and why. */
  partner_receipt_at: string | null
  partner_receipt_outcome: string | null
  partner_receipt_reason: string | null
}

/** Only the encrypted message (RFC 5322 with an S/MIME enveloped body); deleted after delivery. */
export interface TransferOutboxTable {
  transfer_id: string
  envelope: string
  created_at: string
}

/** Agency A asks agency B for named categories for a purpose, under a consent (§3.3 point 5). */
export interface DataRequestTable {
  id: string
  /** `open` | `answered`. */
  status: string
  requester_agency_id: string
  requester_staff_id: string
  holder_agency_id: string
  consent_id: string
  subject_pseudonym: string
  purpose: string
  categories: string
  answered_by_transfer_id: string | null
  created_at: string
  answered_at: string | null
}

/** A partner agency the delivery worker sends nothing to until it is resumed (migration 0410). */
export interface PartnerPauseTable {
  agency_id: string
  paused_at: string
  /** The actor who paused it (`user:<id>` or `cli:relay`). */
  paused_by: string
}

/**
 * A message a partner gateway (or this instance) delivered to a hosted agency (0420): kept as it
 * arrived, encrypted to the receiving agency, decrypted only on view; beside it the metadata
 * verified inside the signature. `quarantined` items failed a check and are never shown as
 * received.
 */
export interface InboundItemTable {
  id: string
  /** `case_summary` | `revocation_notice` | `lapse_notice`. */
  kind: string
  /** `received` | `quarantined`. */
  status: string
  recipient_agency_id: string
  /** The agency named in the signed `X-Brucke-Sender`; null when it could not be verified. */
  sender_agency_id: string | null
  /** RFC 5322 Message-ID; unique per receiving agency (a re-sent message is recognised). */
  message_id: string
  /** The sender's transfer id (`X-Brucke-Transfer-Id`). */
  transfer_id: string | null
  consent_id: string | null
  /** The receiving instance's own pseudonym of the person (never the name). */
  subject_pseudonym: string | null
  purpose: string | null
  /** JSON array of category terms. */
  categories: string
  /** The consent attestation carried inside the signature (JSON; no names). */
  attestation_json: string | null
  /** The S/MIME message as received (encrypted); null once dropped by retention. */
  envelope: string | null
  envelope_sha256: string
  /** Why a quarantined message was not accepted (a code). */
  refusal_reason: string | null
  /** Set by an incoming revocation or lapse notice: further use of this item must stop. */
  use_stopped_at: string | null
  use_stopped_by_item_id: string | null
  acknowledged_at: string | null
  acknowledged_by: string | null
  received_at: string
}

/**
 * The sending agency's sealed copy of a transfer (migration 0430): an S/MIME entity only the
 * sender's key opens; deleted after TRANSFER_COPY_RETENTION_DAYS.
 */
export interface TransferSenderCopyTable {
  transfer_id: string
  sender_agency_id: string
  envelope: string
  created_at: string
}

/** Tables of the relay area. */
export interface RelayTables {
  inbound_items: InboundItemTable
  transfers: TransferTable
  partner_pauses: PartnerPauseTable
  transfer_outbox: TransferOutboxTable
  transfer_sender_copies: TransferSenderCopyTable
  data_requests: DataRequestTable
}
