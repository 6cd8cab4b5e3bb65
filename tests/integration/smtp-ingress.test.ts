import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { connect, createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { simpleParser } from 'mailparser'
import nodemailer from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer/index.js'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { countTransfersByStatus } from '../../db/transfer-repository.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { runDeliveryRound, type DeliveryContext } from '../../gateway/relay/delivery-worker.ts'
import { createSmtpMailer } from '../../gateway/relay/smtp-mailer.ts'
import { startSmtpIngress, type SmtpIngress } from '../../gateway/relay/smtp-ingress.ts'
import type { Mailer } from '../../gateway/relay/ports.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import {
  createRelayPki,
  registerRelayPki,
  testDeliveryContext,
  opensslSync,
  type RelayPki,
} from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/** Strings that must never appear outside the encrypted message: one in the body, one in the subject. */
const marker = 'KORMORAN-4482-Wohnungsverlust'
const subjectMarker = 'PELIKAN-9917'
const subject = { givenName: 'Mira', familyName: 'Tannenzapf', birthDate: '2005-04-01' }
const testMaxBytes = 256 * 1024

interface SmtpFailure {
  responseCode?: number
  response?: string
}

describe.each(dialects)('SMTP ingress on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let relayPki: RelayPki
  let smtp: SmtpCapture
  let ctx: DeliveryContext
  let replyMailer: Mailer
  let ingress: SmtpIngress

  beforeAll(async () => {
    relayPki = await createRelayPki()
    smtp = await startSmtpCapture()
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    await registerRelayPki(t.deps, relayPki)
    server = await startTestServer(t.deps)
    ctx = testDeliveryContext(t.deps, smtp.url)
    replyMailer = createSmtpMailer(smtp.url)
    ingress = await startSmtpIngress({
      deps: t.deps,
      mailer: replyMailer,
      maxMessageBytes: testMaxBytes,
    })
  }, 120_000)
  afterAll(async () => {
    await ingress?.stop()
    replyMailer?.close()
    ctx?.mailer.close()
    await server?.close()
    await smtp?.close()
    await t?.close()
  })
  beforeEach(() => {
    smtp.messages.length = 0
  })

  async function token(userId: 'staff-jc' | 'kiosk-jc'): Promise<string> {
    const issued = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId,
      role: userId === 'staff-jc' ? 'staff' : 'kiosk',
      agencyId: 'jc-demo',
      now: t.clock.now(),
      ttlMinutes: 60,
    })
    return issued.token
  }

  async function activeConsent(categories = ['schule', 'wohnen']): Promise<string> {
    return signedEinwilligung(server, {
      staffToken: await token('staff-jc'),
      kioskToken: await token('kiosk-jc'),
      subject,
      purpose: 'uebergabe',
      categories,
    })
  }

  /** A mail client as staff use it: STARTTLS required, AUTH PLAIN/LOGIN with user id and password. */
  function client(
    options: { user?: string; pass?: string; ignoreTLS?: boolean; port?: number } = {},
  ) {
    return nodemailer.createTransport({
      host: '127.0.0.1',
      port: options.port ?? ingress.port,
      secure: false,
      ...(options.ignoreTLS ? { ignoreTLS: true } : { requireTLS: true }),
      tls: { rejectUnauthorized: false }, // the self-signed certificate made at start
      auth: { user: options.user ?? 'staff-jc', pass: options.pass ?? testPassword },
    })
  }

  async function send(
    message: Mail.Options,
    options: Parameters<typeof client>[0] = {},
  ): Promise<{ response: string }> {
    const transport = client(options)
    try {
      const info = (await transport.sendMail({
        from: 'Frau Demir <u25@jc-demo.example>',
        to: 'jugendhilfe@ja-demo.example',
        ...message,
      })) as { response: string }
      return info
    } finally {
      transport.close()
    }
  }

  async function refusal(
    message: Mail.Options,
    options: Parameters<typeof client>[0] = {},
  ): Promise<SmtpFailure> {
    const error = await send(message, options).then(
      () => undefined,
      (e: unknown) => e as SmtpFailure,
    )
    expect(error, 'the ingress accepted the mail').toBeDefined()
    return error!
  }

  const mailFor = (consentId: string, category = 'wohnen'): Mail.Options => ({
    subject: `Übergabe ${subjectMarker} [Brücke consent=${consentId} purpose=Übergabe category=${category}]`,
    text: `Erforderlichkeit: Zuständigkeitswechsel nach Umzug\n\nDie Wohnung ist gekündigt (${marker}).\n`,
  })

  async function drain(): Promise<void> {
    while ((await runDeliveryRound(ctx)) > 0) {
      /* until nothing is due */
    }
  }

  it('when staff send a covered mail over STARTTLS with AUTH, then it is queued as a transfer, delivered and decrypts to the summary', async () => {
    const consentId = await activeConsent()
    const pdf = Buffer.from(`%PDF-1.4\n% ${marker}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`)
    const info = await send({
      ...mailFor(consentId),
      attachments: [{ filename: 'Mietvertrag.pdf', content: pdf, contentType: 'application/pdf' }],
    })
    const id = /^250 .*queued as (trf_[0-9a-z]+)/.exec(info.response)?.[1]
    expect(id, info.response).toBeDefined()

    const entries = await listAuditEntries(t.deps.db, { limit: 1000 })
    const queued = entries.find(
      (e) => e.event.type === 'transfer_queued' && e.event.transferId === id,
    )
    expect(queued?.event).toMatchObject({
      channel: 'smtp_ingress',
      consentId,
      purpose: 'uebergabe',
      categories: ['wohnen'],
      recipientAgencyId: 'ja-demo',
    })
    expect(queued?.actor).toBe('user:staff-jc')

    await drain()
    expect(smtp.messages).toHaveLength(1)
    const message = smtp.messages[0]!
    expect(message.to).toEqual(['jugendhilfe@ja-demo.example'])
    const outer = message.raw.toString('latin1')
    expect(outer).not.toContain(marker)
    expect(outer).not.toContain(subjectMarker)

    const work = mkdtempSync(join(tmpdir(), 'brucke-ingress-'))
    writeFileSync(join(work, 'key.pem'), relayPki.identities['ja-demo']!.privateKeyPem)
    writeFileSync(join(work, 'cert.pem'), relayPki.identities['ja-demo']!.certificatePem)
    const signed = opensslSync(
      [
        'cms',
        '-decrypt',
        '-inform',
        'SMIME',
        '-recip',
        join(work, 'cert.pem'),
        '-inkey',
        join(work, 'key.pem'),
      ],
      message.raw,
    )
    writeFileSync(join(work, 'ca.pem'), relayPki.pki.ca.certificatePem)
    const inner = opensslSync(
      ['cms', '-verify', '-inform', 'SMIME', '-CAfile', join(work, 'ca.pem'), '-purpose', 'any'],
      signed,
    )
    const parsed = await simpleParser(inner)
    expect(parsed.headers.get('x-brucke-consent-id')).toBe(consentId)
    expect(parsed.text).toContain(marker)
    expect(parsed.text).toContain('Zuständigkeitswechsel nach Umzug') // the necessity, on the cover sheet
    expect(parsed.text).toContain(`Übergabe ${subjectMarker}`) // the subject without its token, as the title
    // The PDF, and the consent attestation the gateway adds inside the signature (issue 16).
    expect(parsed.attachments.map((a) => a.filename)).toEqual([
      'Mietvertrag.pdf',
      'consent-attestation.json',
    ])
  })

  it('when a mail is not covered by the consent, then it is taken, audited as denied, nothing is stored, and a German reply names the reasons without the content', async () => {
    const consentId = await activeConsent(['schule'])
    const before = await countTransfersByStatus(t.deps.db)
    const info = await send(
      {
        ...mailFor(consentId, 'Gesundheit'),
        messageId: '<orig-4711@jc-demo.example>',
      },
      {},
    )
    expect(info.response).toMatch(/^250 /)
    expect(info.response).not.toMatch(/trf_/)
    expect(await countTransfersByStatus(t.deps.db)).toEqual(before)

    const entries = await listAuditEntries(t.deps.db, { limit: 1000 })
    const denied = entries.filter(
      (e) => e.event.type === 'transfer_denied' && e.event.consentId === consentId,
    )
    expect(denied).toHaveLength(1)
    expect(denied[0]?.event).toMatchObject({
      channel: 'smtp_ingress',
      reasons: ['category_not_covered:gesundheit'],
    })

    expect(smtp.messages).toHaveLength(1)
    const bounce = smtp.messages[0]!
    expect(bounce.from).toBe('') // null reverse-path: no reply to a reply
    expect(bounce.to).toEqual(['u25@jc-demo.example'])
    const raw = bounce.raw.toString('utf8')
    expect(raw).toMatch(/^Content-Type: multipart\/report; report-type=delivery-status/im)
    expect(raw).toMatch(/^Auto-Submitted: auto-replied\r?$/m)
    expect(raw).toMatch(/^Status: 5\.7\.1\r?$/m)
    const parsed = await simpleParser(bounce.raw)
    expect(parsed.subject).toBe('Nicht zugestellt: Übermittlung abgelehnt')
    expect(parsed.inReplyTo).toBe('<orig-4711@jc-demo.example>')
    expect(parsed.text).toContain(
      'Datenkategorie „Gesundheit“ ist von der Einwilligung nicht gedeckt',
    )
    expect(parsed.text).toContain('[category_not_covered:gesundheit]')
    expect(parsed.text).toContain(consentId)
    expect(parsed.text).toContain('Jugendamt Demo-Stadt (ja-demo)')
    for (const secret of [marker, subjectMarker, 'Umzug']) {
      expect(raw).not.toContain(secret)
      expect(parsed.text).not.toContain(secret)
    }
  })

  it('when the consent was revoked, then the reply says so in plain German', async () => {
    const consentId = await activeConsent()
    const revoked = await server.api('POST', `/consents/${consentId}/revocation`, {
      token: await token('staff-jc'),
      body: { channel: 'staff' },
    })
    expect(revoked.status).toBe(200)
    t.clock.advance(1000)
    await send(mailFor(consentId))
    expect(smtp.messages).toHaveLength(1)
    const parsed = await simpleParser(smtp.messages[0]!.raw)
    expect(parsed.text).toContain('Die Person hat die Einwilligung widerrufen.')
    expect(parsed.text).not.toContain(marker)
  })

  it('when the password is wrong, then AUTH is refused with 535 and the failure is audited', async () => {
    const error = await refusal({ text: 'x' }, { pass: 'wrong password, sorry' })
    expect(error.responseCode).toBe(535)
    expect(error.response).toMatch(/^535 5\.7\.8 /)
    const entries = await listAuditEntries(t.deps.db, { limit: 1000 })
    expect(
      entries.some((e) => e.event.type === 'login_failed' && e.event.username === 'staff-jc'),
    ).toBe(true)
  })

  it('when DPO, admin or kiosk accounts log in with their right password, then AUTH is refused with the same 535', async () => {
    for (const user of ['dpo-jc', 'dpo-all', 'admin', 'kiosk-jc']) {
      const error = await refusal({ text: 'x' }, { user })
      expect(error.responseCode, user).toBe(535)
      expect(error.response, user).toMatch(/^535 5\.7\.8 /)
    }
  })

  it('when a client tries AUTH before STARTTLS, then it is refused', async () => {
    const error = await refusal({ text: 'x' }, { ignoreTLS: true })
    expect(error.responseCode).toBe(538)
  })

  it('when MAIL FROM is outside the agency domain, then 553 5.7.1', async () => {
    const error = await refusal({
      from: 'someone@elsewhere.example',
      ...mailFor('cns_abcd1234'),
    })
    expect(error.responseCode).toBe(553)
    expect(error.response).toMatch(/^553 5\.7\.1 .*@jc-demo\.example/)
  })

  it('when the recipient is no partner mailbox, then 550 at RCPT', async () => {
    const error = await refusal({ to: 'nobody@ja-demo.example', ...mailFor('cns_abcd1234') })
    expect(error.responseCode).toBe(550)
    expect(error.response).toMatch(/^550 5\.1\.1 Unbekannte Empfängerin/)
  })

  it('when the consent reference is missing, then 550 names it and nothing is audited or stored', async () => {
    const before = await listAuditEntries(t.deps.db, { limit: 5000 })
    const error = await refusal({
      subject: 'Übergabe [Brücke purpose=uebergabe category=wohnen]',
      text: `Erforderlichkeit: Umzug\n\n${marker}`,
    })
    expect(error.responseCode).toBe(550)
    expect(error.response).toMatch(/^550 5\.6\.0 .*Einwilligung fehlt.*consent reference missing/)
    expect(await listAuditEntries(t.deps.db, { limit: 5000 })).toHaveLength(before.length)
  })

  it('when the mail goes to the ingress address with X-Brucke headers, then it is read from the headers', async () => {
    const consentId = await activeConsent()
    const info = await send({
      to: 'brucke@gateway.example',
      subject: 'Übergabe',
      headers: {
        'X-Brucke-To': 'ja-demo',
        'X-Brucke-Consent': consentId,
        'X-Brucke-Purpose': 'uebergabe',
        'X-Brucke-Category': 'schule',
        'X-Brucke-Necessity': 'Zuständigkeitswechsel',
      },
      text: 'Schulbesuch regelmäßig.',
    })
    expect(info.response).toMatch(/^250 .*queued as trf_/)
    await drain()
  })

  it('when a non-PDF file is attached, then 550 says only PDF is accepted', async () => {
    const consentId = await activeConsent()
    const error = await refusal({
      ...mailFor(consentId),
      attachments: [{ filename: 'foto.png', content: Buffer.from('not a pdf') }],
    })
    expect(error.responseCode).toBe(550)
    expect(error.response).toMatch(/Nur PDF-Anhänge/)
  })

  it('when the mail is larger than SIZE, then 552', async () => {
    const consentId = await activeConsent()
    const error = await refusal({
      ...mailFor(consentId),
      text: `Erforderlichkeit: Umzug\n\n${'Zeile mit Text. '.repeat(testMaxBytes / 8)}`,
    })
    expect(error.responseCode).toBe(552)
    expect(error.response).toMatch(/^552 5\.3\.4 /)
  })

  it('when the data is garbage or a client resets its connection, then 5xx or nothing, and the ingress keeps serving', async () => {
    const garbage = await refusal({
      envelope: { from: 'u25@jc-demo.example', to: ['jugendhilfe@ja-demo.example'] },
      raw: 'no headers at all\r\n\u0000\u0001\u0002 binary\r\n',
    })
    expect(garbage.responseCode).toBe(554)
    expect(garbage.response).toMatch(/^554 5\.6\.0 /)

    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(ingress.port, '127.0.0.1', () => {
          socket.write('EHLO reset.example\r\n')
          setTimeout(() => {
            socket.resetAndDestroy()
            resolve()
          }, 20)
        })
        socket.on('error', () => resolve())
      })
    }

    const consentId = await activeConsent()
    const info = await send(mailFor(consentId))
    expect(info.response).toMatch(/^250 .*queued as trf_/)
    await drain()
  })

  it('when one client address fails AUTH ten times, then even the right password is refused for a while', async () => {
    const own = await startSmtpIngress({
      deps: t.deps,
      mailer: replyMailer,
    })
    try {
      for (let i = 0; i < 10; i++) {
        const error = await refusal({ text: 'x' }, { port: own.port, pass: `wrong ${i}` })
        expect(error.responseCode).toBe(535)
      }
      const limited = await refusal({ text: 'x' }, { port: own.port })
      expect(limited.responseCode).toBe(454)
      t.clock.advance(16 * 60_000)
      const consentId = await activeConsent()
      const info = await send(mailFor(consentId), { port: own.port })
      expect(info.response).toMatch(/^250 /)
      await drain()
    } finally {
      await own.stop()
    }
  })

  it('when the configured port is in use, then the start fails naming the setting', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as AddressInfo).port
    try {
      await expect(
        startSmtpIngress({
          deps: { ...t.deps, config: { ...t.deps.config, smtpIngressPort: port } },
          mailer: replyMailer,
        }),
      ).rejects.toMatchObject({
        code: 'ERR_SMTP_INGRESS_LISTEN',
        message: expect.stringContaining('SMTP_INGRESS_PORT'),
      })
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()))
    }
  })

  it('when everything has run, then neither the body nor the subject marker is in the database or the logs', async () => {
    const logs = t.logLines.join('\n')
    expect(logs).toContain('smtp ingress: transfer queued')
    for (const secret of [marker, subjectMarker]) {
      expect(logs).not.toContain(secret)
      if (dialect === 'sqlite') {
        const file = t.testDatabase.url.slice('file:'.length)
        const dir = join(file, '..')
        for (const name of readdirSync(dir))
          expect(readFileSync(join(dir, name)).includes(Buffer.from(secret)), name).toBe(false)
      } else {
        for (const table of ['transfers', 'transfer_outbox', 'audit_entries', 'consents']) {
          const rows = await sql<{
            row: string
          }>`select t::text as row from ${sql.table(table)} t`.execute(t.deps.db)
          expect(
            rows.rows.some((r) => r.row.includes(secret)),
            table,
          ).toBe(false)
        }
      }
    }
  })
})
