import { describe, expect, it } from 'vitest'
import {
  composePartnerReceipt,
  readPartnerReceipt,
  type PartnerReceiptHeaders,
} from '../../../gateway/receipts/partner-receipt.ts'

const accepted: PartnerReceiptHeaders = {
  receiptFor: 'trf_z8b24c60nqsjbazrk26d',
  receivedMessageId: '<trf_z8b24c60nqsjbazrk26d@jc-demo.example>',
  outcome: 'accepted',
  sender: 'ja-demo',
  recipient: 'jc-demo',
  envelopeSha256: 'ab'.repeat(32),
}

const compose = (receipt: PartnerReceiptHeaders) =>
  composePartnerReceipt({
    receipt,
    receiptId: 'rcp_0123456789abcdef01234567',
    messageId: '<rcp_0123456789abcdef01234567@ja-demo.example>',
    from: { name: 'Jugendamt Demo', mailbox: 'jugendhilfe@ja-demo.example' },
    toMailbox: 'u25@jc-demo.example',
    at: new Date('2026-03-02T09:00:00Z'),
  })

/** The entity with one header line replaced (or removed, with `null`). */
function withHeader(entity: Buffer, name: string, line: string | null): Buffer {
  const text = entity.toString('latin1')
  const pattern = new RegExp(`^${name}:.*\\r\\n`, 'im')
  expect(text).toMatch(pattern)
  return Buffer.from(text.replace(pattern, line === null ? '' : `${line}\r\n`), 'latin1')
}

describe('partner receipt format', () => {
  it('when a receipt is composed, then its headers read back the same', async () => {
    const entity = await compose(accepted)
    expect(readPartnerReceipt(entity)).toEqual({ ok: true, receipt: accepted })
    const refused = { ...accepted, outcome: 'refused' as const, reason: 'attestation_mismatch' }
    expect(readPartnerReceipt(await compose(refused))).toEqual({ ok: true, receipt: refused })
    expect(entity.toString('latin1')).toMatch(/^X-Brucke-Receipt-For: trf_z8b24c60nqsjbazrk26d\r$/m)
  })

  it('when the entity has no X-Brucke-Receipt-For, then it is not a receipt', async () => {
    const entity = withHeader(await compose(accepted), 'X-Brucke-Receipt-For', null)
    expect(readPartnerReceipt(entity)).toEqual({ ok: false, code: 'not_a_receipt' })
  })

  it('when a receipt header is doubled, missing or malformed, then the receipt is refused', async () => {
    const entity = await compose(accepted)
    const cases = [
      // Doubled: never "the first one wins".
      withHeader(
        entity,
        'X-Brucke-Receipt-Outcome',
        'X-Brucke-Receipt-Outcome: accepted\r\nX-Brucke-Receipt-Outcome: refused',
      ),
      withHeader(entity, 'X-Brucke-Sender', null),
      withHeader(entity, 'X-Brucke-Receipt-Outcome', 'X-Brucke-Receipt-Outcome: maybe'),
      // A refusal without its reason, an acceptance with one.
      withHeader(entity, 'X-Brucke-Receipt-Outcome', 'X-Brucke-Receipt-Outcome: refused'),
      withHeader(
        entity,
        'X-Brucke-Receipt-Outcome',
        'X-Brucke-Receipt-Outcome: accepted\r\nX-Brucke-Receipt-Reason: attestation_missing',
      ),
      withHeader(entity, 'X-Brucke-Envelope-Sha256', 'X-Brucke-Envelope-Sha256: 1234'),
      withHeader(entity, 'X-Brucke-Receipt-For', 'X-Brucke-Receipt-For: trf_1; DROP TABLE'),
    ]
    for (const bad of cases)
      expect(readPartnerReceipt(bad)).toEqual({ ok: false, code: 'receipt_malformed' })
  })

  it('when a header is folded, then it is read unfolded', async () => {
    const entity = withHeader(
      await compose(accepted),
      'X-Brucke-Receipt-Message-Id',
      'X-Brucke-Receipt-Message-Id:\r\n <trf_z8b24c60nqsjbazrk26d@jc-demo.example>',
    )
    expect(readPartnerReceipt(entity)).toEqual({ ok: true, receipt: accepted })
  })
})
