import { describe, expect, it } from 'vitest'
import {
  authorizePartnerReceipt,
  type ArrivedReceiptFacts,
  type ReceiptTargetFacts,
} from '../../../consent/partner-receipt-permissions.ts'

/** A transfer the Jobcenter sent to the Jugendamt. */
const sent: ReceiptTargetFacts = {
  kind: 'transfer',
  senderAgencyId: 'jc-demo',
  recipientAgencyId: 'ja-demo',
  messageId: '<trf_1@jc.example>',
}
/** The Jugendamt's receipt for it, as signed and as it reads. */
const fromRecipient: ArrivedReceiptFacts = {
  signerAgencyId: 'ja-demo',
  sender: 'ja-demo',
  recipient: 'jc-demo',
  receivedMessageId: '<trf_1@jc.example>',
}

/** Every agency but the recipient, signing a receipt that names itself as its sender. */
const otherSigners = ['jc-demo', 'aa-demo', 'tr-nord', 'ja-other']

describe('who may put a receipt on a transfer', () => {
  it('allows the recipient agency answering this message', () => {
    expect(authorizePartnerReceipt(sent, fromRecipient)).toEqual({ allowed: true })
  })

  it.each(otherSigners)('refuses a receipt signed by %s (not the recipient)', (agency) => {
    expect(
      authorizePartnerReceipt(sent, { ...fromRecipient, signerAgencyId: agency, sender: agency }),
    ).toEqual({ allowed: false, reason: 'signer_not_recipient' })
  })

  it('refuses another agency signing a receipt that claims to come from the recipient', () => {
    for (const agency of otherSigners)
      expect(authorizePartnerReceipt(sent, { ...fromRecipient, signerAgencyId: agency })).toEqual({
        allowed: false,
        reason: 'signer_not_recipient',
      })
  })

  it('refuses the recipient signing a receipt that claims another sender', () => {
    expect(authorizePartnerReceipt(sent, { ...fromRecipient, sender: 'aa-demo' })).toEqual({
      allowed: false,
      reason: 'signer_not_recipient',
    })
  })

  it('refuses a receipt addressed to another agency than the transfer’s sender', () => {
    for (const agency of ['ja-demo', 'aa-demo', 'tr-nord'])
      expect(authorizePartnerReceipt(sent, { ...fromRecipient, recipient: agency })).toEqual({
        allowed: false,
        reason: 'recipient_mismatch',
      })
  })

  it('refuses a receipt for another message of the same pair', () => {
    expect(
      authorizePartnerReceipt(sent, { ...fromRecipient, receivedMessageId: '<trf_2@jc.example>' }),
    ).toEqual({ allowed: false, reason: 'message_mismatch' })
  })

  it('refuses a receipt for a revocation notice, for a receipt, and for an id it does not know', () => {
    for (const kind of ['revocation_notice', 'receipt'] as const)
      expect(authorizePartnerReceipt({ ...sent, kind }, fromRecipient)).toEqual({
        allowed: false,
        reason: 'unknown_transfer',
      })
    expect(authorizePartnerReceipt(undefined, fromRecipient)).toEqual({
      allowed: false,
      reason: 'unknown_transfer',
    })
  })
})
