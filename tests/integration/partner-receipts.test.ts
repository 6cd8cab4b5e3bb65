import { createHash } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildAuditReport } from '../../audit/audit-report.ts'
import { decryptAndVerify } from '../../crypto/smime.ts'
import { findAgencyByMailbox } from '../../db/account-repository.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { countOpenTransfers } from '../../db/metrics-repository.ts'
import { countTransfersByStatus, findTransfer } from '../../db/transfer-repository.ts'
import { verifyStoredAuditLog } from '../../gateway/audit/verify-audit-log.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { readPartnerReceipt } from '../../gateway/receipts/partner-receipt.ts'
import {
  preparePartnerReceipt,
  sendPartnerReceipt,
  type PartnerReceiptInput,
} from '../../gateway/receipts/queue-partner-receipt.ts'
import {
  recordPartnerReceipt,
  type RecordPartnerReceiptResult,
} from '../../gateway/receipts/record-partner-receipt.ts'
import { runDeliveryRound, type DeliveryContext } from '../../gateway/relay/delivery-worker.ts'
import { seedAccounts } from '../support/accounts.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import {
  startSmtpCapture,
  type CapturedMessage,
  type SmtpCapture,
} from '../support/smtp-capture.ts'
import {
  createRelayPki,
  registerRelayPki,
  testDeliveryContext,
  type RelayPki,
} from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const subject = { givenName: 'Janne', familyName: 'Wellenbrink', birthDate: '2005-03-14' }

describe.each(dialects)('partner receipts on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let relayPki: RelayPki
  let smtp: SmtpCapture
  let ctx: DeliveryContext

  beforeAll(async () => {
    relayPki = await createRelayPki()
    smtp = await startSmtpCapture()
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    await registerRelayPki(t.deps, relayPki)
    server = await startTestServer(t.deps)
    ctx = testDeliveryContext(t.deps, smtp.url)
  }, 120_000)
  afterAll(async () => {
    ctx.mailer.close()
    await server.close()
    await smtp.close()
    await t.close()
  })
  beforeEach(() => {
    smtp.messages.length = 0
  })

  async function token(userId: 'staff-jc' | 'staff-ja' | 'kiosk-jc'): Promise<string> {
    const [role, agencyId] = (
      {
        'staff-jc': ['staff', 'jc-demo'],
        'staff-ja': ['staff', 'ja-demo'],
        'kiosk-jc': ['kiosk', 'jc-demo'],
      } as const
    )[userId]
    const issued = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId,
      role,
      agencyId,
      now: t.clock.now(),
      ttlMinutes: 60,
    })
    return issued.token
  }

  async function drain(): Promise<void> {
    while ((await runDeliveryRound(ctx)) > 0) {
      /* until nothing is due */
    }
  }

  /** A Jobcenter → Jugendamt transfer, delivered over real SMTP; its id and the mail. */
  async function deliveredTransfer(): Promise<{ id: string; message: CapturedMessage }> {
    const consentId = await signedEinwilligung(server, {
      staffToken: await token('staff-jc'),
      kioskToken: await token('kiosk-jc'),
      subject,
      purpose: 'hilfeplanung',
      categories: ['schule'],
    })
    const res = await server.api('POST', '/transfers', {
      token: await token('staff-jc'),
      body: {
        consentId,
        to: 'ja-demo',
        purpose: 'hilfeplanung',
        necessity: 'Abstimmung vor dem Hilfeplangespräch.',
        sections: [{ category: 'schule', title: 'Schule', body: 'Regelmäßiger Schulbesuch.' }],
      },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    const { id } = res.body as { id: string }
    smtp.messages.length = 0
    await drain()
    const message = smtp.messages.find((m) => m.raw.toString('latin1').includes(id))
    if (!message) throw new Error('transfer not delivered')
    smtp.messages.length = 0
    return { id, message }
  }

  /** What the Jugendamt's inbound pipeline decided about a delivered transfer. */
  function decisionOn(
    delivered: { id: string; message: CapturedMessage },
    overrides: Partial<PartnerReceiptInput> = {},
  ): PartnerReceiptInput {
    return {
      receivingAgencyId: 'ja-demo',
      senderAgencyId: 'jc-demo',
      transferId: delivered.id,
      messageId: delivered.message.messageId ?? '',
      outcome: 'accepted',
      envelopeSha256: createHash('sha256').update(delivered.message.raw).digest('hex'),
      ...overrides,
    }
  }

  /**
   * The test's stand-in for the inbound listener at the Jobcenter (built elsewhere): decrypt with
   * the hosted agency's key, verify against the trust anchor and CRL, find the agency of the
   * signer certificate, read the receipt headers and hand them to `recordPartnerReceipt`.
   */
  async function receiveAtJobcenter(raw: Buffer | string): Promise<RecordPartnerReceiptResult> {
    const jc = relayPki.identities['jc-demo']!
    const verified = decryptAndVerify({
      message: Buffer.from(raw),
      recipient: { key: jc.privateKey, certificate: jc.certificateDer },
      trustAnchors: [relayPki.pki.ca.certificateDer],
      crls: [relayPki.pki.crlDer],
      at: t.clock.now(),
    })
    if (!verified.ok) throw new Error(`receipt did not verify: ${verified.code}`)
    const signer = await findAgencyByMailbox(t.deps.db, verified.signer.email ?? '')
    if (!signer) throw new Error('signer is no known agency')
    const read = readPartnerReceipt(verified.mimeEntity)
    if (!read.ok) throw new Error(`not a receipt: ${read.code}`)
    return recordPartnerReceipt(t.deps, { signerAgencyId: signer.id, receipt: read.receipt })
  }

  async function view(id: string): Promise<Record<string, unknown>> {
    const res = await server.api('GET', `/transfers/${id}`, { token: await token('staff-jc') })
    expect(res.status).toBe(200)
    return res.body as Record<string, unknown>
  }

  async function auditOf(type: string): Promise<Record<string, unknown>[]> {
    const entries = await listAuditEntries(t.deps.db, { limit: 100_000 })
    return entries
      .filter((e) => e.event.type === type)
      .map((e) => e.event as Record<string, unknown>)
  }

  it('when the partner accepts, then its signed receipt is delivered over SMTP, verified, and the transfer shows it', async () => {
    const delivered = await deliveredTransfer()
    expect(await view(delivered.id)).toMatchObject({ status: 'delivered', partnerReceipt: null })
    const before = await countTransfersByStatus(t.deps.db)

    const sent = await sendPartnerReceipt(t.deps, decisionOn(delivered))
    expect(sent).toMatchObject({ queued: true })
    const receiptId = sent.queued ? sent.receiptId : ''
    // Queued for delivery, yet no transfer: not counted, not listed, not readable as one.
    expect(await countTransfersByStatus(t.deps.db)).toEqual(before)
    expect(await countOpenTransfers(t.deps.db)).toEqual({ queued: 0, retrying: 0 })
    for (const user of ['staff-ja', 'staff-jc'] as const) {
      const list = await server.api('GET', '/transfers', { token: await token(user) })
      const ids = (list.body as { transfers: { id: string }[] }).transfers.map((x) => x.id)
      expect(ids).not.toContain(receiptId)
    }
    const asTransfer = await server.api('GET', `/transfers/${receiptId}`, {
      token: await token('staff-ja'),
    })
    expect(asTransfer.status).toBe(404)

    await drain()
    expect(smtp.messages).toHaveLength(1)
    const mail = smtp.messages[0]!
    expect(mail.from).toBe('jugendhilfe@ja-demo.example')
    expect(mail.to).toEqual(['u25@jc-demo.example'])
    const outer = mail.raw.toString('latin1')
    expect(outer).toContain('application/pkcs7-mime')
    expect(outer).not.toContain('Wellenbrink')
    expect(outer).not.toContain('X-Brucke-Receipt')
    expect(await findTransfer(t.deps.db, receiptId)).toMatchObject({
      kind: 'receipt',
      status: 'delivered',
    })
    const delivery = (await auditOf('transfer_delivered')).find((e) => e.transferId === receiptId)
    expect(delivery).toMatchObject({ kind: 'receipt', consentId: null, subjectPseudonym: null })

    expect(await receiveAtJobcenter(mail.raw)).toEqual({ ok: true, transferId: delivered.id })
    const shown = await view(delivered.id)
    expect(shown.partnerReceipt).toEqual({ at: t.clock.now().toISOString(), outcome: 'accepted' })
    expect(await auditOf('partner_receipt_recorded')).toContainEqual({
      type: 'partner_receipt_recorded',
      transferId: delivered.id,
      agencyId: 'ja-demo',
      outcome: 'accepted',
      envelopeMatches: true,
    })
    expect(await auditOf('partner_receipt_sent')).toContainEqual(
      expect.objectContaining({ receiptId, receiptFor: delivered.id, outcome: 'accepted' }),
    )
    // The DPO's transfer report counts the transfer once, and no receipt.
    const report = await buildAuditReport(await listAuditEntries(t.deps.db, { limit: 100_000 }))
    const counted = report.transfersPerWeek.reduce((sum, row) => sum + row.count, 0)
    const queued = (await auditOf('transfer_queued')).length
    expect(counted).toBe(queued)
    expect(report.transfersPerWeek.every((row) => row.fromAgencyId !== 'ja-demo')).toBe(true)

    // Receipt events (with no consent and no pseudonym) keep the hash chain whole.
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true })
    // The OpenAPI document describes the field from the same schema.
    const openapi = JSON.stringify((await server.api('GET', '/openapi.json')).body)
    expect(openapi).toContain('"partnerReceipt"')

    // The same message decided again (a re-sent copy) gets no second receipt.
    expect(await sendPartnerReceipt(t.deps, decisionOn(delivered))).toEqual({
      queued: false,
      reason: 'already_queued',
    })
  }, 60_000)

  it('when the partner refuses, then the transfer shows the refusal and its reason, and a second receipt is ignored and audited', async () => {
    const delivered = await deliveredTransfer()
    await sendPartnerReceipt(
      t.deps,
      decisionOn(delivered, { outcome: 'refused', reason: 'attestation_mismatch' }),
    )
    await drain()
    const mail = smtp.messages[0]!
    expect(await receiveAtJobcenter(mail.raw)).toMatchObject({ ok: true })
    expect((await view(delivered.id)).partnerReceipt).toEqual({
      at: t.clock.now().toISOString(),
      outcome: 'refused',
      reason: 'attestation_mismatch',
    })

    // A later, different receipt (an acceptance from another decision) changes nothing.
    t.clock.advance(60_000)
    const second = await preparePartnerReceipt(
      t.deps,
      decisionOn(delivered, { messageId: '<other-copy@ja-demo.example>' }),
    )
    if (!second.ok) throw new Error(second.problem)
    // It names another Message-ID, so it is refused before it could count; with the right one it
    // is the second receipt for the transfer.
    expect(await receiveAtJobcenter(second.prepared.envelope)).toEqual({
      ok: false,
      reason: 'message_mismatch',
    })
    const again = await preparePartnerReceipt(t.deps, decisionOn(delivered))
    if (!again.ok) throw new Error(again.problem)
    expect(await receiveAtJobcenter(again.prepared.envelope)).toEqual({
      ok: false,
      reason: 'duplicate',
    })
    expect((await view(delivered.id)).partnerReceipt).toMatchObject({ outcome: 'refused' })
    expect(await auditOf('partner_receipt_rejected')).toContainEqual({
      type: 'partner_receipt_rejected',
      receiptFor: delivered.id,
      agencyId: 'ja-demo',
      reason: 'duplicate',
    })
  }, 60_000)

  it('when a receipt is signed by another agency than the transfer went to, then it is rejected', async () => {
    const delivered = await deliveredTransfer()
    // The Agentur für Arbeit signs a receipt for a transfer that went to the Jugendamt.
    const forged = await preparePartnerReceipt(
      t.deps,
      decisionOn(delivered, { receivingAgencyId: 'aa-demo' }),
    )
    if (!forged.ok) throw new Error(forged.problem)
    expect(await receiveAtJobcenter(forged.prepared.envelope)).toEqual({
      ok: false,
      reason: 'signer_not_recipient',
    })
    expect((await view(delivered.id)).partnerReceipt).toBeNull()
    expect(await auditOf('partner_receipt_rejected')).toContainEqual({
      type: 'partner_receipt_rejected',
      receiptFor: delivered.id,
      agencyId: 'aa-demo',
      reason: 'signer_not_recipient',
    })
  }, 60_000)

  it('when a receipt names an unknown transfer or another sender, then it is rejected', async () => {
    const delivered = await deliveredTransfer()
    const unknown = await preparePartnerReceipt(
      t.deps,
      decisionOn(delivered, { transferId: 'trf_never_sent_here' }),
    )
    if (!unknown.ok) throw new Error(unknown.problem)
    expect(await receiveAtJobcenter(unknown.prepared.envelope)).toEqual({
      ok: false,
      reason: 'unknown_transfer',
    })
    // Signed by the right agency, but saying the transfer came from the Agentur für Arbeit.
    const jc = relayPki.identities['jc-demo']!
    const misaddressed = await preparePartnerReceipt(
      t.deps,
      decisionOn(delivered, { senderAgencyId: 'aa-demo' }),
    )
    if (!misaddressed.ok) throw new Error(misaddressed.problem)
    // (Encrypted to the Agentur, so the Jobcenter cannot even open it.)
    expect(
      decryptAndVerify({
        message: Buffer.from(misaddressed.prepared.envelope),
        recipient: { key: jc.privateKey, certificate: jc.certificateDer },
        trustAnchors: [relayPki.pki.ca.certificateDer],
        at: t.clock.now(),
      }).ok,
    ).toBe(false)
    const result = await recordPartnerReceipt(t.deps, {
      signerAgencyId: 'ja-demo',
      receipt: misaddressed.prepared.receipt,
    })
    expect(result).toEqual({ ok: false, reason: 'recipient_mismatch' })
    expect((await view(delivered.id)).partnerReceipt).toBeNull()
  }, 60_000)

  it('when the receipt cannot be delivered at first, then the worker retries it like a transfer', async () => {
    const delivered = await deliveredTransfer()
    const sent = await sendPartnerReceipt(t.deps, decisionOn(delivered))
    const receiptId = sent.queued ? sent.receiptId : ''
    smtp.mode = 'tempfail'
    await runDeliveryRound(ctx)
    expect(await findTransfer(t.deps.db, receiptId)).toMatchObject({ status: 'retrying' })
    expect(await countOpenTransfers(t.deps.db)).toEqual({ queued: 0, retrying: 0 })
    smtp.mode = 'accept'
    t.clock.advance(3600_000)
    await drain()
    expect(await findTransfer(t.deps.db, receiptId)).toMatchObject({ status: 'delivered' })
    expect(await receiveAtJobcenter(smtp.messages.at(-1)!.raw)).toMatchObject({ ok: true })
  }, 60_000)
})
