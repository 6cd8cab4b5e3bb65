import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countTransfersByStatus } from '../../db/transfer-repository.ts'
import { startDeliveryWorker, transfersPerRound } from '../../gateway/relay/delivery-worker.ts'
import type { Service } from '../../gateway/serve.ts'
import { seedAccounts } from '../support/accounts.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import {
  createRelayPki,
  registerRelayPki,
  testDeliveryContext,
} from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/** The longest poll interval the configuration allows: a round waiting for it never comes here. */
const tenMinutes = 600_000

describe.each(dialects)('the delivery worker of brucke serve on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let smtp: SmtpCapture
  let tokens: Record<string, string>
  let worker: Service | undefined

  beforeAll(async () => {
    smtp = await startSmtpCapture()
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    await registerRelayPki(t.deps, await createRelayPki())
    server = await startTestServer(t.deps)
  }, 120_000)
  afterAll(async () => {
    await worker?.stop()
    await server.close()
    await smtp.close()
    await t.close()
  })

  it('when more transfers are due than one round takes, then it delivers all of them at start, and one queued while it idles at once — never waiting for the poll interval', async () => {
    const consentId = await signedEinwilligung(server, {
      staffToken: tokens['staff-jc'] as string,
      kioskToken: tokens['kiosk-jc'] as string,
      subject: { givenName: 'Mira', familyName: 'Olszewski', birthDate: '2006-02-14' },
      purpose: 'hilfeplanung',
      categories: ['schule'],
    })
    const send = async (n: number) => {
      const sent = await server.api('POST', '/transfers', {
        token: tokens['staff-jc'],
        body: {
          consentId,
          to: 'ja-demo',
          purpose: 'hilfeplanung',
          necessity: 'Abstimmung vor dem Hilfeplangespräch.',
          sections: [{ category: 'schule', title: 'Schule', body: `Bericht ${n}` }],
        },
      })
      expect(sent.status, JSON.stringify(sent.body)).toBe(202)
    }
    const backlog = transfersPerRound * 2 + 2
    for (let i = 0; i < backlog; i++) await send(i + 1)

    const ctx = testDeliveryContext(t.deps, smtp.url)
    worker = startDeliveryWorker({ ...ctx, settings: { ...ctx.settings, pollMs: tenMinutes } })
    // Only the first round and the rounds after a full one may run: with the poll interval of ten
    // minutes, a worker that waited for it after a full round would stop at transfersPerRound.
    const delivered = async () => (await countTransfersByStatus(t.deps.db)).delivered ?? 0
    const waitForDelivered = async (count: number) => {
      for (let i = 0; i < 400 && (await delivered()) < count; i++)
        await new Promise((resolve) => setTimeout(resolve, 25))
    }
    await waitForDelivered(backlog)
    expect(await delivered()).toBe(backlog)
    expect(smtp.messages).toHaveLength(backlog)
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(backlog)

    // The last round found fewer than a full round: the worker now waits ten minutes, unless the
    // submission wakes it (or, if that round is still finishing, makes it look again at once).
    await send(backlog + 1)
    await waitForDelivered(backlog + 1)
    expect(await delivered()).toBe(backlog + 1)
    expect(smtp.messages).toHaveLength(backlog + 1)
  }, 60_000)
})
