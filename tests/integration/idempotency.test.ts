import { sql } from 'kysely'
import nodemailer from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import type { DialectName } from '../../db/database.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { purgeExpiredIdempotencyKeys } from '../../gateway/idempotency/idempotency-key-purge.ts'
import { createSmtpMailer } from '../../gateway/relay/smtp-mailer.ts'
import { startSmtpIngress, type SmtpIngress } from '../../gateway/relay/smtp-ingress.ts'
import type { Mailer } from '../../gateway/relay/ports.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import { createRelayPki, registerRelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/** Case data that must never reach the key table. */
const marker = 'SCHNEEEULE-5520-Schulabbruch'
const subject = { givenName: 'Janne', familyName: 'Wolkenstein', birthDate: '2005-08-14' }

const transferBody = (consentId: string, title = 'Schulischer Stand') => ({
  consentId,
  to: 'ja-demo',
  purpose: 'hilfeplanung',
  necessity: 'Abstimmung des Hilfeplans mit dem Jugendamt vor dem Gespräch.',
  sections: [{ category: 'schule', title, body: `Seit Januar ${marker}.` }],
})

const draftBody = {
  kind: 'einwilligung',
  subject,
  senders: ['jc-demo'],
  recipients: ['ja-demo'],
  purposes: ['hilfeplanung'],
  categories: ['schule'],
  validUntil: '2026-12-31',
}

/** Fails a transfer's transaction at its outbox insert, after the key and the transfer rows. */
async function injectOutboxFault(t: TestDeps, dialect: DialectName): Promise<() => Promise<void>> {
  const db = t.deps.db
  if (dialect === 'sqlite') {
    await sql`create trigger fail_outbox before insert on transfer_outbox
      begin select raise(abort, 'injected fault'); end`.execute(db)
    return async () => void (await sql`drop trigger fail_outbox`.execute(db))
  }
  await sql`create function fail_outbox() returns trigger language plpgsql as $$
    begin raise exception 'injected fault'; end $$`.execute(db)
  await sql`create trigger fail_outbox before insert on transfer_outbox
    for each row execute function fail_outbox()`.execute(db)
  return async () => {
    await sql`drop trigger fail_outbox on transfer_outbox`.execute(db)
    await sql`drop function fail_outbox()`.execute(db)
  }
}

describe.each(dialects)('idempotency keys on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let smtp: SmtpCapture
  let replyMailer: Mailer
  let ingress: SmtpIngress
  let consentId: string

  beforeAll(async () => {
    const relayPki = await createRelayPki()
    smtp = await startSmtpCapture()
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    await registerRelayPki(t.deps, relayPki)
    server = await startTestServer(t.deps)
    replyMailer = createSmtpMailer(smtp.url)
    ingress = await startSmtpIngress({ deps: t.deps, mailer: replyMailer })
    consentId = await signedEinwilligung(server, {
      staffToken: await token('staff-jc'),
      kioskToken: await token('kiosk-jc'),
      subject,
      purpose: 'hilfeplanung',
      categories: ['schule'],
    })
  }, 120_000)
  afterAll(async () => {
    await ingress?.stop()
    replyMailer?.close()
    await server?.close()
    await smtp?.close()
    await t?.close()
  })

  /** A fresh token at the test clock's time (the purge test moves the clock by a day). */
  async function token(userId: 'staff-jc' | 'staff-aa' | 'kiosk-jc'): Promise<string> {
    const [role, agencyId] = (
      {
        'staff-jc': ['staff', 'jc-demo'],
        'staff-aa': ['staff', 'aa-demo'],
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

  async function submit(body: unknown, key?: string) {
    return server.api('POST', '/transfers', {
      token: await token('staff-jc'),
      body,
      ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }),
    })
  }

  async function transfersOf(id: string): Promise<number> {
    const rows = await t.deps.db.selectFrom('transfers').select('id').where('id', '=', id).execute()
    return rows.length
  }

  async function transferCount(): Promise<number> {
    return (await t.deps.db.selectFrom('transfers').select('id').execute()).length
  }

  async function auditCount(type: string, field: string, id: string): Promise<number> {
    const entries = await listAuditEntries(t.deps.db, { limit: 10_000 })
    return entries.filter(
      (e) => e.event.type === type && (e.event as Record<string, unknown>)[field] === id,
    ).length
  }

  it('when a transfer is retried with its key, then the answer is the first one and there is one transfer, one mail in the outbox and one audit entry', async () => {
    const before = await transferCount()
    const first = await submit(transferBody(consentId), 'retry-1')
    expect(first.status, JSON.stringify(first.body)).toBe(202)
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    const again = await submit(transferBody(consentId), 'retry-1')
    expect(again.status).toBe(202)
    expect(again.body).toEqual(first.body)
    expect(again.headers.get('idempotent-replayed')).toBe('true')

    const { id } = first.body as { id: string }
    expect(await transferCount()).toBe(before + 1)
    expect(await auditCount('transfer_queued', 'transferId', id)).toBe(1)
    const outbox = await t.deps.db.selectFrom('transfer_outbox').select('transfer_id').execute()
    expect(outbox.filter((r) => r.transfer_id === id)).toHaveLength(1)

    // The stored answer is metadata only; the key itself is stored hashed.
    const rows = await t.deps.db.selectFrom('idempotency_keys').selectAll().execute()
    const row = rows.find((r) => r.resource_id === id)
    expect(row).toMatchObject({ response_status: 202, operation: 'transfer.submit' })
    expect(JSON.parse(row!.response_body!)).toEqual(first.body)
    expect(JSON.stringify(rows)).not.toContain(marker)
    expect(JSON.stringify(rows)).not.toContain('retry-1')
  })

  it('when the same key comes with another body, then it is refused with idempotency_key_reused and nothing is created', async () => {
    const first = await submit(transferBody(consentId), 'reused-1')
    expect(first.status).toBe(202)
    const count = await transferCount()
    const other = await submit(transferBody(consentId, 'Nachtrag'), 'reused-1')
    expect(other.status).toBe(422)
    expect((other.body as { error: { code: string } }).error.code).toBe('idempotency_key_reused')
    expect(await transferCount()).toBe(count)

    // Another route with the same key is another request too.
    const onConsents = await server.api('POST', '/consents', {
      token: await token('staff-jc'),
      body: draftBody,
      headers: { 'idempotency-key': 'reused-1' },
    })
    expect(onConsents.status).toBe(422)
  })

  it('when two requests with one key run at the same time, then one transfer is created and both get its answer', async () => {
    const count = await transferCount()
    const [a, b] = await Promise.all([
      submit(transferBody(consentId), 'parallel-1'),
      submit(transferBody(consentId), 'parallel-1'),
    ])
    expect([a?.status, b?.status]).toEqual([202, 202])
    expect(a?.body).toEqual(b?.body)
    expect(await transferCount()).toBe(count + 1)
    expect(await transfersOf((a?.body as { id: string }).id)).toBe(1)
  })

  it('when requests carry no key, then each creates its own transfer (as before)', async () => {
    const count = await transferCount()
    const a = await submit(transferBody(consentId))
    const b = await submit(transferBody(consentId))
    expect((a.body as { id: string }).id).not.toBe((b.body as { id: string }).id)
    expect(await transferCount()).toBe(count + 2)
  })

  it('when the key is not 1–255 printable ASCII characters, then the request is refused with validation_failed and nothing is created', async () => {
    const count = await transferCount()
    for (const key of ['x'.repeat(256), 'schlüssel']) {
      const res = await server.api('POST', '/transfers', {
        token: await token('staff-jc'),
        body: transferBody(consentId),
        headers: { 'idempotency-key': Buffer.from(key).toString('latin1') },
      })
      expect(res.status).toBe(400)
      const error = (
        res.body as { error: { code: string; details: { issues: { path: string }[] } } }
      ).error
      expect(error.code).toBe('validation_failed')
      expect(error.details.issues.map((i) => i.path)).toEqual(['idempotency-key'])
    }
    expect(await transferCount()).toBe(count)
  })

  it('when the commit fails after the key was written, then neither key nor transfer remains and the retry creates the transfer', async () => {
    const count = await transferCount()
    const keyCount = async () =>
      (await t.deps.db.selectFrom('idempotency_keys').select('resource_id').execute()).length
    const keysBefore = await keyCount()
    const removeFault = await injectOutboxFault(t, dialect)
    try {
      const failed = await submit(transferBody(consentId), 'fault-1')
      expect(failed.status).toBe(500)
    } finally {
      await removeFault()
    }
    expect(await transferCount()).toBe(count)
    expect(await keyCount()).toBe(keysBefore)
    const retried = await submit(transferBody(consentId), 'fault-1')
    expect(retried.status).toBe(202)
    expect(retried.headers.get('idempotent-replayed')).toBeNull()
    expect(await transferCount()).toBe(count + 1)
  })

  it('when a consent draft is retried with its key, then the same consent is answered, re-read (no personal data stored), with one consent_created entry', async () => {
    const first = await server.api('POST', '/consents', {
      token: await token('staff-jc'),
      body: draftBody,
      headers: { 'idempotency-key': 'draft-1' },
    })
    expect(first.status, JSON.stringify(first.body)).toBe(201)
    const again = await server.api('POST', '/consents', {
      token: await token('staff-jc'),
      body: draftBody,
      headers: { 'idempotency-key': 'draft-1' },
    })
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.body).toEqual(first.body)
    const { id } = first.body as { id: string }
    expect(await auditCount('consent_created', 'consentId', id)).toBe(1)

    const row = (await t.deps.db.selectFrom('idempotency_keys').selectAll().execute()).find(
      (r) => r.resource_id === id,
    )
    expect(row).toMatchObject({ response_status: 201, response_body: null })
    expect(JSON.stringify(row)).not.toContain(subject.familyName)
  })

  it('when a renewal is retried with its key, then the same new draft is answered and only one exists; the key on another consent is refused', async () => {
    const renewals = async () =>
      (
        await t.deps.db
          .selectFrom('consents')
          .select('id')
          .where('renews_consent_id', '=', consentId)
          .execute()
      ).map((r) => r.id)
    const before = await renewals()
    const renew = async (id: string) =>
      server.api('POST', `/consents/${id}/renewal`, {
        token: await token('staff-jc'),
        body: { validUntil: '2026-09-30' },
        headers: { 'idempotency-key': 'renew-1' },
      })
    const first = await renew(consentId)
    expect(first.status, JSON.stringify(first.body)).toBe(201)
    const again = await renew(consentId)
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.body).toEqual(first.body)
    expect(await renewals()).toEqual([...before, (first.body as { id: string }).id])

    // The same key and body for another consent is another request: refused, nothing created.
    const other = await renew('cns_other')
    expect(other.status).toBe(422)
    expect((other.body as { error: { code: string } }).error.code).toBe('idempotency_key_reused')
  })

  it('when another agency sends the same key, then its request is its own', async () => {
    const jc = await server.api('POST', '/consents', {
      token: await token('staff-jc'),
      body: draftBody,
      headers: { 'idempotency-key': 'shared-key' },
    })
    const aa = await server.api('POST', '/consents', {
      token: await token('staff-aa'),
      body: { ...draftBody, senders: ['aa-demo'] },
      headers: { 'idempotency-key': 'shared-key' },
    })
    expect(jc.status, JSON.stringify(jc.body)).toBe(201)
    expect(aa.status, JSON.stringify(aa.body)).toBe(201)
    expect(aa.headers.get('idempotent-replayed')).toBeNull()
    expect((aa.body as { id: string }).id).not.toBe((jc.body as { id: string }).id)
  })

  it('when the openapi document describes the create routes, then it names the Idempotency-Key header', async () => {
    const res = await server.api('GET', '/openapi.json')
    const paths = (res.body as { paths: Record<string, { post: { parameters: unknown[] } }> }).paths
    for (const path of ['/api/v1/transfers', '/api/v1/consents', '/api/v1/consents/{id}/renewal'])
      expect(paths[path]?.post.parameters).toContainEqual(
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
      )
  })

  describe('the SMTP ingress', () => {
    async function send(message: Mail.Options): Promise<string> {
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: ingress.port,
        secure: false,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
        auth: { user: 'staff-jc', pass: testPassword },
      })
      try {
        const info = (await transport.sendMail({
          from: 'Frau Demir <u25@jc-demo.example>',
          to: 'jugendhilfe@ja-demo.example',
          ...message,
        })) as { response: string }
        return info.response
      } finally {
        transport.close()
      }
    }

    const mail = (messageId: string, body = `Seit Januar ${marker}.`): Mail.Options => ({
      messageId,
      subject: `Übergabe [Brücke consent=${consentId} purpose=hilfeplanung category=schule]`,
      text: `Erforderlichkeit: Abstimmung des Hilfeplans\n\n${body}\n`,
    })

    it('when a mail comes again with the same Message-ID, then it gets the first 250 and no second transfer', async () => {
      const count = await transferCount()
      const first = await send(mail('<resend-1@jc-demo.example>'))
      const id = /queued as (trf_[0-9a-z]+)/.exec(first)?.[1]
      expect(id, first).toBeDefined()
      const second = await send(mail('<resend-1@jc-demo.example>'))
      expect(second).toContain(`queued as ${id}`)
      expect(await transferCount()).toBe(count + 1)
      expect(await auditCount('transfer_queued', 'transferId', id!)).toBe(1)
    })

    it('when another mail reuses a Message-ID, then it is refused and no transfer is created', async () => {
      await send(mail('<resend-2@jc-demo.example>'))
      const count = await transferCount()
      const refused = await send(mail('<resend-2@jc-demo.example>', 'Ein ganz anderer Text.')).then(
        () => undefined,
        (e: unknown) => e as { responseCode?: number; response?: string },
      )
      expect(refused?.responseCode).toBe(550)
      expect(refused?.response).toContain('Message-ID')
      expect(await transferCount()).toBe(count)
    })
  })

  // Last: it moves the clock past the retention.
  it('when the retention has passed, then the purge removes the key and the same key creates a new transfer', async () => {
    const first = await submit(transferBody(consentId), 'purge-1')
    expect(first.status).toBe(202)
    t.clock.advance(23 * 3_600_000)
    expect(await purgeExpiredIdempotencyKeys(t.deps)).toBe(0)
    const kept = await submit(transferBody(consentId), 'purge-1')
    expect(kept.body).toEqual(first.body)

    t.clock.advance(2 * 3_600_000)
    expect(await purgeExpiredIdempotencyKeys(t.deps)).toBeGreaterThan(0)
    expect(await t.deps.db.selectFrom('idempotency_keys').selectAll().execute()).toEqual([])
    const anew = await submit(transferBody(consentId), 'purge-1')
    expect(anew.status).toBe(202)
    expect((anew.body as { id: string }).id).not.toBe((first.body as { id: string }).id)
  })
})
