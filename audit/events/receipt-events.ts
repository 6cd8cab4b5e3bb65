import { z } from 'zod'
import { idSchema as id, sha256HexSchema } from './common.ts'

/** Why a receiving gateway refused a transfer, or why a receipt was not recorded: a code. */
const code = z.string().regex(/^[a-z][a-z0-9_]{1,59}$/)

/**
 * Partner receipts (issue 16 point 7): the receiving gateway tells the sender, signed, whether it
 * accepted or refused a transfer. Metadata only: transfer ids, agencies, Message-IDs, hashes.
 */
export const receiptEventSchemas = [
  z.strictObject({
    // The receiving side queued a signed receipt for the sender agency (delivery follows as
    // `transfer_delivered` … of kind `receipt`).
    type: z.literal('partner_receipt_sent'),
    /** The receipt's own id in the outbox (`rcp_…`). */
    receiptId: id,
    /** The sender's transfer the receipt answers (`X-Brucke-Receipt-For`). */
    receiptFor: id,
    senderAgencyId: id,
    recipientAgencyId: id,
    outcome: z.enum(['accepted', 'refused']),
    reason: code.optional(),
    envelopeSha256: sha256HexSchema,
  }),
  z.strictObject({
    // The sending side recorded the partner's receipt on its transfer (the first one wins).
    type: z.literal('partner_receipt_recorded'),
    transferId: id,
    /** The partner agency that signed the receipt: the transfer's recipient. */
    agencyId: id,
    outcome: z.enum(['accepted', 'refused']),
    reason: code.optional(),
    /** Whether the partner's hash of what it received equals the hash of what was sent. */
    envelopeMatches: z.boolean(),
  }),
  z.strictObject({
    // A receipt that was verified as a message but not recorded: unknown transfer, wrong signer,
    // not matching the transfer, or a second receipt for the same transfer.
    type: z.literal('partner_receipt_rejected'),
    /** As the receipt named it (validated as an id). */
    receiptFor: id,
    /** The agency that signed the receipt. */
    agencyId: id,
    reason: z.enum([
      'unknown_transfer',
      'signer_not_recipient',
      'recipient_mismatch',
      'message_mismatch',
      'duplicate',
    ]),
  }),
] as const
