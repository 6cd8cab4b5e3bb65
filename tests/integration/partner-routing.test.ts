import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addAgency } from '../../gateway/accounts/account-service.ts'
import { demoAgencies } from '../../gateway/demo-setup.ts'
import { createOutboundMailer } from '../../gateway/federation/partner-routing-mailer.ts'
import { savePartnerAgency } from '../../db/federation-repository.ts'
import { dialects } from '../support/databases.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const jobcenter = demoAgencies.find((agency) => agency.id === 'jc-demo')!
const jugendamt = demoAgencies.find((agency) => agency.id === 'ja-demo')!

/**
 * A partner gateway's inbound listener as smtp-server offers it: STARTTLS with its own
 * self-signed certificate; records whether each message came over TLS.
 */
async function startPartnerListener() {
  const received: { to: string[]; secure: boolean; raw: string }[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
          raw: Buffer.concat(chunks).toString(),
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const message = (to: string) => ({
  from: jobcenter.mailbox,
  to: [to],
  raw: `From: ${jobcenter.mailbox}\r\nTo: ${to}\r\nSubject: sealed\r\n\r\n(S/MIME)\r\n`,
})

describe.each(dialects)('outbound routing to partner gateways on %s', (dialect) => {
  let t: TestDeps
  let partner: Awaited<ReturnType<typeof startPartnerListener>>
  let catchall: SmtpCapture
  let relay: SmtpCapture

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    partner = await startPartnerListener()
    catchall = await startSmtpCapture()
    relay = await startSmtpCapture()
    await addAgency(t.deps, { actor: 'system', agency: jobcenter })
    // What importing the Jugendamt's card leaves in the agencies table.
    await savePartnerAgency(t.deps.db, {
      card: {
        format: 'brucke-partner-card',
        version: 1,
        agency: {
          id: jugendamt.id,
          kind: jugendamt.kind,
          name: jugendamt.name,
          mailbox: jugendamt.mailbox,
          smimeProfile: 'compatible',
          privacyNotice: null,
        },
        certificates: [],
        caChain: [],
        crlUrl: null,
        inboundSmtp: partner.url,
        issuedAt: t.clock.now().toISOString(),
      },
      cardSha256: '0'.repeat(64),
      at: t.clock.now(),
      exists: false,
    })
  })
  afterAll(async () => {
    await partner.close()
    await catchall.close()
    await relay.close()
    await t.close()
  })

  it('when SMTP_URL is not set, then mail to a partner goes to its card inbound address (over STARTTLS) and the rest to the local catch-all', async () => {
    const mailer = createOutboundMailer(t.deps, catchall.url)
    try {
      await mailer.send(message(jugendamt.mailbox))
      await mailer.send(message(jugendamt.mailbox))
      await mailer.send(message('someone@hosted.example'))
    } finally {
      mailer.close()
    }
    expect(partner.received.map((m) => [m.to, m.secure])).toEqual([
      [[jugendamt.mailbox], true],
      [[jugendamt.mailbox], true],
    ])
    expect(catchall.messages.map((m) => m.to)).toEqual([['someone@hosted.example']])
  })

  it('when SMTP_URL is set, then everything goes through it, partners included', async () => {
    partner.received.length = 0
    catchall.messages.length = 0
    const deps = { ...t.deps, config: { ...t.deps.config, smtpUrl: relay.url } }
    const mailer = createOutboundMailer(deps, relay.url)
    try {
      await mailer.send(message(jugendamt.mailbox))
      await mailer.send(message('someone@hosted.example'))
    } finally {
      mailer.close()
    }
    expect(relay.messages.map((m) => m.to)).toEqual([
      [jugendamt.mailbox],
      ['someone@hosted.example'],
    ])
    expect(partner.received).toEqual([])
    expect(catchall.messages).toEqual([])
  })
})
