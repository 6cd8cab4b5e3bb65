import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import {
  beginHandoff,
  claimDueTransfers,
  findEnvelope,
  findTransfer,
} from '../../db/transfer-repository.ts'
import { purgeExpiredData } from '../../gateway/audit/purge-retention.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { runDeliveryRound, type DeliveryContext } from '../../gateway/relay/delivery-worker.ts'
import { addTestAccount, seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { signAtKioskOverApi } from '../support/consents.ts'
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

/**
 * The operator's levers (issue 19 point 5) against a real SMTP server: a transfer failed by a
 * 5xx is retried and delivered once, a retry after revocation is refused with the deny reason,
 * a waiting transfer is cancelled, and pausing one partner holds back only its transfers.
 */

const subject = { givenName: 'Mira', familyName: 'Hebelstein', birthDate: '2006-02-11' }

const transferBody = (consentId: string, to: string) => ({
  consentId,
  to,
  purpose: 'hilfeplanung',
  necessity: 'Abstimmung des Kooperationsplans mit dem Hilfeplan vor dem Gespräch am 10.03.',
  sections: [{ category: 'schule', title: 'Schulische Situation', body: 'Regelmäßiger Besuch.' }],
})

describe.each(dialects)('operator levers on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let relayPki: RelayPki
  let smtp: SmtpCapture
  let ctx: DeliveryContext
  let tokens: Record<string, string>

  beforeAll(async () => {
    relayPki = await createRelayPki()
    smtp = await startSmtpCapture()
    t = await createTestDeps(dialect)
    tokens = (await seedAccounts(t.deps)).tokens
    tokens['admin-jc'] = await addTestAccount(t.deps, {
      id: 'admin-jc',
      role: 'admin',
      agencyId: 'jc-demo',
    })
    tokens['admin-aa'] = await addTestAccount(t.deps, {
      id: 'admin-aa',
      role: 'admin',
      agencyId: 'aa-demo',
    })
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
  beforeEach(() => {
    smtp.mode = 'accept'
    smtp.messages.length = 0
  })

  async function token(userId: 'staff-jc' | 'kiosk-jc'): Promise<string> {
    const [role, agencyId] = userId === 'staff-jc' ? ['staff', 'jc-demo'] : ['kiosk', 'jc-demo']
    const issued = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId,
      role: role as 'staff' | 'kiosk',
      agencyId,
      now: t.clock.now(),
      ttlMinutes: 60,
    })
    return issued.token
  }

  /** An active Einwilligung from jc-demo to ja-demo and aa-demo (signed at the kiosk). */
  async function activeConsent(): Promise<string> {
    const draft = await server.api('POST', '/consents', {
      token: await token('staff-jc'),
      body: {
        kind: 'einwilligung',
        subject,
        senders: ['jc-demo'],
        recipients: ['ja-demo', 'aa-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil: '2026-12-31',
      },
    })
    expect(draft.status, JSON.stringify(draft.body)).toBe(201)
    const { id, kioskCode } = draft.body as { id: string; kioskCode: string }
    const signed = await signAtKioskOverApi(server, {
      kioskToken: await token('kiosk-jc'),
      kioskCode,
      consentId: id,
      signature: { role: 'youth', name: `${subject.givenName} ${subject.familyName}` },
    })
    expect(signed.status, JSON.stringify(signed.body)).toBe(200)
    return id
  }

  async function submit(consentId: string, to = 'ja-demo'): Promise<string> {
    const res = await server.api('POST', '/transfers', {
      token: await token('staff-jc'),
      body: transferBody(consentId, to),
    })
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    return (res.body as { id: string }).id
  }

  async function drain(): Promise<void> {
    while ((await runDeliveryRound(ctx)) > 0) {
      /* until nothing is due */
    }
  }

  async function failedByPermanentRefusal(consentId: string): Promise<string> {
    const id = await submit(consentId)
    smtp.mode = 'permfail'
    await drain()
    smtp.mode = 'accept'
    expect(await findTransfer(t.deps.db, id)).toMatchObject({ status: 'failed', attempts: 1 })
    return id
  }

  const lever = (who: string, method: string, path: string) =>
    server.api(method, path, { token: tokens[who] })

  async function auditOf(type: string, transferId: string) {
    const entries = await listAuditEntries(t.deps.db, { limit: 5000 })
    return entries.filter(
      (e) => e.event.type === type && 'transferId' in e.event && e.event.transferId === transferId,
    )
  }

  it('when a transfer failed on a 5xx is retried, then it is delivered once and the retry is audited', async () => {
    const consentId = await activeConsent()
    const id = await failedByPermanentRefusal(consentId)
    // The sealed message is kept while the transfer is failed, so it can go again.
    expect(await findEnvelope(t.deps.db, id)).toContain('application/pkcs7-mime')
    t.clock.advance(60_000)

    const retried = await lever('admin', 'POST', `/transfers/${id}/retry`)
    expect(retried.status, JSON.stringify(retried.body)).toBe(200)
    expect(retried.body).toEqual({ id, status: 'queued' })
    await drain()
    expect(smtp.messages).toHaveLength(1)
    expect(await findTransfer(t.deps.db, id)).toMatchObject({ status: 'delivered', attempts: 2 })
    expect(await findEnvelope(t.deps.db, id)).toBeUndefined()
    const [entry] = await auditOf('transfer_retried', id)
    expect(entry).toMatchObject({ actor: 'user:admin', event: { attempts: 1, decision: 'permit' } })

    // Delivered now: a second retry is refused and nothing is sent again.
    const again = await lever('admin', 'POST', `/transfers/${id}/retry`)
    expect(again.status).toBe(409)
    expect(again.body).toMatchObject({ error: { code: 'ERR_LEVER_NOT_FAILED' } })
    await drain()
    expect(smtp.messages).toHaveLength(1)
  })

  it('when the consent was revoked after the failure, then the retry is refused with the deny reason and nothing is sent', async () => {
    const consentId = await activeConsent()
    const id = await failedByPermanentRefusal(consentId)
    t.clock.advance(1000)
    const revoked = await server.api('POST', `/consents/${consentId}/revocation`, {
      token: await token('staff-jc'),
      body: { channel: 'staff' },
    })
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200)

    const refused = await lever('admin', 'POST', `/transfers/${id}/retry`)
    expect(refused.status).toBe(403)
    expect(refused.body).toMatchObject({
      error: { code: 'transfer_denied', details: { reasons: ['consent_revoked'] } },
    })
    await drain()
    expect(smtp.messages).toHaveLength(0)
    expect(await findTransfer(t.deps.db, id)).toMatchObject({ status: 'failed' })
    expect(await auditOf('transfer_retried', id)).toHaveLength(0)
    const [entry] = await auditOf('transfer_retry_refused', id)
    expect(entry?.event).toMatchObject({ decision: 'deny', reasons: ['consent_revoked'] })
  })

  /** A worker that claimed the transfer, committed its handoff marker and died before the outcome. */
  async function uncertainHandoff(consentId: string): Promise<string> {
    const id = await submit(consentId)
    const now = t.clock.now()
    const leaseUntil = new Date(now.getTime() + 30_000)
    const [claimed] = await claimDueTransfers(t.deps.db, {
      worker: 'dead-worker',
      now,
      leaseUntil,
      limit: 1,
      dialect,
    })
    expect(claimed?.transfer.id).toBe(id)
    expect(await beginHandoff(t.deps.db, { id, worker: 'dead-worker', at: now, leaseUntil })).toBe(
      true,
    )
    t.clock.advance(31_000)
    await drain()
    expect(smtp.messages).toHaveLength(0)
    expect(await findTransfer(t.deps.db, id)).toMatchObject({ status: 'handoff_uncertain' })
    return id
  }

  it('when an uncertain handoff did not arrive, then the retry lever sends it once and clears the marker', async () => {
    const consentId = await activeConsent()
    const id = await uncertainHandoff(consentId)
    const retried = await lever('admin-jc', 'POST', `/transfers/${id}/retry`)
    expect(retried.status, JSON.stringify(retried.body)).toBe(200)
    await drain()
    expect(smtp.messages).toHaveLength(1)
    expect(await findTransfer(t.deps.db, id)).toMatchObject({ status: 'delivered' })
    expect(await auditOf('transfer_retried', id)).toHaveLength(1)
  })

  it('when an uncertain handoff did arrive, then the cancel lever closes it and nothing is sent', async () => {
    const consentId = await activeConsent()
    const id = await uncertainHandoff(consentId)
    const cancelled = await lever('admin-jc', 'POST', `/transfers/${id}/cancel`)
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200)
    await drain()
    expect(smtp.messages).toHaveLength(0)
    expect(await findTransfer(t.deps.db, id)).toMatchObject({ status: 'cancelled' })
    expect(await findEnvelope(t.deps.db, id)).toBeUndefined()
    const [entry] = await auditOf('transfer_withdrawn', id)
    expect(entry?.event).toMatchObject({ previousStatus: 'handoff_uncertain' })
  })

  it('when a queued transfer is cancelled, then it is never sent and its message is dropped', async () => {
    const consentId = await activeConsent()
    const id = await submit(consentId)
    const cancelled = await lever('admin-jc', 'POST', `/transfers/${id}/cancel`)
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200)
    expect(cancelled.body).toEqual({ id, status: 'cancelled' })
    await drain()
    expect(smtp.messages).toHaveLength(0)
    expect(await findTransfer(t.deps.db, id)).toMatchObject({ status: 'cancelled' })
    expect(await findEnvelope(t.deps.db, id)).toBeUndefined()
    const [entry] = await auditOf('transfer_withdrawn', id)
    expect(entry).toMatchObject({ actor: 'user:admin-jc', event: { previousStatus: 'queued' } })
    // Settled: neither cancelled twice nor retried.
    expect((await lever('admin', 'POST', `/transfers/${id}/cancel`)).status).toBe(409)
    expect((await lever('admin', 'POST', `/transfers/${id}/retry`)).status).toBe(409)
  })

  it('when another agency’s admin or staff try the levers, then they are refused and nothing changes', async () => {
    const consentId = await activeConsent()
    const id = await submit(consentId)
    // aa-demo's admin: jc-demo's transfer does not exist for it.
    const other = await lever('admin-aa', 'POST', `/transfers/${id}/cancel`)
    expect(other.status).toBe(404)
    expect(other.body).toMatchObject({ error: { code: 'ERR_LEVER_NOT_FOUND' } })
    expect((await lever('admin-aa', 'POST', '/transfers/trf_nope/cancel')).status).toBe(404)
    // Staff of the sending agency: not a lever of theirs.
    expect((await lever('staff-jc', 'POST', `/transfers/${id}/cancel`)).status).toBe(403)
    // Pausing ja-demo would hold back every agency's transfers to it: not jc-demo's admin's call.
    const pause = await lever('admin-jc', 'PUT', '/partners/ja-demo/pause')
    expect(pause.status).toBe(403)
    expect(pause.body).toMatchObject({ error: { code: 'ERR_LEVER_NOT_ALLOWED' } })
    expect((await lever('admin', 'PUT', '/partners/nobody-x/pause')).status).toBe(404)
    expect(await findTransfer(t.deps.db, id)).toMatchObject({ status: 'queued' })
    expect(await auditOf('transfer_withdrawn', id)).toHaveLength(0)
    await drain()
    expect(smtp.messages).toHaveLength(1)
  })

  it('when delivery to one partner is paused, then only its transfers wait, and resuming sends them at once', async () => {
    const consentId = await activeConsent()
    const paused = await lever('admin', 'PUT', '/partners/ja-demo/pause')
    expect(paused.status, JSON.stringify(paused.body)).toBe(200)
    expect(paused.body).toMatchObject({ agencyId: 'ja-demo', pausedBy: 'user:admin' })
    // Pausing again keeps the first pause and writes nothing more.
    expect((await lever('admin', 'PUT', '/partners/ja-demo/pause')).body).toEqual(paused.body)

    const toJa = await submit(consentId, 'ja-demo')
    const toAa = await submit(consentId, 'aa-demo')
    await drain()
    expect(smtp.messages.map((m) => m.to)).toEqual([['berufsberatung@aa-demo.example']])
    expect(await findTransfer(t.deps.db, toAa)).toMatchObject({ status: 'delivered' })
    expect(await findTransfer(t.deps.db, toJa)).toMatchObject({ status: 'queued', attempts: 0 })
    const listed = await lever('admin', 'GET', '/partners/paused')
    expect(listed.body).toEqual({ partners: [paused.body] })

    // Time passes while paused: still nothing to ja-demo.
    t.clock.advance(30 * 60_000)
    await drain()
    expect(smtp.messages).toHaveLength(1)

    const resumed = await lever('admin', 'DELETE', '/partners/ja-demo/pause')
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200)
    expect(resumed.body).toEqual({ agencyId: 'ja-demo', wasPaused: true, madeDue: 1 })
    await drain()
    expect(smtp.messages).toHaveLength(2)
    expect(smtp.messages[1]?.to).toEqual(['jugendhilfe@ja-demo.example'])
    expect(await findTransfer(t.deps.db, toJa)).toMatchObject({ status: 'delivered', attempts: 1 })
    expect((await lever('admin', 'GET', '/partners/paused')).body).toEqual({ partners: [] })

    const entries = await listAuditEntries(t.deps.db, { limit: 5000 })
    const partnerEvents = entries
      .map((e) => e.event)
      .filter((e) => e.type === 'partner_delivery_paused' || e.type === 'partner_delivery_resumed')
    expect(partnerEvents).toEqual([
      { type: 'partner_delivery_paused', agencyId: 'ja-demo' },
      { type: 'partner_delivery_resumed', agencyId: 'ja-demo', madeDue: 1 },
    ])
    // Resuming a partner that is not paused changes nothing.
    expect((await lever('admin', 'DELETE', '/partners/ja-demo/pause')).body).toEqual({
      agencyId: 'ja-demo',
      wasPaused: false,
      madeDue: 0,
    })
  })

  describe('admin page', () => {
    async function post(
      session: { cookie: string; csrfToken: string },
      path: string,
      fields: Record<string, string> = {},
      csrf = true,
    ) {
      const res = await fetch(server.url + path, {
        method: 'POST',
        headers: {
          cookie: session.cookie,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ ...(csrf ? { _csrf: session.csrfToken } : {}), ...fields }),
        redirect: 'manual',
      })
      return { status: res.status, text: await res.text(), location: res.headers.get('location') }
    }
    async function page(session: { cookie: string }, path = '/admin') {
      const res = await fetch(server.url + path, { headers: { cookie: session.cookie } })
      return res.text()
    }

    it('offers retry and cancel with the session’s CSRF token, and each form pulls its lever', async () => {
      const admin = await sessionFor(t.deps, 'admin')
      const consentId = await activeConsent()
      const failedId = await failedByPermanentRefusal(consentId)
      const queuedId = await submit(consentId)

      const before = await page(admin)
      expect(before).toContain('<h2 id="levers-heading">Zustellung</h2>')
      expect(before).toContain(`action="/admin/transfers/${failedId}/retry"`)
      expect(before).toContain(`action="/admin/transfers/${queuedId}/cancel"`)
      // Only a failed transfer is offered a retry.
      expect(before).not.toContain(`action="/admin/transfers/${queuedId}/retry"`)
      expect(before).toContain(`name="_csrf" value="${admin.csrfToken}"`)

      // Without the CSRF token nothing happens.
      expect((await post(admin, `/admin/transfers/${queuedId}/cancel`, {}, false)).status).toBe(403)
      expect(await findTransfer(t.deps.db, queuedId)).toMatchObject({ status: 'queued' })

      const cancel = await post(admin, `/admin/transfers/${queuedId}/cancel`)
      expect(cancel.status).toBe(303)
      expect(cancel.location).toBe(`/admin?lever=cancelled:${queuedId}`)
      expect(await page(admin, cancel.location ?? '')).toContain(
        `Übermittlung <code>${queuedId}</code> abgebrochen`,
      )
      const retry = await post(admin, `/admin/transfers/${failedId}/retry`)
      expect(retry.status).toBe(303)
      expect(retry.location).toBe(`/admin?lever=retried:${failedId}`)
      await drain()
      expect(smtp.messages).toHaveLength(1)
      expect(await findTransfer(t.deps.db, failedId)).toMatchObject({ status: 'delivered' })
      expect(await findTransfer(t.deps.db, queuedId)).toMatchObject({ status: 'cancelled' })
    })

    it('pauses and resumes a partner through its forms, and shows a refused retry in German', async () => {
      const admin = await sessionFor(t.deps, 'admin')
      const consentId = await activeConsent()
      const failedId = await failedByPermanentRefusal(consentId)

      const pause = await post(admin, '/admin/partners/pause', { agencyId: 'aa-demo' })
      expect(pause.status).toBe(303)
      expect(pause.location).toBe('/admin?lever=paused:aa-demo')
      const paused = await page(admin)
      expect(paused).toMatch(/<code>aa-demo<\/code> – angehalten seit/)
      expect(paused).toContain('action="/admin/partners/aa-demo/resume"')
      const resume = await post(admin, '/admin/partners/aa-demo/resume')
      expect(resume.location).toBe('/admin?lever=resumed:aa-demo')
      expect(await page(admin)).not.toContain('action="/admin/partners/aa-demo/resume"')

      const unknown = await post(admin, '/admin/partners/pause', { agencyId: 'nobody-x' })
      expect(unknown.status).toBe(404)
      expect(unknown.text).toContain('Diese Behörde gibt es nicht.')

      await server.api('POST', `/consents/${consentId}/revocation`, {
        token: await token('staff-jc'),
        body: { channel: 'staff' },
      })
      const refused = await post(admin, `/admin/transfers/${failedId}/retry`)
      expect(refused.status).toBe(403)
      expect(refused.text).toContain('Die Einwilligung deckt diese Übermittlung nicht mehr')
      expect(refused.text).toContain('Gründe: consent_revoked.')
      expect(await findTransfer(t.deps.db, failedId)).toMatchObject({ status: 'failed' })
    })

    it('shows an agency’s admin only its agency’s transfers and only its own agency to pause', async () => {
      await addTestAccount(t.deps, { id: 'admin-ja', role: 'admin', agencyId: 'ja-demo' })
      const consentId = await activeConsent()
      const queuedId = await submit(consentId)
      const ja = await sessionFor(t.deps, 'admin-ja')
      const view = await page(ja)
      expect(view).not.toContain(queuedId)
      expect(view).toMatch(/<option value="ja-demo">ja-demo<\/option>/)
      expect(view).not.toMatch(/<option value="jc-demo">/)
      const tried = await post(ja, `/admin/transfers/${queuedId}/cancel`)
      expect(tried.status).toBe(404)
      expect(await findTransfer(t.deps.db, queuedId)).toMatchObject({ status: 'queued' })
      const jc = await sessionFor(t.deps, 'admin-jc')
      expect(await page(jc)).toContain(`action="/admin/transfers/${queuedId}/cancel"`)
      expect((await post(jc, `/admin/transfers/${queuedId}/cancel`)).status).toBe(303)
    })
  })

  // Last: it moves the clock by a month, past every token and consent of the tests above.
  it('when a failed transfer waited past FAILED_MESSAGE_RETENTION_DAYS, then the purge drops its message and a retry says so', async () => {
    const consentId = await activeConsent()
    const id = await failedByPermanentRefusal(consentId)
    const kept = await failedByPermanentRefusal(consentId)
    t.clock.advance((t.deps.config.failedMessageRetentionDays - 1) * 86_400_000)
    // The second one failed again a day later: its time is not up yet.
    await t.deps.db
      .updateTable('transfers')
      .set({ updated_at: t.clock.now().toISOString() })
      .where('id', '=', kept)
      .execute()
    t.clock.advance(2 * 86_400_000)
    const outcome = await purgeExpiredData(t.deps, { quiet: true })
    // Earlier tests' failed transfers are as old: counted too, so only a lower bound here.
    expect(outcome.messagesDropped).toBeGreaterThanOrEqual(1)
    expect(await findEnvelope(t.deps.db, id)).toBeUndefined()
    expect(await findEnvelope(t.deps.db, kept)).toContain('application/pkcs7-mime')
    // The seeded tokens have expired by now: a fresh one for the agency's admin.
    const { token: adminToken } = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId: 'admin-jc',
      role: 'admin',
      agencyId: 'jc-demo',
      now: t.clock.now(),
      ttlMinutes: 60,
    })
    const refused = await server.api('POST', `/transfers/${id}/retry`, { token: adminToken })
    expect(refused.body, JSON.stringify(refused.body)).toMatchObject({
      error: { code: 'ERR_LEVER_MESSAGE_GONE' },
    })
  })
})
