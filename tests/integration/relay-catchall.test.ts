import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { startRelayServices } from '../../gateway/relay/relay-services.ts'
import type { Service } from '../../gateway/serve.ts'
import { seedAccounts } from '../support/accounts.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createRelayPki, registerRelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { signAtKioskOverApi } from '../support/consents.ts'

describe('offline demo: no SMTP_URL → the built-in catch-all mailbox', () => {
  let t: TestDeps
  let server: TestServer
  let relay: Service
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps('sqlite', { config: { relayPollMs: 20 } })
    ;({ tokens } = await seedAccounts(t.deps))
    await registerRelayPki(t.deps, await createRelayPki())
    server = await startTestServer(t.deps)
    relay = await startRelayServices(t.deps)
  }, 120_000)
  afterAll(async () => {
    await relay.stop()
    await server.close()
    await t.close()
  })

  it('when a transfer is sent without SMTP_URL, then it is delivered to the catch-all and an admin downloads the still encrypted .eml', async () => {
    const draft = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Jonas', familyName: 'Birkenfeld', birthDate: '2003-09-01' },
        senders: ['jc-demo'],
        recipients: ['aa-demo'],
        purposes: ['uebergabe'],
        categories: ['berufswahl'],
        validUntil: '2026-12-31',
      },
    })
    const { id: consentId, kioskCode } = draft.body as { id: string; kioskCode: string }
    const signed = await signAtKioskOverApi(server, {
      kioskToken: tokens['kiosk-jc'] as string,
      kioskCode,
      consentId,
      signature: { role: 'youth', name: 'Jonas Birkenfeld' },
    })
    expect(signed.status, JSON.stringify(signed.body)).toBe(200)
    const sent = await server.api('POST', '/transfers', {
      token: tokens['staff-jc'],
      body: {
        consentId,
        to: 'aa-demo',
        purpose: 'uebergabe',
        necessity: 'Übergabe an die Berufsberatung nach Umzug in den neuen Bezirk.',
        sections: [{ category: 'berufswahl', title: 'Berufswunsch', body: 'Mechatroniker' }],
      },
    })
    expect(sent.status, JSON.stringify(sent.body)).toBe(202)
    const { id } = sent.body as { id: string }
    let status = ''
    for (let i = 0; i < 200 && status !== 'delivered'; i++) {
      await new Promise((r) => setTimeout(r, 25))
      const view = await server.api('GET', `/transfers/${id}`, { token: tokens['staff-jc'] })
      status = (view.body as { status: string }).status
    }
    expect(status).toBe('delivered')
    const { token: adminToken } = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId: 'admin',
      role: 'admin',
      agencyId: null,
      now: t.clock.now(),
      ttlMinutes: 10,
    })
    const eml = await fetch(`${server.url}/api/v1/transfers/${id}/catchall.eml`, {
      headers: { authorization: `Bearer ${adminToken}` },
    })
    expect(eml.status).toBe(200)
    expect(eml.headers.get('content-type')).toMatch(/^message\/rfc822/)
    const text = await eml.text()
    expect(text).toContain(`Subject: Bruecke transfer ${id}`)
    expect(text).toContain('application/pkcs7-mime')
    expect(text).not.toContain('Mechatroniker')
    const staff = await server.api('GET', `/transfers/${id}/catchall.eml`, {
      token: tokens['staff-jc'],
    })
    expect(staff.status).toBe(403)
  })
})
