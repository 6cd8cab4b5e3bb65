import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addUser } from '../../gateway/accounts/account-service.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createRelayPki, registerRelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const subject = { givenName: 'Selin', familyName: 'Oyelaran', birthDate: '2006-04-02' }

interface Answer {
  status: number
  body: unknown
  /** What the asking agency's DPO finds in the audit log afterwards. */
  audit: unknown[]
}

/**
 * No cross-agency lookup (docs/design.md §3.3 (6)): the Jobcenter (A) holds a consent for a young
 * person with the Jugendamt (B). Staff of the Agentur für Arbeit (C, no party) asking about it —
 * a decision, a transfer, a data request, the consent itself — must get exactly the answer a
 * consent id that never existed gets, and C's DPO must find exactly the same in the audit log:
 * status, code, message, details, reasons, entries.
 */
describe.each(dialects)('a denial reveals no other agency’s consent on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>
  let consentId: string

  beforeAll(async () => {
    const relayPki = await createRelayPki()
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    await registerRelayPki(t.deps, relayPki)
    await addUser(t.deps, {
      actor: 'system',
      user: {
        id: 'dpo-aa',
        role: 'dpo',
        agencyId: 'aa-demo',
        displayName: 'DPO Agentur',
        password: testPassword,
      },
    })
    const dpo = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId: 'dpo-aa',
      role: 'dpo',
      agencyId: 'aa-demo',
      now: t.clock.now(),
      ttlMinutes: 60,
    })
    tokens['dpo-aa'] = dpo.token
    server = await startTestServer(t.deps)
    consentId = await signedEinwilligung(server, {
      staffToken: tokens['staff-jc']!,
      kioskToken: tokens['kiosk-jc']!,
      subject,
      purpose: 'hilfeplanung',
      categories: ['schule', 'berufswahl'],
    })
  }, 120_000)
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  async function auditSeenBy(
    dpo: string,
  ): Promise<{ seq: number; actor: string; event: unknown; erased: boolean }[]> {
    const page = await server.api('GET', '/audit?order=asc&limit=500', { token: tokens[dpo] })
    expect(page.status).toBe(200)
    return (
      page.body as { entries: { seq: number; actor: string; event: unknown; erased: boolean }[] }
    ).entries
  }

  /** Asks as `staff`, and returns the answer with the id asked about replaced by `<id>`. */
  async function ask(
    staff: string,
    id: string,
    probe: (id: string) => { method: string; path: string; body?: unknown },
  ): Promise<Answer> {
    const before = (await auditSeenBy('dpo-aa')).map((e) => e.seq)
    const { method, path, body } = probe(id)
    const response = await server.api(method, path, { token: tokens[staff], body })
    const after = await auditSeenBy('dpo-aa')
    const fresh = after
      .filter((e) => !before.includes(e.seq))
      // Place, time and hashes differ between any two entries; what they say must not.
      .map(({ actor, event, erased }) => ({ actor, event, erased }))
    const hide = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value ?? null).replaceAll(id, '<id>'))
    return { status: response.status, body: hide(response.body), audit: hide(fresh) as unknown[] }
  }

  const transfer = (to: string) => (id: string) => ({
    method: 'POST',
    path: '/transfers',
    body: {
      consentId: id,
      to,
      purpose: 'hilfeplanung',
      necessity: 'Abstimmung der Hilfeplanung vor dem gemeinsamen Gespräch.',
      sections: [{ category: 'schule', title: 'Schule', body: 'Abschluss im Sommer erwartet.' }],
    },
  })
  const decision = (to: string) => (id: string) => ({
    method: 'POST',
    path: '/decisions',
    body: { consentId: id, to, purpose: 'hilfeplanung', categories: ['schule'] },
  })
  const probes = {
    'a decision to the recipient': decision('ja-demo'),
    'a decision to the sender': decision('jc-demo'),
    'a decision with the necessity stated': (id: string) => ({
      ...decision('ja-demo')(id),
      body: {
        ...(decision('ja-demo')(id).body as object),
        necessity: 'Abstimmung der Hilfeplanung vor dem gemeinsamen Gespräch.',
      },
    }),
    'a transfer to the recipient': transfer('ja-demo'),
    'a transfer to the sender': transfer('jc-demo'),
    'a data request to the sender': (id: string) => ({
      method: 'POST',
      path: '/requests',
      body: { consentId: id, from: 'jc-demo', purpose: 'hilfeplanung', categories: ['schule'] },
    }),
    'the consent itself': (id: string) => ({ method: 'GET', path: `/consents/${id}` }),
    'a revocation': (id: string) => ({
      method: 'POST',
      path: `/consents/${id}/revocation`,
      body: { channel: 'staff' },
    }),
    'a paper signature': (id: string) => ({
      method: 'POST',
      path: `/consents/${id}/signatures`,
      body: {
        role: 'youth',
        name: 'Selin Oyelaran',
        method: 'paper_scan',
        evidence: 'sha256:' + 'c'.repeat(64),
      },
    }),
  }

  it.each(Object.keys(probes))(
    'when a non-party asks for %s, then the answer and the audit match a consent that never existed',
    async (name) => {
      const probe = probes[name as keyof typeof probes]
      const unknown = t.deps.ids.newId('cns')
      const aboutReal = await ask('staff-aa', consentId, probe)
      const aboutNothing = await ask('staff-aa', unknown, probe)
      expect(aboutReal.status).toBeGreaterThanOrEqual(400)
      expect(aboutReal).toEqual(aboutNothing)
    },
  )

  it('when a party asks the same, then the answers differ (the comparison above can see a difference)', async () => {
    const unknown = t.deps.ids.newId('cns')
    for (const probe of [probes['the consent itself'], probes['a decision to the recipient']]) {
      const real = await ask('staff-jc', consentId, probe)
      const nothing = await ask('staff-jc', unknown, probe)
      expect(real.status).not.toEqual(nothing.status)
    }
  })
})
