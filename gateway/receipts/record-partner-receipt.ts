import {
  authorizePartnerReceipt,
  type PartnerReceiptRefusal,
} from '../../consent/partner-receipt-permissions.ts'
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

/** The rule's refusals (consent/partner-receipt-permissions.ts), and a second receipt. */
export type PartnerReceiptRejection = PartnerReceiptRefusal | 'duplicate'

export type RecordPartnerReceiptResult =
  { ok: true; transferId: string } | { ok: false; reason: PartnerReceiptRejection }

/**
 * Records a partner's signed receipt on the transfer it answers (issue 16 point 7) when the rule
 * allows it (`authorizePartnerReceipt`: a transfer this instance sent, signed by the agency it went
 * to, naming its sender and Message-ID) and it is the first one: anything else is refused with
 * `partner_receipt_rejected` and changes nothing. One transaction with its audit.
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
    const verdict = authorizePartnerReceipt(transfer, {
      signerAgencyId,
      sender: receipt.sender,
      recipient: receipt.recipient,
      receivedMessageId: receipt.receivedMessageId,
    })
    if (!verdict.allowed) return rejected(verdict.reason)
    // The rule allows only a transfer that exists; this only narrows the type.
    if (!transfer) return rejected('unknown_transfer')
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
