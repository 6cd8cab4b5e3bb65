import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { simpleParser, type ParsedMail } from 'mailparser'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { markConsentLapsed } from '../../db/consent-repository.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { countTransfersByStatus, findEnvelope, findTransfer } from '../../db/transfer-repository.ts'
import { runDeliveryRound, type DeliveryContext } from '../../gateway/relay/delivery-worker.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { attestedCircumstances } from '../support/signature-evidence.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import {
  createRelayPki,
  registerRelayPki,
  testDeliveryContext,
  opensslSync,
  type RelayPki,
} from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/** A string that must never appear outside the encrypted message. */
const marker = 'ZEBRAFINK-7731-Schulverweigerung'
const subject = { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' }

const transferBody = (consentId: string, overrides: Record<string, unknown> = {}) => ({
  consentId,
  to: 'ja-demo',
  purpose: 'hilfeplanung',
  necessity: 'Abstimmung des Kooperationsplans mit dem Hilfeplan vor dem Gespräch am 10.03.',
  sections: [
    {
      category: 'schule',
      title: 'Schulische Situation',
      body: `Seit Januar ${marker} im Unterricht.`,
    },
    { category: 'berufswahl', title: 'Berufswahl', body: 'Praktikum im Einzelhandel geplant.' },
  ],
  ...overrides,
})

describe.each(dialects)('transfers over SMTP on %s', (dialect) => {
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
  beforeEach(async () => {
    smtp.mode = 'accept'
    smtp.messages.length = 0
    await smtp.up()
  })

  /** A fresh token at the test clock's time (tests move the clock by hours). */
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

  async function activeConsent(
    categories = ['schule', 'berufswahl', 'hilfeplan'],
  ): Promise<string> {
    return signedEinwilligung(server, {
      staffToken: await token('staff-jc'),
      kioskToken: await token('kiosk-jc'),
      subject,
      purpose: 'hilfeplanung',
      categories,
    })
  }

  async function submit(body: unknown) {
    return server.api('POST', '/transfers', { token: await token('staff-jc'), body })
  }

  async function drain(): Promise<void> {
    while ((await runDeliveryRound(ctx)) > 0) {
      /* until nothing is due */
    }
  }

  async function status(id: string): Promise<Record<string, unknown>> {
    const res = await server.api('GET', `/transfers/${id}`, { token: await token('staff-jc') })
    expect(res.status).toBe(200)
    return res.body as Record<string, unknown>
  }

  /** Decrypts and verifies a message with openssl as the Jugendamt would, and parses it. */
  async function openAtJugendamt(raw: Buffer): Promise<ParsedMail> {
    const work = mkdtempSync(join(tmpdir(), 'brucke-openssl-'))
    const keyPath = join(work, 'ja.key.pem')
    const certPath = join(work, 'ja.cert.pem')
    const caPath = join(work, 'ca.pem')
    writeFileSync(keyPath, relayPki.identities['ja-demo']!.privateKeyPem)
    writeFileSync(certPath, relayPki.identities['ja-demo']!.certificatePem)
    writeFileSync(caPath, relayPki.pki.ca.certificatePem)
    const signed = opensslSync(
      ['cms', '-decrypt', '-inform', 'SMIME', '-recip', certPath, '-inkey', keyPath],
      raw,
    )
    const inner = opensslSync(
      ['cms', '-verify', '-inform', 'SMIME', '-CAfile', caPath, '-purpose', 'any'],
      signed,
    )
    return simpleParser(inner)
  }

  it('when a covered transfer is submitted, then it is queued, delivered once, and decrypts with openssl to the bound message', async () => {
    const consentId = await activeConsent()
    const res = await submit(transferBody(consentId))
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    const { id } = res.body as { id: string; status: string }
    expect(res.body).toMatchObject({ status: 'queued' })
    const envelope = await findEnvelope(t.deps.db, id)
    expect(envelope).toContain('application/pkcs7-mime')
    expect(envelope).not.toContain(marker)

    await drain()
    expect(smtp.messages).toHaveLength(1)
    const message = smtp.messages[0]!
    expect(message.from).toBe('u25@jc-demo.example')
    expect(message.to).toEqual(['jugendhilfe@ja-demo.example'])
    expect(await findTransfer(t.deps.db, id)).toMatchObject({
      senderMailbox: 'u25@jc-demo.example',
      recipientMailbox: 'jugendhilfe@ja-demo.example',
    })
    const view = await status(id)
    expect(view).toMatchObject({ status: 'delivered', attempts: 1, messageId: message.messageId })
    expect(view.smtpResponse).toMatch(/^250/)
    expect(await findEnvelope(t.deps.db, id)).toBeUndefined()
    // Outer headers: no personal data, only mailboxes and the transfer id.
    const outer = message.raw.toString('latin1')
    expect(outer).not.toContain(marker)
    expect(outer).not.toContain('Quastenberg')
    expect(outer).toMatch(new RegExp(`^Subject: Bruecke transfer ${id}\\r?$`, 'm'))

    const work = mkdtempSync(join(tmpdir(), 'brucke-openssl-'))
    const keyPath = join(work, 'ja.key.pem')
    const certPath = join(work, 'ja.cert.pem')
    writeFileSync(keyPath, relayPki.identities['ja-demo']!.privateKeyPem)
    writeFileSync(certPath, relayPki.identities['ja-demo']!.certificatePem)
    // ja-demo has the `compatible` profile: EnvelopedData AES-256-CBC, RSA PKCS#1 v1.5.
    expect(outer).toContain('smime-type=enveloped-data')
    const signed = opensslSync(
      ['cms', '-decrypt', '-inform', 'SMIME', '-recip', certPath, '-inkey', keyPath],
      message.raw,
    )
    const caPath = join(work, 'ca.pem')
    writeFileSync(caPath, relayPki.pki.ca.certificatePem)
    const inner = opensslSync(
      ['cms', '-verify', '-inform', 'SMIME', '-CAfile', caPath, '-purpose', 'any'],
      signed,
    ).toString('utf8')
    // Header names are case-insensitive (RFC 5322 §1.2.2); the composer writes `…-ID`.
    const header = (name: string) =>
      new RegExp(`^${name}:\\s*(.*?)\\s*$`, 'im').exec(
        (inner.split(/\r?\n\r?\n/)[0] ?? '').replace(/\r?\n[ \t]+/g, ' '),
      )?.[1]
    expect(header('X-Brucke-Transfer-Id')).toBe(id)
    expect(header('X-Brucke-Consent-Id')).toBe(consentId)
    expect(header('X-Brucke-Consent-Text-Sha256')).toMatch(/^[0-9a-f]{64}$/)
    expect(header('X-Brucke-Purpose')).toBe('hilfeplanung')
    expect(header('X-Brucke-Categories')).toBe('schule, berufswahl')
    expect(header('X-Brucke-Sender')).toBe('jc-demo')
    expect(header('X-Brucke-Recipient')).toBe('ja-demo')
    // The text part is base64; decode every base64 body part to find the summary and § 78 notice.
    const decoded = [...inner.matchAll(/\r?\n\r?\n([A-Za-z0-9+/=\r\n]{40,})/g)]
      .map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64').toString('utf8'))
      .join('\n')
    expect(decoded).toContain(marker)
    expect(decoded).toContain('§ 78 SGB X')

    const entries = await listAuditEntries(t.deps.db, { limit: 1000 })
    const mine = entries.filter((e) => 'transferId' in e.event && e.event.transferId === id)
    expect(mine.map((e) => e.event.type)).toEqual(['transfer_queued', 'transfer_delivered'])
  })

  it('when a section is not covered, then 403 transfer_denied names the category, is audited, and nothing is stored', async () => {
    const consentId = await activeConsent(['schule'])
    const before = await countTransfersByStatus(t.deps.db)
    const res = await submit(transferBody(consentId))
    expect(res.status).toBe(403)
    expect(res.body).toMatchObject({
      error: { code: 'transfer_denied', details: { reasons: ['category_not_covered:berufswahl'] } },
    })
    expect(await countTransfersByStatus(t.deps.db)).toEqual(before)
    const entries = await listAuditEntries(t.deps.db, { limit: 1000 })
    const denied = entries.filter(
      (e) => e.event.type === 'transfer_denied' && e.event.consentId === consentId,
    )
    expect(denied).toHaveLength(1)
    expect(denied[0]?.event).toMatchObject({ reasons: ['category_not_covered:berufswahl'] })
  })

  it('when the necessity statement is missing and the consent unknown, then every reason is listed', async () => {
    const res = await submit(transferBody('cns_does_not_exist', { necessity: '' }))
    expect(res.status).toBe(403)
    expect(
      (res.body as { error: { details: { reasons: string[] } } }).error.details.reasons,
    ).toEqual(['necessity_missing', 'no_consent'])
  })

  it('when the consent is revoked after the transfer was queued, then it is cancelled and never sent', async () => {
    const consentId = await activeConsent()
    const res = await submit(transferBody(consentId))
    const { id } = res.body as { id: string }
    t.clock.advance(1000)
    const revoked = await server.api('POST', `/consents/${consentId}/revocation`, {
      token: await token('staff-jc'),
      body: { channel: 'staff' },
    })
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200)
    await drain()
    expect(smtp.messages).toHaveLength(0)
    expect(await status(id)).toMatchObject({ status: 'cancelled_revoked' })
    expect(await findEnvelope(t.deps.db, id)).toBeUndefined()
    const entries = await listAuditEntries(t.deps.db, { limit: 1000 })
    const cancelled = entries.find(
      (e) => e.event.type === 'transfer_cancelled' && e.event.transferId === id,
    )
    expect(cancelled?.event).toMatchObject({ reasons: ['consent_revoked'] })
  })

  it('when a consent is revoked after delivery, then the recipient gets one signed and encrypted notice naming the transfers', async () => {
    const consentId = await activeConsent()
    const first = ((await submit(transferBody(consentId))).body as { id: string }).id
    const second = ((await submit(transferBody(consentId))).body as { id: string }).id
    await drain()
    expect(smtp.messages).toHaveLength(2)
    t.clock.advance(60_000)
    const revoked = await server.api('POST', `/consents/${consentId}/revocation`, {
      token: await token('staff-jc'),
      body: { channel: 'staff' },
    })
    expect(revoked.status).toBe(200)
    await drain()
    await drain()
    expect(smtp.messages).toHaveLength(3)
    const notice = smtp.messages[2]!
    expect(notice.to).toEqual(['jugendhilfe@ja-demo.example'])
    const opened = await openAtJugendamt(notice.raw)
    expect(opened.headers.get('x-brucke-notice')).toBe('consent-revoked')
    expect(opened.headers.get('x-brucke-related-transfers')).toContain(first)
    expect(opened.headers.get('x-brucke-related-transfers')).toContain(second)
    expect(opened.subject).toContain('Widerruf einer Einwilligung')
    expect(opened.text).toContain('Widerrufen am')
    const list = await server.api('GET', '/transfers', { token: await token('staff-jc') })
    const notices = (
      list.body as { transfers: { kind: string; consentId: string; status: string }[] }
    ).transfers.filter((x) => x.kind === 'revocation_notice' && x.consentId === consentId)
    expect(notices).toEqual([expect.objectContaining({ status: 'delivered' })])
    const entries = await listAuditEntries(t.deps.db, { limit: 5000 })
    const delivered = entries.filter(
      (e) =>
        e.event.type === 'transfer_delivered' &&
        e.event.kind === 'revocation_notice' &&
        e.event.consentId === consentId,
    )
    expect(delivered).toHaveLength(1)
  })

  it('when a transfer whose SMTP handoff is uncertain falls under a revoked consent, then its recipient gets the notice too (it may have the data)', async () => {
    const consentId = await activeConsent()
    const uncertain = ((await submit(transferBody(consentId))).body as { id: string }).id
    // As reconciliation leaves it after a process died mid-handoff (relay-lease.test.ts).
    await t.deps.db
      .updateTable('transfers')
      .set({
        status: 'handoff_uncertain',
        next_attempt_at: null,
        handoff_started_at: t.clock.now().toISOString(),
        handoff_worker: 'w-gone',
      })
      .where('id', '=', uncertain)
      .execute()
    const before = smtp.messages.length
    t.clock.advance(60_000)
    const revoked = await server.api('POST', `/consents/${consentId}/revocation`, {
      token: await token('staff-jc'),
      body: { channel: 'staff' },
    })
    expect(revoked.status).toBe(200)
    await drain()
    await drain()
    // The notice only: the uncertain transfer itself is not sent again.
    expect(smtp.messages).toHaveLength(before + 1)
    const opened = await openAtJugendamt(smtp.messages[before]!.raw)
    expect(opened.headers.get('x-brucke-notice')).toBe('consent-revoked')
    expect(opened.headers.get('x-brucke-related-transfers')).toContain(uncertain)
    expect((await status(uncertain)).status).toBe('handoff_uncertain')
  })

  it('when a guardian-signed consent lapses at majority after delivery, then the notice says it lapsed, not that it was revoked', async () => {
    const consentId = await activeConsent()
    const sent = ((await submit(transferBody(consentId))).body as { id: string }).id
    await drain()
    expect(smtp.messages).toHaveLength(1)
    t.clock.advance(60_000)
    // Stored as the majority review stores a lapse (kiosk-service.test.ts walks that path).
    await markConsentLapsed(t.deps.db, consentId, t.clock.now())
    await drain()
    await drain()
    expect(smtp.messages).toHaveLength(2)
    const opened = await openAtJugendamt(smtp.messages[1]!.raw)
    expect(opened.headers.get('x-brucke-notice')).toBe('consent-lapsed')
    expect(opened.headers.get('x-brucke-related-transfers')).toContain(sent)
    expect(opened.subject).toContain('Erlöschen einer Einwilligung')
    expect(opened.text).toContain('nicht innerhalb der vorgesehenen Frist bestätigt')
    expect(opened.text).toContain('Erloschen am')
    expect(opened.text).not.toMatch(/widerrufen worden|Der Widerruf wirkt/)
  })

  it('when a consent is revoked hours after the worker last looked, then its notice is still queued once (the sweep only reads recent revocations)', async () => {
    const consentId = await activeConsent()
    await submit(transferBody(consentId))
    await drain() // delivers, and the sweep remembers how far it has looked
    await drain()
    expect(smtp.messages).toHaveLength(1)
    t.clock.advance(5 * 60 * 60_000)
    await drain() // a round long before the revocation: nothing to do
    t.clock.advance(3 * 60 * 60_000)
    const revoked = await server.api('POST', `/consents/${consentId}/revocation`, {
      token: await token('staff-jc'),
      body: { channel: 'staff' },
    })
    expect(revoked.status).toBe(200)
    t.clock.advance(60_000)
    await drain()
    await drain()
    const notices = smtp.messages.filter((m) => m.raw.toString('latin1').includes('smime.p7m'))
    expect(notices).toHaveLength(2)
    const list = await server.api('GET', '/transfers', { token: await token('staff-jc') })
    const mine = (
      list.body as { transfers: { kind: string; consentId: string }[] }
    ).transfers.filter((x) => x.kind === 'revocation_notice' && x.consentId === consentId)
    expect(mine).toHaveLength(1)
  })

  it('when agency B asks for data under a consent, then an uncovered request is refused and A sees the covered one and answers it with a transfer once', async () => {
    const consentId = await activeConsent()
    const asked = await server.api('POST', '/requests', {
      token: await token('staff-ja'),
      body: { consentId, from: 'jc-demo', purpose: 'hilfeplanung', categories: ['schule'] },
    })
    expect(asked.status, JSON.stringify(asked.body)).toBe(201)
    const requestId = (asked.body as { id: string }).id
    const uncovered = await server.api('POST', '/requests', {
      token: await token('staff-ja'),
      body: { consentId, from: 'jc-demo', purpose: 'hilfeplanung', categories: ['sucht'] },
    })
    // A request the consent cannot cover is refused: the holder could never answer it lawfully.
    expect(uncovered.status).toBe(400)
    expect(uncovered.body).toMatchObject({
      error: { code: 'ERR_REQUEST_NOT_COVERED', details: { categories: ['sucht'] } },
    })
    const incoming = await server.api('GET', '/requests?direction=incoming', {
      token: await token('staff-jc'),
    })
    const mine = (incoming.body as { requests: { id: string; consentCovers: boolean }[] }).requests
    expect(mine.find((r) => r.id === requestId)).toMatchObject({ consentCovers: true })
    const answer = transferBody(consentId, {
      requestId,
      sections: [{ category: 'schule', title: 'Schule', body: 'Abschluss erwartet.' }],
    })
    const sent = await submit(answer)
    expect(sent.status, JSON.stringify(sent.body)).toBe(202)
    const again = await submit(answer)
    expect(again.body).toMatchObject({ error: { code: 'ERR_RELAY_REQUEST_MISMATCH' } })
    const outgoing = await server.api('GET', '/requests?direction=outgoing', {
      token: await token('staff-ja'),
    })
    const answered = (outgoing.body as { requests: { id: string }[] }).requests.find(
      (r) => r.id === requestId,
    )
    expect(answered).toMatchObject({
      status: 'answered',
      answeredByTransferId: (sent.body as { id: string }).id,
    })
    await drain()
  })

  it('when the SMTP server is down for a while and then up, then every transfer is delivered exactly once', async () => {
    const consentId = await activeConsent()
    const ids: string[] = []
    for (let i = 0; i < 4; i++)
      ids.push(((await submit(transferBody(consentId))).body as { id: string }).id)
    await smtp.down()
    await drain()
    for (const id of ids)
      expect(await status(id)).toMatchObject({ status: 'retrying', attempts: 1 })
    smtp.mode = 'tempfail'
    await smtp.up()
    t.clock.advance(60 * 60_000)
    await drain()
    for (const id of ids)
      expect(await status(id)).toMatchObject({ status: 'retrying', attempts: 2 })
    smtp.mode = 'accept'
    t.clock.advance(60 * 60_000)
    await drain()
    await drain()
    for (const id of ids)
      expect(await status(id)).toMatchObject({ status: 'delivered', attempts: 3 })
    const byId = new Map<string, number>()
    for (const m of smtp.messages)
      byId.set(m.messageId ?? '', (byId.get(m.messageId ?? '') ?? 0) + 1)
    expect(smtp.messages).toHaveLength(4)
    expect([...byId.values()]).toEqual([1, 1, 1, 1])
  })

  it('when the server refuses permanently (5xx), then the transfer fails at once', async () => {
    const consentId = await activeConsent()
    const { id } = (await submit(transferBody(consentId))).body as { id: string }
    smtp.mode = 'permfail'
    await drain()
    const view = await status(id)
    expect(view).toMatchObject({ status: 'failed', attempts: 1 })
    expect(view.lastError).toMatch(/554/)
    // The sealed message stays, so the operator can send it again (issue 19 point 5).
    expect(await findEnvelope(t.deps.db, id)).toContain('application/pkcs7-mime')
  })

  it('when temporary failures outlast the retry horizon, then the transfer fails', async () => {
    const consentId = await activeConsent()
    const { id } = (await submit(transferBody(consentId))).body as { id: string }
    smtp.mode = 'tempfail'
    for (let i = 0; i < 200; i++) {
      await drain()
      const view = await status(id)
      if (view.status === 'failed') break
      t.clock.advance(60 * 60_000)
    }
    expect(await status(id)).toMatchObject({ status: 'failed' })
    const entries = await listAuditEntries(t.deps.db, { limit: 5000 })
    const failed = entries.find(
      (e) => e.event.type === 'transfer_failed' && e.event.transferId === id,
    )
    expect(failed?.event).toMatchObject({ permanent: false })
  })

  it('when staff of another agency ask for a transfer, then it is not found', async () => {
    const consentId = await activeConsent()
    const { id } = (await submit(transferBody(consentId))).body as { id: string }
    const res = await server.api('GET', `/transfers/${id}`, { token: await token('staff-ja') })
    expect(res.status).toBe(404)
    const list = await server.api('GET', '/transfers', { token: await token('staff-ja') })
    expect((list.body as { transfers: unknown[] }).transfers).toEqual([])
    await drain()
  })

  it('when an attachment is not a PDF, then 400 and nothing is stored', async () => {
    const consentId = await activeConsent()
    const before = await countTransfersByStatus(t.deps.db)
    const res = await submit(
      transferBody(consentId, {
        attachments: [
          {
            filename: 'bericht.pdf',
            contentType: 'application/pdf',
            contentBase64: Buffer.from('MZ not a pdf').toString('base64'),
            category: 'schule',
          },
        ],
      }),
    )
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ error: { code: 'ERR_RELAY_ATTACHMENT_NOT_PDF' } })
    expect(await countTransfersByStatus(t.deps.db)).toEqual(before)
  })

  it('when a PDF is attached, then it travels inside the encrypted message tagged with its category', async () => {
    const consentId = await activeConsent()
    const pdf = Buffer.from(`%PDF-1.4\n% ${marker}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`)
    const res = await submit(
      transferBody(consentId, {
        attachments: [
          {
            filename: 'Zeugnis.pdf',
            contentType: 'application/pdf',
            contentBase64: pdf.toString('base64'),
            category: 'schule',
          },
        ],
      }),
    )
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    await drain()
    expect(smtp.messages).toHaveLength(1)
    expect(smtp.messages[0]!.raw.toString('latin1')).not.toContain(marker)
  })

  it('when everything has run, then the marker is nowhere in the database or the logs', async () => {
    expect(t.logLines.join('\n')).not.toContain(marker)
    if (dialect === 'sqlite') {
      const file = t.testDatabase.url.slice('file:'.length)
      const dir = join(file, '..')
      for (const name of readdirSync(dir)) {
        const bytes = readFileSync(join(dir, name))
        expect(bytes.includes(Buffer.from(marker)), name).toBe(false)
      }
    } else {
      const tables = ['transfers', 'transfer_outbox', 'audit_entries', 'consents']
      for (const table of tables) {
        const rows = await sql<{
          row: string
        }>`select t::text as row from ${sql.table(table)} t`.execute(t.deps.db)
        expect(
          rows.rows.some((r) => r.row.includes(marker)),
          table,
        ).toBe(false)
      }
    }
  })

  // Last: its Jugendamt transfers would show in the other tests' lists.
  it('when a Jugendamt sends data it marked as entrusted, then the sealed cover sheet carries the § 65 notice and only for those categories', async () => {
    const staffJa = await token('staff-ja')
    const draft = await server.api('POST', '/consents', {
      token: staffJa,
      body: {
        kind: 'einwilligung',
        subject,
        senders: ['ja-demo'],
        recipients: ['jc-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule', 'familie'],
        entrustedCategories: ['familie'],
        entrustingPerson: { isYouth: true },
        validUntil: '2026-12-31',
      },
    })
    expect(draft.status, JSON.stringify(draft.body)).toBe(201)
    const consentId = (draft.body as { id: string }).id
    const signed = await server.api('POST', `/consents/${consentId}/signatures`, {
      token: staffJa,
      body: {
        role: 'youth',
        name: 'Leonie Quastenberg',
        method: 'staff_attested',
        evidence: attestedCircumstances,
        chosenSpecialCategories: [],
      },
    })
    expect(signed.status, JSON.stringify(signed.body)).toBe(200)
    const send = (categories: string[]) =>
      server.api('POST', '/transfers', {
        token: staffJa,
        body: transferBody(consentId, {
          to: 'jc-demo',
          sections: categories.map((category) => ({
            category,
            title: category,
            body: `${marker} ${category}`,
          })),
        }),
      })
    const innerOf = async () => {
      await drain()
      const message = smtp.messages.at(-1)!
      const work = mkdtempSync(join(tmpdir(), 'brucke-openssl-'))
      const keyPath = join(work, 'jc.key.pem')
      const certPath = join(work, 'jc.cert.pem')
      writeFileSync(keyPath, relayPki.identities['jc-demo']!.privateKeyPem)
      writeFileSync(certPath, relayPki.identities['jc-demo']!.certificatePem)
      const signedEntity = opensslSync(
        ['cms', '-decrypt', '-inform', 'SMIME', '-recip', certPath, '-inkey', keyPath],
        message.raw,
      )
      const parsed = await simpleParser(
        opensslSync(['cms', '-verify', '-inform', 'SMIME', '-noverify'], signedEntity),
      )
      return parsed
    }
    expect((await send(['schule', 'familie'])).status).toBe(202)
    const entrusted = await innerOf()
    expect(entrusted.text).toContain('§ 65 Abs. 1 Satz 2 SGB VIII')
    expect(entrusted.headers.get('x-brucke-entrusted-categories')).toBe('familie')
    expect((await send(['schule'])).status).toBe(202)
    const plain = await innerOf()
    expect(plain.text).not.toContain('§ 65')
    expect(plain.headers.get('x-brucke-entrusted-categories')).toBeUndefined()
  })
})
