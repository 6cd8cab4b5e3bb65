import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts } from '../support/accounts.ts'
import { freePort, startBruckeServe } from '../support/cli.ts'
import { dialects } from '../support/databases.ts'
import { bindingHeadersFor, sealedTestMessage } from '../support/inbound-messages.ts'
import { createRelayPki, registerRelayPki, type RelayPki } from '../support/smtp-relay-setup.ts'
import { TestClock } from '../support/test-clock.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const jaMailbox = 'jugendhilfe@ja-demo.example'

/** `brucke serve` as an operator starts it: the inbound listener is up and says where. */
describe.each(dialects)('brucke serve with the inbound listener on %s', (dialect) => {
  let t: TestDeps
  let relayPki: RelayPki

  beforeAll(async () => {
    // The process reads the system clock: certificates and CRL current now (as serve-relay.ts does).
    const now = new Date()
    relayPki = await createRelayPki({ at: now })
    t = await createTestDeps(dialect, { clock: new TestClock(now) })
    await seedAccounts(t.deps)
    await registerRelayPki(t.deps, relayPki)
  }, 120_000)
  afterAll(async () => {
    await t.close()
  })

  async function serve(inboundPort: string) {
    return startBruckeServe({
      env: {
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        DATABASE_URL: t.testDatabase.url,
        INBOUND_SMTP_PORT: inboundPort,
        BRUCKE_DEMO: 'false',
        BRUCKE_MASTER_KEY: t.deps.config.secrets.masterKey.toString('base64'),
        BRUCKE_TOKEN_KEY: t.deps.config.secrets.tokenKey.toString('base64'),
        BRUCKE_DATA_DIR: t.deps.config.dataDir,
        LOG_LEVEL: 'warn',
      },
    })
  }

  it('when INBOUND_SMTP_PORT is 0, then the banner names the port and a partner message sent there is received', async () => {
    const started = await serve('0')
    try {
      const match = /Inbound S\/MIME smtp:\/\/127\.0\.0\.1:(\d+)/.exec(started.output())
      expect(match, started.output()).not.toBeNull()
      const headers = bindingHeadersFor()
      const jc = relayPki.identities['jc-demo']!
      const raw = sealedTestMessage({
        headers,
        signer: { key: jc.privateKey, certificate: jc.certificateDer },
        recipient: {
          certificate: relayPki.identities['ja-demo']!.certificateDer,
          mailbox: jaMailbox,
        },
        contentEncryption: 'aes-256-cbc',
        at: new Date(),
      })
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: Number(match?.[1]),
        secure: false,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
      })
      try {
        const info = await transport.sendMail({
          envelope: { from: 'u25@jc-demo.example', to: [jaMailbox] },
          raw,
        })
        expect(info.response).toMatch(/^250 2\.0\.0 received as /)
      } finally {
        transport.close()
      }
      const item = await t.deps.db
        .selectFrom('inbound_items')
        .select(['status', 'sender_agency_id'])
        .where('message_id', '=', headers['Message-ID']!)
        .executeTakeFirst()
      expect(item).toEqual({ status: 'received', sender_agency_id: 'jc-demo' })
    } finally {
      await started.stop()
    }
  })

  it('when INBOUND_SMTP_PORT is off, then nothing listens and the banner says nothing of it', async () => {
    const started = await serve('off')
    try {
      expect(started.output()).not.toContain('Inbound S/MIME')
    } finally {
      await started.stop()
    }
  })
})
