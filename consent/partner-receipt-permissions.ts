/**
 * Who may put a signed receipt on a transfer (issue 16 point 7): only the agency the transfer went
 * to, answering this very message. Pure, in the style of `transfer-copy-permissions.ts`: the
 * gateway verifies the receipt's signature and finds the signer's agency, loads the transfer the
 * receipt names, asks here, and records (or refuses, audited) accordingly.
 *
 * - The transfer must be one this instance sent as a transfer: a revocation notice or a receipt
 *   owed to a partner takes no receipt, and an id it does not know is "unknown".
 * - The signer must be the transfer's recipient agency and the receipt must say so itself
 *   (`sender`): the sending agency, a third agency, or a recipient naming someone else may not
 *   answer for it.
 * - The receipt must be addressed to the transfer's sender and name its Message-ID, so a receipt
 *   for another message of the same pair is not taken for this one.
 * Whether it is the first receipt is a fact of the store (insert-if-absent), not of this rule.
 */

export type PartnerReceiptRefusal =
  'unknown_transfer' | 'signer_not_recipient' | 'recipient_mismatch' | 'message_mismatch'

/** What the rule reads of the transfer the receipt names; undefined when there is none. */
export interface ReceiptTargetFacts {
  kind: 'transfer' | 'revocation_notice' | 'receipt'
  senderAgencyId: string
  recipientAgencyId: string
  messageId: string
}

/** Who signed the receipt (from the verified certificate) and what its signed headers say. */
export interface ArrivedReceiptFacts {
  signerAgencyId: string
  /** The agency the receipt says it comes from (its signed `X-Brucke-Sender`). */
  sender: string
  /** The agency the receipt says it goes to (its signed `X-Brucke-Recipient`). */
  recipient: string
  /** The Message-ID of the message it answers (`X-Brucke-Receipt-Message-Id`). */
  receivedMessageId: string
}

export type PartnerReceiptVerdict =
  { allowed: true } | { allowed: false; reason: PartnerReceiptRefusal }

/** Whether the arrived receipt may be recorded on `transfer`; the first failing check names the refusal. */
export function authorizePartnerReceipt(
  transfer: ReceiptTargetFacts | undefined,
  arrived: ArrivedReceiptFacts,
): PartnerReceiptVerdict {
  if (!transfer || transfer.kind !== 'transfer')
    return { allowed: false, reason: 'unknown_transfer' }
  if (
    arrived.signerAgencyId !== transfer.recipientAgencyId ||
    arrived.sender !== arrived.signerAgencyId
  )
    return { allowed: false, reason: 'signer_not_recipient' }
  if (arrived.recipient !== transfer.senderAgencyId)
    return { allowed: false, reason: 'recipient_mismatch' }
  if (arrived.receivedMessageId !== transfer.messageId)
    return { allowed: false, reason: 'message_mismatch' }
  return { allowed: true }
}
