import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { findInboxItem } from '../../db/inbox-repository.ts'
import { purgeExpiredData } from '../../gateway/audit/purge-retention.ts'
import { honourEndingNotice } from '../../gateway/inbox/honour-notice.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { deliverCaseSummary, deliverEndingNotice } from '../support/inbox-fixtures.ts'
import { createRelayPki, registerRelayPki, type RelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/** A string that must never appear outside the encrypted message. */
const marker = 'KRANICHFELD-4412-Schulangst'
const person = { name: 'Jörg Ühlenbeck', birthDate: '2008-04-17' }
const attestation = {
  version: 1,
  consentId: 'cns_inbox1',
  kind: 'einwilligung',
  scope: 'multi',
  text: { templateId: 'einwilligung', version: 3, sha256: 'a'.repeat(64) },
  signatories: [{ role: 'youth', signedAt: '2026-02-20T10:00:00.000Z', method: 'kiosk_drawn' }],
  validFrom: '2026-02-20',
  validUntil: '2027-02-19',
  senders: ['jc-demo'],
  recipients: ['ja-demo'],
  purposes: ['hilfeplanung'],
  categories: ['schule', 'berufswahl'],
  entrustedCategories: [],
  status: 'active',
  issuedAt: '2026-03-02T08:00:00.000Z',
}

describe.each(dialects)('the receiving agency’s inbox on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let relayPki: RelayPki
  let tokens: Record<string, string>
  let summaryId: string
  let olderId: string

  beforeAll(async () => {
    relayPki = await createRelayPki()
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    await registerRelayPki(t.deps, relayPki)
    server = await startTestServer(t.deps)
    const at = t.clock.now()
    ;({ id: olderId } = await deliverCaseSummary(t.deps, {
      from: 'aa-demo',
      to: 'ja-demo',
      consentId: 'cns_other',
      sections: [{ category: 'berufswahl', title: 'Berufswahl', body: 'Ausbildung geplant.' }],
      at: new Date(at.getTime() - 3600_000),
    }))
    ;({ id: summaryId } = await deliverCaseSummary(t.deps, {
      from: 'jc-demo',
      to: 'ja-demo',
      consentId: 'cns_inbox1',
      person,
      attestation,
      necessity: 'Abstimmung des Kooperationsplans mit dem Hilfeplan.',
      sections: [
        {
          category: 'schule',
          title: 'Schulische Situation',
          body: `Seit Januar ${marker}.\nZweite Zeile.`,
        },
        { category: 'berufswahl', title: 'Berufswahl', body: 'Praktikum im Einzelhandel.' },
      ],
      at,
    }))
    // Quarantined: never shown, not even to the receiving agency.
    await deliverCaseSummary(t.deps, {
      from: 'jc-demo',
      to: 'ja-demo',
      consentId: 'cns_inbox1',
      sections: [{ category: 'schule', title: 'X', body: 'quarantined' }],
      at,
      quarantined: true,
    })
  }, 120_000)
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  async function entriesOf(type: string) {
    return (await listAuditEntries(t.deps.db, { limit: 100_000 })).filter(
      (e) => e.event.type === type,
    )
  }

  it('when staff of the receiving agency list the inbox, then they get the received items newest first with metadata only', async () => {
    const res = await server.api('GET', '/inbox', { token: tokens['staff-ja'] })
    expect(res.status).toBe(200)
    const body = res.body as { items: Record<string, unknown>[]; nextOffset: number | null }
    expect(body.items.map((i) => i.id)).toEqual([summaryId, olderId])
    expect(body.items[0]).toMatchObject({
      kind: 'case_summary',
      sender: { id: 'jc-demo', name: 'Jobcenter Demo-Stadt (U25)' },
      purpose: 'hilfeplanung',
      categories: ['schule', 'berufswahl'],
      consentId: 'cns_inbox1',
      useStopped: false,
      acknowledged: false,
    })
    expect(JSON.stringify(body)).not.toContain(marker)
    expect(body.nextOffset).toBeNull()
    const paged = await server.api('GET', '/inbox?limit=1', { token: tokens['staff-ja'] })
    expect(paged.body).toMatchObject({ items: [{ id: summaryId }], nextOffset: 1 })
    const second = await server.api('GET', '/inbox?limit=1&offset=1', { token: tokens['staff-ja'] })
    expect(second.body).toMatchObject({ items: [{ id: olderId }], nextOffset: null })
  })

  it('when another agency lists its inbox, then it sees none of these items', async () => {
    for (const who of ['staff-jc', 'staff-aa']) {
      const res = await server.api('GET', '/inbox', { token: tokens[who] })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ items: [] })
    }
  })

  it('when the receiving agency opens an item, then it is decrypted with its key and shows person, consent, necessity, sections and the purpose binding', async () => {
    const res = await server.api('GET', `/inbox/${summaryId}`, { token: tokens['staff-ja'] })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      id: summaryId,
      person: { name: person.name, birthDate: person.birthDate },
      sender: { id: 'jc-demo' },
      purpose: 'hilfeplanung',
      consent: {
        id: 'cns_inbox1',
        attestation: {
          kind: 'einwilligung',
          textVersion: 3,
          validUntil: '2027-02-19',
          signatories: [{ role: 'youth', method: 'kiosk_drawn' }],
        },
      },
      necessity: 'Abstimmung des Kooperationsplans mit dem Hilfeplan.',
      sections: [
        {
          category: 'schule',
          title: 'Schulische Situation',
          body: `Seit Januar ${marker}.\nZweite Zeile.`,
        },
        { category: 'berufswahl', title: 'Berufswahl', body: 'Praktikum im Einzelhandel.' },
      ],
      noticeText: null,
    })
    expect((res.body as { purposeBinding: string }).purposeBinding).toContain('§ 78 SGB X')
    const viewed = (await entriesOf('inbox_item_viewed')).at(-1)
    expect(viewed?.event).toMatchObject({ itemId: summaryId, agencyId: 'ja-demo', via: 'api' })
    expect(JSON.stringify(viewed)).not.toContain(marker)
  })

  it('when anyone but the receiving agency’s staff opens or acknowledges the item, then it does not exist for them', async () => {
    const expected: Record<string, number> = {
      'staff-jc': 404, // the sending agency
      'staff-aa': 404, // another agency
      'dpo-jc': 403,
      'dpo-all': 403,
      admin: 403,
      'kiosk-jc': 403,
    }
    for (const [who, status] of Object.entries(expected)) {
      const view = await server.api('GET', `/inbox/${summaryId}`, { token: tokens[who] })
      const ack = await server.api('POST', `/inbox/${summaryId}/acknowledgement`, {
        token: tokens[who],
      })
      expect([who, view.status, ack.status]).toEqual([who, status, status])
      // The same answer as for an id nobody has: no hint that the item exists.
      const missing = await server.api('GET', '/inbox/inb_nothing', { token: tokens[who] })
      expect(missing.status).toBe(status)
      if (status === 404) expect(view.body).toEqual(missing.body)
    }
    expect((await findInboxItem(t.deps.db, summaryId))?.acknowledgedAt).toBeNull()
  })

  it('when the receiving agency downloads an attachment, then it gets the PDF as sent, audited; every other party and every other index gets 404', async () => {
    const pdf = Buffer.from(`%PDF-1.4\n% ${marker} Zeugnis\n%%EOF\n`, 'latin1')
    const { id } = await deliverCaseSummary(t.deps, {
      from: 'jc-demo',
      to: 'ja-demo',
      consentId: 'cns_inbox_pdf',
      sections: [{ category: 'schule', title: 'Schule', body: 'Zeugnis anbei.' }],
      attachments: [
        {
          filename: 'zeugnis.pdf',
          contentType: 'application/pdf',
          content: pdf,
          category: 'schule',
        },
      ],
      at: t.clock.now(),
    })
    const opened = await server.api('GET', `/inbox/${id}`, { token: tokens['staff-ja'] })
    expect(opened.status).toBe(200)
    const listed = (opened.body as { attachments: { filename: string }[] }).attachments
    const index = listed.findIndex((a) => a.filename === 'zeugnis.pdf')
    expect(index).toBeGreaterThanOrEqual(0)

    const got = await server.api('GET', `/inbox/${id}/attachments/${index}`, {
      token: tokens['staff-ja'],
    })
    expect(got.status, JSON.stringify(got.body)).toBe(200)
    const body = got.body as { filename: string; contentType: string; contentBase64: string }
    expect(body.filename).toBe('zeugnis.pdf')
    expect(body.contentType).toBe('application/pdf')
    expect(Buffer.from(body.contentBase64, 'base64').equals(pdf)).toBe(true)
    const entry = (await listAuditEntries(t.deps.db, { limit: 5000 }))
      .filter((e) => e.event.type === 'inbox_item_viewed')
      .at(-1)
    expect(entry?.event).toMatchObject({ itemId: id, via: 'attachment', attachmentIndex: index })

    for (const who of ['staff-jc', 'staff-aa'])
      expect(
        (await server.api('GET', `/inbox/${id}/attachments/${index}`, { token: tokens[who] }))
          .status,
      ).toBe(404)
    for (const who of ['dpo-jc', 'admin', 'kiosk-jc'])
      expect(
        (await server.api('GET', `/inbox/${id}/attachments/${index}`, { token: tokens[who] }))
          .status,
      ).toBe(403)
    expect(
      (
        await server.api('GET', `/inbox/${id}/attachments/${listed.length}`, {
          token: tokens['staff-ja'],
        })
      ).status,
    ).toBe(404)
    expect(
      (await server.api('GET', `/inbox/${id}/attachments/x`, { token: tokens['staff-ja'] })).status,
    ).toBe(400)
  })

  it('when an item was quarantined, then even the receiving agency gets 404', async () => {
    const quarantined = await t.deps.db
      .selectFrom('inbound_items')
      .select('id')
      .where('status', '=', 'quarantined')
      .executeTakeFirstOrThrow()
    const res = await server.api('GET', `/inbox/${quarantined.id}`, { token: tokens['staff-ja'] })
    expect(res.status).toBe(404)
  })

  it('keeps no plaintext in the database and none in the log', async () => {
    const rows = await t.deps.db.selectFrom('inbound_items').selectAll().execute()
    const dump = JSON.stringify(rows)
    expect(dump).not.toContain(marker)
    expect(dump).not.toContain('Ühlenbeck')
    const audit = await t.deps.db.selectFrom('audit_entries').selectAll().execute()
    expect(JSON.stringify(audit)).not.toContain(marker)
    expect(t.logLines.join('')).not.toContain(marker)
  })

  it('when the receiving agency acknowledges an item, then it is recorded once and audited', async () => {
    const first = await server.api('POST', `/inbox/${olderId}/acknowledgement`, {
      token: tokens['staff-ja'],
    })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ id: olderId, acknowledged: true })
    const again = await server.api('POST', `/inbox/${olderId}/acknowledgement`, {
      token: tokens['staff-ja'],
    })
    expect(again.status).toBe(200)
    const entries = await entriesOf('inbox_item_acknowledged')
    expect(entries.filter((e) => JSON.stringify(e.event).includes(olderId))).toHaveLength(1)
    expect((await findInboxItem(t.deps.db, olderId))?.acknowledgedBy).toBe('staff-ja')
  })

  it('when a revocation notice arrives, then every item under that consent must no longer be used until acknowledged', async () => {
    const notice = await deliverEndingNotice(t.deps, {
      from: 'jc-demo',
      to: 'ja-demo',
      consentId: 'cns_inbox1',
      ending: 'revoked',
      relatedTransferIds: ['trf_x'],
      at: t.clock.now(),
    })
    const stopped = await honourEndingNotice(t.deps.db, {
      recipientAgencyId: 'ja-demo',
      consentId: 'cns_inbox1',
      noticeItemId: notice.id,
      at: t.clock.now(),
    })
    expect(stopped).toEqual([summaryId])
    // Items of another consent, and a second run, stop nothing more.
    expect(
      await honourEndingNotice(t.deps.db, {
        recipientAgencyId: 'ja-demo',
        consentId: 'cns_inbox1',
        noticeItemId: notice.id,
        at: t.clock.now(),
      }),
    ).toEqual([])
    const list = await server.api('GET', '/inbox', { token: tokens['staff-ja'] })
    const items = (list.body as { items: Record<string, unknown>[] }).items
    expect(items.find((i) => i.id === summaryId)).toMatchObject({
      useStopped: true,
      useStoppedByItemId: notice.id,
      acknowledged: false,
    })
    expect(items.find((i) => i.id === olderId)).toMatchObject({ useStopped: false })
    const opened = await server.api('GET', `/inbox/${notice.id}`, { token: tokens['staff-ja'] })
    expect(opened.body).toMatchObject({ kind: 'revocation_notice', sections: [] })
    expect((opened.body as { noticeText: string }).noticeText).toContain('cns_inbox1')
    const [entry] = await entriesOf('inbox_use_stopped')
    expect(entry?.event).toMatchObject({ noticeItemId: notice.id, itemIds: [summaryId] })
    const ack = await server.api('POST', `/inbox/${summaryId}/acknowledgement`, {
      token: tokens['staff-ja'],
    })
    expect(ack.body).toMatchObject({ useStopped: true, acknowledged: true })
  })

  it('when items are older than INBOX_RETENTION_DAYS, then the retention purge deletes them', async () => {
    const young = await deliverCaseSummary(t.deps, {
      from: 'jc-demo',
      to: 'ja-demo',
      consentId: 'cns_young',
      sections: [{ category: 'schule', title: 'Neu', body: 'neu' }],
      at: t.clock.now(),
      receivedAt: new Date(
        t.clock.now().getTime() + (t.deps.config.inboxRetentionDays - 1) * 86_400_000,
      ),
    })
    t.clock.advance((t.deps.config.inboxRetentionDays + 1) * 86_400_000)
    const outcome = await purgeExpiredData(t.deps)
    expect(outcome.inboxItemsPurged).toBeGreaterThanOrEqual(4)
    const left = await t.deps.db.selectFrom('inbound_items').select('id').execute()
    expect(left.map((r) => r.id)).toEqual([young.id])
    const [purged] = (await entriesOf('retention_purged')).slice(-1)
    expect(purged?.event).toMatchObject({ inboxItemsPurged: outcome.inboxItemsPurged })
  })
})
