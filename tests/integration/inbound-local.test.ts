import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { receiveLocalDelivery } from '../../gateway/inbound/local-delivery.ts'
import { runDeliveryRound, type DeliveryContext } from '../../gateway/relay/delivery-worker.ts'
import { findTransfer } from '../../db/transfer-repository.ts'
import { seedAccounts } from '../support/accounts.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import {
  createRelayPki,
  registerRelayPki,
  testDeliveryContext,
  type RelayPki,
} from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const marker = 'SEESCHWALBE-9031-Ausbildungsabbruch'
const subject = { givenName: 'Mira', familyName: 'Ostendorf', birthDate: '2006-02-11' }

/**
 * The single shared instance (issue 16, point 3): after the delivery worker's 250 for a transfer
 * to an agency hosted here, the same sealed message goes through the receive pipeline, so the
 * recipient's inbox has it; a failure there never touches the transfer's `delivered`.
 */
describe.each(dialects)('local receive after delivery on %s', (dialect) => {
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
    ctx = {
      ...testDeliveryContext(t.deps, smtp.url),
      afterDelivered: (delivered) => receiveLocalDelivery(t.deps, delivered),
    }
  }, 120_000)
  afterAll(async () => {
    ctx.mailer.close()
    await server.close()
    await smtp.close()
    await t.close()
  })
  beforeEach(async () => {
    smtp.mode = 'accept'
    await smtp.up()
  })

  async function token(userId: 'staff-jc' | 'kiosk-jc'): Promise<string> {
    const role = userId === 'staff-jc' ? 'staff' : 'kiosk'
    const issued = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId,
      role,
      agencyId: 'jc-demo',
      now: t.clock.now(),
      ttlMinutes: 60,
    })
    return issued.token
  }

  async function queueTransfer(): Promise<string> {
    const consentId = await signedEinwilligung(server, {
      staffToken: await token('staff-jc'),
      kioskToken: await token('kiosk-jc'),
      subject,
      purpose: 'hilfeplanung',
      categories: ['schule', 'berufswahl'],
    })
    const res = await server.api('POST', '/transfers', {
      token: await token('staff-jc'),
      body: {
        consentId,
        to: 'ja-demo',
        purpose: 'hilfeplanung',
        necessity: 'Abstimmung des Hilfeplans vor dem Gespräch.',
        sections: [{ category: 'schule', title: 'Schule', body: `Seit März ${marker}.` }],
      },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    return (res.body as { id: string }).id
  }

  async function drain(): Promise<void> {
    while ((await runDeliveryRound(ctx)) > 0) {
      /* until nothing is due */
    }
  }

  async function itemOf(transferId: string) {
    return t.deps.db
      .selectFrom('inbound_items')
      .selectAll()
      .where('transfer_id', '=', transferId)
      .executeTakeFirst()
  }

  it('when a transfer to an agency hosted here is delivered, then the recipient has it received, verified and still encrypted', async () => {
    const id = await queueTransfer()
    await drain()
    const transfer = await findTransfer(t.deps.db, id)
    expect(transfer).toMatchObject({ status: 'delivered' })
    const item = await itemOf(id)
    expect(item).toMatchObject({
      status: 'received',
      kind: 'case_summary',
      recipient_agency_id: 'ja-demo',
      sender_agency_id: 'jc-demo',
      purpose: 'hilfeplanung',
      categories: JSON.stringify(['schule']),
      message_id: transfer?.messageId,
      // The same instance: the sender's pseudonym of the person, made with the same key.
      subject_pseudonym: transfer?.subjectPseudonym,
    })
    expect(item?.envelope).toContain('application/pkcs7-mime')
    expect(JSON.stringify(item)).not.toContain(marker)
    expect(JSON.stringify(item)).not.toContain('Ostendorf')
    // The receiving side's signed receipt took the same way back (issue 16 point 7).
    await drain()
    expect((await findTransfer(t.deps.db, id))?.partnerReceipt).toMatchObject({
      outcome: 'accepted',
    })
  })

  it('when the local receive refuses the message, then it is quarantined with its reason and the transfer stays delivered', async () => {
    const id = await queueTransfer()
    // The sender's certificate is withdrawn after sealing: the receiving side refuses the signer.
    await t.deps.db
      .updateTable('agency_certificates')
      .set({ status: 'revoked' })
      .where('agency_id', '=', 'jc-demo')
      .execute()
    try {
      await drain()
    } finally {
      await t.deps.db
        .updateTable('agency_certificates')
        .set({ status: 'active' })
        .where('agency_id', '=', 'jc-demo')
        .execute()
    }
    expect(await findTransfer(t.deps.db, id)).toMatchObject({ status: 'delivered' })
    const item = await itemOf(id)
    expect(item).toMatchObject({ status: 'quarantined', refusal_reason: 'signer_revoked' })
    expect(JSON.stringify(item)).not.toContain(marker)
  })

  it('when the recipient is a partner not hosted here, then nothing is received locally', async () => {
    const id = await queueTransfer()
    await t.deps.db.updateTable('agencies').set({ hosted: 0 }).where('id', '=', 'ja-demo').execute()
    try {
      await drain()
    } finally {
      await t.deps.db
        .updateTable('agencies')
        .set({ hosted: 1 })
        .where('id', '=', 'ja-demo')
        .execute()
    }
    expect(await findTransfer(t.deps.db, id)).toMatchObject({ status: 'delivered' })
    expect(await itemOf(id)).toBeUndefined()
  })
})
