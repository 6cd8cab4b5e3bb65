import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { listNotifications } from '../../gateway/notifications/notification-service.ts'
import {
  noticeGapMs,
  sendNotificationNotices,
} from '../../gateway/notifications/notification-notice.ts'
import { createSmtpMailer } from '../../gateway/relay/smtp-mailer.ts'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { signAtKioskOverApi } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { deliverCaseSummary } from '../support/inbox-fixtures.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import { createRelayPki, registerRelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

describe.each(dialects)('the staff notification centre on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let smtp: SmtpCapture
  let tokens: Record<string, string>
  const ids: Record<string, string> = {}

  async function draft(givenName: string, validUntil: string) {
    const res = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject: { givenName, familyName: 'Quellberg', birthDate: '2004-05-06' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil,
      },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as { id: string; kioskCode: string }
  }

  async function sign(d: { id: string; kioskCode: string }, name: string) {
    const signed = await signAtKioskOverApi(server, {
      kioskToken: tokens['kiosk-jc'] ?? '',
      kioskCode: d.kioskCode,
      consentId: d.id,
      signature: { role: 'youth', name: `${name} Quellberg` },
    })
    expect(signed.status, JSON.stringify(signed.body)).toBe(200)
  }

  async function get(userId: string, path: string, headers: Record<string, string> = {}) {
    const session = await sessionFor(t.deps, userId)
    return fetch(`${server.url}${path}`, {
      headers: { cookie: session.cookie, ...headers },
      redirect: 'manual',
    })
  }

  beforeAll(async () => {
    smtp = await startSmtpCapture()
    const relayPki = await createRelayPki()
    t = await createTestDeps(dialect, {
      config: { notifyEmail: true, smtpUrl: smtp.url, publicUrl: 'https://bruecke.example' },
    })
    ;({ tokens } = await seedAccounts(t.deps))
    await registerRelayPki(t.deps, relayPki)
    server = await startTestServer(t.deps)

    // Signed, then revoked by staff.
    const signed = await draft('Alma', '2026-12-31')
    await sign(signed, 'Alma')
    ids.signed = signed.id
    const revoked = await server.api('POST', `/consents/${signed.id}/revocation`, {
      token: tokens['staff-jc'],
      body: { channel: 'staff' },
    })
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200)
    // Declined at the kiosk.
    const declined = await draft('Bruno', '2026-12-31')
    const picked = await server.api('GET', `/consents/pickup/${declined.kioskCode}`, {
      token: tokens['kiosk-jc'],
    })
    expect(picked.status).toBe(200)
    const no = await server.api('POST', `/consents/${declined.id}/decline`, {
      token: tokens['kiosk-jc'],
      body: {},
    })
    expect(no.status, JSON.stringify(no.body)).toBe(200)
    ids.declined = declined.id
    // Signed and ending within NOTIFY_LAPSING_DAYS (14; the clock stands at 2026-03-02).
    const ending = await draft('Clara', '2026-03-10')
    await sign(ending, 'Clara')
    ids.ending = ending.id
    // Signed and ending after the window: no lapsing notice.
    const later = await draft('Dora', '2026-04-30')
    await sign(later, 'Dora')
    ids.later = later.id
    // Received by the Jugendamt (the fixture stores the item; the receiving path's audit entry
    // is appended here as receive-sealed-message.ts writes it).
    ;({ id: ids.item } = await deliverCaseSummary(t.deps, {
      from: 'jc-demo',
      to: 'ja-demo',
      consentId: 'cns_elsewhere',
      person: { name: 'Emil Quellberg', birthDate: '2006-01-02' },
      sections: [{ category: 'schule', title: 'Schule', body: 'Klasse 10.' }],
      at: t.clock.now(),
    }))
    await appendAuditEvent(t.deps.db, {
      at: t.clock.now(),
      actor: 'system',
      event: {
        type: 'inbound_received',
        itemId: ids.item,
        kind: 'case_summary',
        channel: 'local',
        senderAgencyId: 'jc-demo',
        recipientAgencyId: 'ja-demo',
        transferId: 'trf_elsewhere',
        consentId: 'cns_elsewhere',
        messageIdSha256: 'a'.repeat(64),
        envelopeSha256: 'b'.repeat(64),
      },
    })
  }, 180_000)
  afterAll(async () => {
    await server?.close()
    await smtp?.close()
    await t?.close()
  })

  it('when the Jobcenter lists its notifications, then it sees signed, revoked, declined and lapsing soon of its own consents only', async () => {
    const list = await listNotifications(t.deps, {
      caller: { userId: 'staff-jc', agencyId: 'jc-demo' },
    })
    const kinds = list.items.map((n) => `${n.kind}:${n.consentId ?? n.inboxItemId ?? ''}`)
    expect(kinds).toEqual(
      expect.arrayContaining([
        `signed:${ids.signed}`,
        `revoked:${ids.signed}`,
        `declined:${ids.declined}`,
        `signed:${ids.ending}`,
        `lapsing_soon:${ids.ending}`,
      ]),
    )
    expect(kinds).not.toContain(`lapsing_soon:${ids.later}`)
    expect(list.items.some((n) => n.kind === 'received')).toBe(false)
    expect(list.unread).toBe(list.items.length)
  })

  it('when the Jugendamt lists its notifications, then it sees the revocation (a party) and what it received, never the Jobcenter’s signing or declining', async () => {
    const list = await listNotifications(t.deps, {
      caller: { userId: 'staff-ja', agencyId: 'ja-demo' },
    })
    const kinds = list.items.map((n) => n.kind).sort()
    expect(kinds).toEqual(['received', 'revoked'])
    expect(list.items.find((n) => n.kind === 'received')?.inboxItemId).toBe(ids.item)
  })

  it('when a transfer of the Jobcenter is delivered and another fails, then only the Jobcenter hears of both', async () => {
    const at = t.clock.now().toISOString()
    const facts = (transferId: string) => ({
      transferId,
      kind: 'transfer' as const,
      consentId: ids.later ?? '',
      subjectPseudonym: null,
      senderAgencyId: 'jc-demo',
      recipientAgencyId: 'ja-demo',
    })
    for (const transferId of ['trf_notify_ok', 'trf_notify_bad']) {
      // The row as the relay keeps it after the outcome (the outbox and its envelope are gone).
      await t.deps.db
        .insertInto('transfers')
        .values({
          id: transferId,
          kind: 'transfer',
          status: transferId === 'trf_notify_ok' ? 'delivered' : 'failed',
          sender_agency_id: 'jc-demo',
          recipient_agency_id: 'ja-demo',
          sender_mailbox: null,
          recipient_mailbox: null,
          staff_id: 'staff-jc',
          consent_id: ids.later ?? '',
          purpose: 'hilfeplanung',
          categories: '["schule"]',
          subject_pseudonym: 'psn_notify',
          request_id: null,
          related_transfer_ids: '[]',
          plaintext_sha256: 'c'.repeat(64),
          envelope_sha256: 'd'.repeat(64),
          message_id: `<${transferId}@jc-demo.example>`,
          attempts: 1,
          next_attempt_at: null,
          give_up_at: at,
          last_error: null,
          smtp_response: null,
          claimed_by: null,
          claim_expires_at: null,
          handoff_started_at: null,
          handoff_worker: null,
          created_at: at,
          updated_at: at,
          delivered_at: null,
          partner_receipt_at: null,
          partner_receipt_outcome: null,
          partner_receipt_reason: null,
        })
        .execute()
    }
    await appendAuditEvent(t.deps.db, {
      at: t.clock.now(),
      actor: 'system',
      event: {
        type: 'transfer_delivered',
        ...facts('trf_notify_ok'),
        attempt: 1,
        messageId: '<trf_notify_ok@jc-demo.example>',
        smtpResponse: '250 OK',
        envelopeSha256: 'd'.repeat(64),
      },
    })
    await appendAuditEvent(t.deps.db, {
      at: t.clock.now(),
      actor: 'system',
      event: {
        type: 'transfer_failed',
        ...facts('trf_notify_bad'),
        attempt: 1,
        permanent: true,
        error: '550 no such mailbox',
      },
    })
    const jc = await listNotifications(t.deps, {
      caller: { userId: 'staff-jc', agencyId: 'jc-demo' },
    })
    const outcomes = jc.items
      .filter((n) => n.transferId !== null)
      .map((n) => `${n.kind}:${n.transferId ?? ''}:${n.otherAgencyId ?? ''}`)
      .sort()
    expect(outcomes).toEqual(['delivered:trf_notify_ok:ja-demo', 'failed:trf_notify_bad:ja-demo'])
    expect(jc.items.find((n) => n.transferId === 'trf_notify_ok')?.person).toEqual({
      givenName: 'Dora',
      familyName: 'Quellberg',
    })
    const ja = await listNotifications(t.deps, {
      caller: { userId: 'staff-ja', agencyId: 'ja-demo' },
    })
    expect(ja.items.some((n) => n.transferId !== null)).toBe(false)
  })

  it('when the Agentur lists its notifications, then it sees none of them', async () => {
    const list = await listNotifications(t.deps, {
      caller: { userId: 'staff-aa', agencyId: 'aa-demo' },
    })
    expect(list.items).toEqual([])
  })

  it('when staff open the centre, then the page lists the news with the unread count in the navigation, and the poll answers the same count', async () => {
    const res = await get('staff-jc', '/staff/notifications')
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(page).toContain('Einwilligung unterschrieben')
    expect(page).toContain('Einwilligung widerrufen')
    expect(page).toContain('Einwilligung abgelehnt')
    expect(page).toContain('Einwilligung läuft bald ab')
    expect(page).toContain('gültig bis 10.03.2026')
    expect(page).toContain('Clara Quellberg')
    expect(page).toMatch(/data-notifications-unread[^>]*>\s*8 neu/)
    expect(page).toContain('/assets/staff-live.js')
    const summary = await server.api('GET', '/notifications/summary', {
      token: tokens['staff-jc'],
    })
    expect(summary.body).toMatchObject({ unread: 8 })
  })

  it('when staff mark all as read, then the count is zero for them and unchanged for a colleague’s agency', async () => {
    const session = await sessionFor(t.deps, 'staff-jc')
    const list = await listNotifications(t.deps, {
      caller: { userId: 'staff-jc', agencyId: 'jc-demo' },
    })
    const res = await fetch(`${server.url}/staff/notifications/read`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrfToken, upTo: String(list.latestSeq) }),
      redirect: 'manual',
    })
    expect(res.status).toBe(303)
    t.clock.advance(1000)
    const after = await server.api('GET', '/notifications/summary', { token: tokens['staff-jc'] })
    expect(after.body).toMatchObject({ unread: 0 })
    const ja = await server.api('GET', '/notifications/summary', { token: tokens['staff-ja'] })
    expect(ja.body).toMatchObject({ unread: 2 })
  })

  it('when a draft page polls, then the summary says the consent’s status, and another agency’s consent is not found', async () => {
    const d = await draft('Fritz', '2026-12-31')
    const page = await (await get('staff-jc', `/staff/consents/${d.id}`)).text()
    expect(page).toContain(`data-watch-consent="${d.id}"`)
    const before = await server.api('GET', `/notifications/summary?consent=${d.id}`, {
      token: tokens['staff-jc'],
    })
    expect(before.body).toMatchObject({ consent: { id: d.id, status: 'draft' } })
    await sign(d, 'Fritz')
    const after = await server.api('GET', `/notifications/summary?consent=${d.id}`, {
      token: tokens['staff-jc'],
    })
    expect(after.body).toMatchObject({ unread: 1, consent: { id: d.id, status: 'active' } })
    const other = await server.api('GET', `/notifications/summary?consent=${d.id}`, {
      token: tokens['staff-aa'],
    })
    expect(other.status).toBe(404)
    const signedPage = await (await get('staff-jc', `/staff/consents/${d.id}`)).text()
    expect(signedPage).not.toContain('data-watch-consent')
  })

  it('when a page polls in the background, then the poll does not keep an idle session alive', async () => {
    const session = await sessionFor(t.deps, 'staff-jc')
    const poll = () =>
      fetch(`${server.url}/api/v1/notifications/summary`, {
        headers: { cookie: session.cookie, 'x-brucke-background': '1' },
      })
    const idleMs = t.deps.config.sessionIdleMinutes * 60_000
    t.clock.advance(idleMs / 2)
    expect((await poll()).status).toBe(200)
    t.clock.advance(idleMs / 2 + 1000)
    expect((await poll()).status).toBe(401)
  })

  it('when the e-mail notice is on, then the address is saved, one notice goes out without any personal data, and no second one while nothing new happened', async () => {
    const session = await sessionFor(t.deps, 'staff-ja')
    const bad = await fetch(`${server.url}/staff/notifications/email`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrfToken, email: 'kein-at-zeichen' }),
      redirect: 'manual',
    })
    expect(bad.status).toBe(400)
    const ok = await fetch(`${server.url}/staff/notifications/email`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrfToken, email: 'sachbearbeitung@ja.example' }),
      redirect: 'manual',
    })
    expect(ok.status).toBe(303)
    const mailer = createSmtpMailer(smtp.url)
    try {
      expect(await sendNotificationNotices(t.deps, mailer)).toBe(1)
      expect(smtp.messages).toHaveLength(1)
      const message = smtp.messages[0]
      expect(message?.to).toEqual(['sachbearbeitung@ja.example'])
      const raw = message?.raw.toString('utf8') ?? ''
      expect(raw).toContain('https://bruecke.example/staff/notifications')
      for (const personal of ['Quellberg', 'Alma', 'Emil', 'Schule', 'schule', 'hilfeplanung'])
        expect(raw).not.toContain(personal)
      // Nothing new: no second notice, even after the gap.
      t.clock.advance(noticeGapMs + 1000)
      expect(await sendNotificationNotices(t.deps, mailer)).toBe(0)
      expect(smtp.messages).toHaveLength(1)
    } finally {
      mailer.close()
    }
  })
})
