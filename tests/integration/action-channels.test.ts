import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createRelayPki, registerRelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/*
 * Issue 18 point 6: each action is recorded with the channel it came by. A transfer sent from
 * the staff composer (browser session) is `page`; the same call with a bearer token is `api`.
 * So is a consent prepared or revoked by staff (`via` beside the revocation's channel `staff`).
 */
const subject = { givenName: 'Mira', familyName: 'Kanalweg', birthDate: '2006-02-11' }
const body = (consentId: string, category = 'schule') => ({
  consentId,
  to: 'ja-demo',
  purpose: 'hilfeplanung',
  necessity: 'Abstimmung des Hilfeplans mit dem Jugendamt vor dem Gespräch.',
  sections: [{ category, title: 'Stand', body: 'Regelmäßiger Schulbesuch.' }],
})

describe.each(dialects)('channel of a transfer on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let consentId: string

  async function token(userId: 'staff-jc' | 'kiosk-jc'): Promise<string> {
    const role = userId === 'staff-jc' ? 'staff' : 'kiosk'
    const issued = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId,
      role,
      agencyId: 'jc-demo',
      now: t.clock.now(),
      ttlMinutes: 60,
    })
    return issued.token
  }

  beforeAll(async () => {
    const relayPki = await createRelayPki()
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    await registerRelayPki(t.deps, relayPki)
    server = await startTestServer(t.deps)
    consentId = await signedEinwilligung(server, {
      staffToken: await token('staff-jc'),
      kioskToken: await token('kiosk-jc'),
      subject,
      purpose: 'hilfeplanung',
      categories: ['schule'],
    })
  }, 120_000)
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  async function vias(type: string): Promise<unknown[]> {
    const entries = await listAuditEntries(t.deps.db, { limit: 1000 })
    return entries
      .filter((e) => (e.event as { type: string }).type === type)
      .map((e) => (e.event as { via?: unknown }).via)
  }

  async function channels(type: string): Promise<unknown[]> {
    const entries = await listAuditEntries(t.deps.db, { limit: 1000 })
    return entries
      .filter((e) => (e.event as { type: string }).type === type)
      .map((e) => (e.event as { channel?: unknown }).channel)
  }

  it('records api for a bearer token and page for the composer (browser session)', async () => {
    const viaToken = await server.api('POST', '/transfers', {
      token: await token('staff-jc'),
      body: body(consentId),
    })
    expect(viaToken.status).toBe(202)
    const session = await sessionFor(t.deps, 'staff-jc')
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrfToken }
    const viaPage = await server.api('POST', '/transfers', { headers, body: body(consentId) })
    expect(viaPage.status).toBe(202)
    expect(await channels('transfer_queued')).toEqual(['api', 'page'])

    // A refusal is recorded with the channel too.
    const refused = await server.api('POST', '/transfers', {
      headers,
      body: body(consentId, 'gesundheit'),
    })
    expect(refused.status).toBe(403)
    expect(await channels('transfer_denied')).toEqual(['page'])
  })

  it('records api or page for a consent staff prepare and for a revocation staff record', async () => {
    // The consent of beforeAll was prepared with a bearer token.
    expect(await vias('consent_created')).toEqual(['api'])
    const session = await sessionFor(t.deps, 'staff-jc')
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrfToken }
    const drafted = await server.api('POST', '/consents', {
      headers,
      body: {
        kind: 'einwilligung',
        subject: { ...subject, givenName: 'Lea' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil: '2026-12-31',
      },
    })
    expect(drafted.status, JSON.stringify(drafted.body)).toBe(201)
    expect(await vias('consent_created')).toEqual(['api', 'page'])

    const revoked = await server.api('POST', `/consents/${consentId}/revocation`, {
      headers,
      body: { channel: 'staff', reason: 'telefonisch widerrufen' },
    })
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200)
    expect(await channels('consent_revoked')).toEqual(['staff'])
    expect(await vias('consent_revoked')).toEqual(['page'])
  })
})
