import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { findSenderCopy } from '../../db/transfer-copy-repository.ts'
import { purgeExpiredData } from '../../gateway/audit/purge-retention.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { runDeliveryRound, type DeliveryContext } from '../../gateway/relay/delivery-worker.ts'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { runOk } from '../support/interop-tools.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import {
  createRelayPki,
  opensslSync,
  registerRelayPki,
  testDeliveryContext,
  type RelayPki,
} from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/** A string that must never appear outside the encrypted message and its copy. */
const marker = 'KORMORAN-4417-Ausbildungsabbruch'
const subject = { givenName: 'Jonas', familyName: 'Wendehals', birthDate: '2005-02-14' }
const dayMs = 86_400_000

describe.each(dialects)('what an agency sent stays readable to it on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let relayPki: RelayPki
  let smtp: SmtpCapture
  let ctx: DeliveryContext
  let consentId: string
  let transferId: string

  async function token(userId: 'staff-jc' | 'kiosk-jc'): Promise<string> {
    const role = userId === 'staff-jc' ? 'staff' : 'kiosk'
    return (
      await issueToken({
        key: t.deps.config.secrets.tokenKey,
        userId,
        role,
        agencyId: 'jc-demo',
        now: t.clock.now(),
        ttlMinutes: 60,
      })
    ).token
  }

  async function get(userId: string, path: string) {
    const session = await sessionFor(t.deps, userId)
    return fetch(`${server.url}${path}`, {
      headers: { cookie: session.cookie },
      redirect: 'manual',
    })
  }

  /** openssl cms -decrypt with one agency's key; the signed entity, or a throw. */
  function decryptWith(agencyId: string, message: Buffer): Buffer {
    const work = mkdtempSync(join(tmpdir(), 'brucke-sender-copy-'))
    const identity = relayPki.identities[agencyId]!
    writeFileSync(join(work, 'key.pem'), identity.privateKeyPem)
    writeFileSync(join(work, 'cert.pem'), identity.certificatePem)
    return opensslSync(
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
      message,
    )
  }

  beforeAll(async () => {
    relayPki = await createRelayPki()
    smtp = await startSmtpCapture()
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    await registerRelayPki(t.deps, relayPki)
    server = await startTestServer(t.deps)
    ctx = testDeliveryContext(t.deps, smtp.url)
    consentId = await signedEinwilligung(server, {
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
        necessity: 'Abstimmung vor dem Hilfeplangespräch.',
        sections: [
          { category: 'schule', title: 'Schulische Situation', body: `Befund ${marker}` },
          { category: 'berufswahl', title: 'Berufswahl', body: 'Ausbildung zum Koch.' },
        ],
      },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    transferId = (res.body as { id: string }).id
    while ((await runDeliveryRound(ctx)) > 0) {
      /* until delivered */
    }
  }, 120_000)
  afterAll(async () => {
    ctx?.mailer.close()
    await server?.close()
    await smtp?.close()
    await t?.close()
  })

  it('when a transfer is delivered, then the message opens with openssl for the recipient and the sender, and the kept copy only for the sender', async () => {
    expect(smtp.messages).toHaveLength(1)
    const raw = smtp.messages[0]!.raw
    for (const agencyId of ['ja-demo', 'jc-demo'])
      expect(decryptWith(agencyId, raw).toString('latin1')).toContain('multipart/signed')
    const copy = await findSenderCopy(t.deps.db, transferId)
    expect(copy?.senderAgencyId).toBe('jc-demo')
    expect(copy!.envelope).not.toContain(marker)
    const copyBytes = Buffer.from(copy!.envelope, 'latin1')
    expect(decryptWith('jc-demo', copyBytes).toString('latin1')).toContain('multipart/signed')
    expect(() => decryptWith('ja-demo', copyBytes)).toThrow()
  })

  it('when staff of the sending agency open the transfer, then they see recipient, person, purpose, categories, necessity, sections, consent and history — and the view is audited', async () => {
    const res = await get('staff-jc', `/staff/transfers/${transferId}`)
    expect(res.status).toBe(200)
    const page = await res.text()
    for (const expected of [
      'Jonas Wendehals',
      '14.02.2005',
      `Befund ${marker}`,
      'Schulische Situation',
      'Abstimmung vor dem Hilfeplangespräch.',
      'Hilfeplanung',
      'Schule',
      `href="/staff/consents/${consentId}"`,
      `href="/staff/transfers/${transferId}/copy.pdf"`,
      'Geprüft und verschlüsselt eingereiht',
      'Zugestellt, Versuch 1',
      '§ 78 SGB X',
    ])
      expect(page).toContain(expected)
    expect(page).not.toContain('hilfeplanung')
    const entries = await listAuditEntries(t.deps.db, { limit: 1000 })
    expect(
      entries.some(
        (e) =>
          e.event.type === 'transfer_copy_viewed' &&
          e.event.transferId === transferId &&
          e.event.via === 'page',
      ),
    ).toBe(true)
    expect(JSON.stringify(entries)).not.toContain(marker)
  })

  it('when staff of the recipient or another agency, or a DPO or admin, ask for the page or its copy, then it does not exist for them', async () => {
    for (const who of ['staff-ja', 'staff-aa']) {
      expect((await get(who, `/staff/transfers/${transferId}`)).status).toBe(404)
      expect((await get(who, `/staff/transfers/${transferId}/copy.pdf`)).status).toBe(404)
    }
    for (const who of ['dpo-jc', 'admin'])
      expect((await get(who, `/staff/transfers/${transferId}`)).status).toBe(403)
  })

  it('when the Aktenvermerk is downloaded, then the PDF holds person, recipient, sections, history and the purpose binding', async () => {
    const res = await get('staff-jc', `/staff/transfers/${transferId}/copy.pdf`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/pdf')
    const pdf = Buffer.from(await res.arrayBuffer())
    const text = (
      await runOk('pdftotext', ['-enc', 'UTF-8', '-layout', '-', '-'], { input: pdf })
    ).stdout.toString('utf8')
    for (const expected of [
      'Aktenvermerk',
      'Jonas Wendehals',
      'Jugendamt',
      'Schulische Situation',
      `Befund ${marker}`,
      'Ausbildung zum Koch.',
      'Zugestellt',
      'Zweckbindung',
    ])
      expect(text).toContain(expected)
  })

  it('when the transfer carried a PDF, then the sender’s page links it and the link downloads it as sent, audited; other agencies get 404', async () => {
    const pdf = Buffer.from(`%PDF-1.4\n% ${marker} Anlage\n%%EOF\n`, 'latin1')
    const res = await server.api('POST', '/transfers', {
      token: await token('staff-jc'),
      body: {
        consentId,
        to: 'ja-demo',
        purpose: 'hilfeplanung',
        necessity: 'Zeugnis für das Hilfeplangespräch.',
        sections: [{ category: 'schule', title: 'Schule', body: 'Zeugnis anbei.' }],
        attachments: [
          {
            filename: 'zeugnis.pdf',
            contentType: 'application/pdf',
            contentBase64: pdf.toString('base64'),
            category: 'schule',
          },
        ],
      },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    const id = (res.body as { id: string }).id
    while ((await runDeliveryRound(ctx)) > 0) {
      /* until delivered */
    }
    const page = await (await get('staff-jc', `/staff/transfers/${id}`)).text()
    const href = new RegExp(
      `href="(/staff/transfers/${id}/attachments/\\d+)" download>zeugnis\\.pdf<`,
    ).exec(page)?.[1]
    expect(href).toBeDefined()
    const download = await get('staff-jc', href!)
    expect(download.status).toBe(200)
    expect(download.headers.get('content-type')).toContain('application/pdf')
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true)
    const viewed = (await listAuditEntries(t.deps.db, { limit: 5000 }))
      .filter((e) => e.event.type === 'transfer_copy_viewed')
      .at(-1)
    expect(viewed?.event).toMatchObject({ transferId: id, via: 'attachment', attachmentIndex: 0 })
    for (const who of ['staff-ja', 'staff-aa']) expect((await get(who, href!)).status).toBe(404)
    expect((await get('staff-jc', `/staff/transfers/${id}/attachments/1`)).status).toBe(404)
  })

  it('when staff open the consent, then it lists the transfers sent under it with a link', async () => {
    const page = await (await get('staff-jc', `/staff/consents/${consentId}`)).text()
    expect(page).toContain('data-consent-transfers')
    expect(page).toContain(`href="/staff/transfers/${transferId}"`)
    const other = await (await get('staff-ja', `/staff/consents/${consentId}`)).text()
    expect(other).not.toContain(`/staff/transfers/${transferId}`)
  })

  it('when nothing but the copy holds the content, then the marker is in no other table', async () => {
    if (dialect !== 'postgres') return
    for (const table of [
      'transfers',
      'transfer_outbox',
      'transfer_sender_copies',
      'audit_entries',
    ]) {
      const rows = await sql<{
        row: string
      }>`select t::text as row from ${sql.table(table)} t`.execute(t.deps.db)
      expect(
        rows.rows.some((r) => r.row.includes(marker)),
        table,
      ).toBe(false)
    }
  })

  // Last: it moves the clock past the retention.
  it('when TRANSFER_COPY_RETENTION_DAYS have passed, then the retention purge deletes the copy and the page still shows the transfer without content', async () => {
    const days = t.deps.config.transferCopyRetentionDays
    t.clock.advance((days - 1) * dayMs)
    expect((await purgeExpiredData(t.deps, { quiet: true })).transferCopiesPurged).toBe(0)
    t.clock.advance(2 * dayMs)
    // Every copy of this file's transfers (the one made in beforeAll and the one with a PDF).
    const copies = await t.deps.db
      .selectFrom('transfer_sender_copies')
      .select('transfer_id')
      .execute()
    expect(copies.length).toBeGreaterThanOrEqual(1)
    const outcome = await purgeExpiredData(t.deps, { quiet: true })
    expect(outcome.transferCopiesPurged).toBe(copies.length)
    expect(await findSenderCopy(t.deps.db, transferId)).toBeUndefined()
    const res = await get('staff-jc', `/staff/transfers/${transferId}`)
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(page).toContain('data-content-missing')
    expect(page).not.toContain(marker)
    expect(page).toContain('Zugestellt, Versuch 1')
  })
})
