import { appendAuditEvent } from '../../db/audit-repository.ts'
import { recordReceiptOnTransfer } from '../../db/partner-receipt-repository.ts'
import { findTransfer } from '../../db/transfer-repository.ts'
import type { Deps } from '../deps.ts'
import type { PartnerReceiptHeaders } from './partner-receipt.ts'

/**
 * A receipt that arrived at the inbound listener, after `decryptAndVerify` succeeded with the
 * key of the hosted agency it was addressed to: who signed it, and its headers as read from the
 * signed entity (`readPartnerReceipt`).
 */
export interface ArrivedPartnerReceipt {
  /** The agency the signer certificate belongs to (verified against trust anchors and CRLs). */
  signerAgencyId: string
  receipt: PartnerReceiptHeaders
}

export type PartnerReceiptRejection =
  | 'unknown_transfer'
  | 'signer_not_recipient'
  | 'recipient_mismatch'
  | 'message_mismatch'
  | 'duplicate'

export type RecordPartnerReceiptResult =
  { ok: true; transferId: string } | { ok: false; reason: PartnerReceiptRejection }

/**
 * Records a partner's signed receipt on the transfer it answers (issue 16 point 7). It counts only
 * when the transfer was sent by this instance, the receipt was signed by the agency the transfer
 * went to, names this transfer's sender and Message-ID, and is the first one: anything else is
 * refused with `partner_receipt_rejected` and changes nothing. One transaction with its audit.
 */
// seam: fed-inbound hands over a verified message whose signed entity carries
// `X-Brucke-Receipt-For` (`readPartnerReceipt` ok) here instead of storing it as an inbound item.
export async function recordPartnerReceipt(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: ArrivedPartnerReceipt,
): Promise<RecordPartnerReceiptResult> {
  const { receipt, signerAgencyId } = input
  const at = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const rejected = async (reason: PartnerReceiptRejection) => {
      await appendAuditEvent(trx, {
        at,
        actor: 'system',
        event: {
          type: 'partner_receipt_rejected',
          receiptFor: receipt.receiptFor,
          agencyId: signerAgencyId,
          reason,
        },
      })
      return { ok: false, reason } as const
    }
    const transfer = await findTransfer(trx, receipt.receiptFor)
    // Only transfers (not notices, not receipts) get a receipt; any other id is unknown here.
    if (!transfer || transfer.kind !== 'transfer') return rejected('unknown_transfer')
    if (signerAgencyId !== transfer.recipientAgencyId || receipt.sender !== signerAgencyId)
      return rejected('signer_not_recipient')
    if (receipt.recipient !== transfer.senderAgencyId) return rejected('recipient_mismatch')
    if (receipt.receivedMessageId !== transfer.messageId) return rejected('message_mismatch')
    const recorded = await recordReceiptOnTransfer(trx, {
      transferId: transfer.id,
      at,
      outcome: receipt.outcome,
      reason: receipt.reason ?? null,
    })
    if (!recorded) return rejected('duplicate')
    await appendAuditEvent(trx, {
      at,
      actor: 'system',
      event: {
        type: 'partner_receipt_recorded',
        transferId: transfer.id,
        agencyId: signerAgencyId,
        outcome: receipt.outcome,
        ...(receipt.reason ? { reason: receipt.reason } : {}),
        envelopeMatches: receipt.envelopeSha256 === transfer.envelopeSha256,
      },
    })
    return { ok: true, transferId: transfer.id } as const
  })
}
