import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { addUser } from '../../gateway/accounts/account-service.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { kioskCodeAlphabet } from '../../gateway/consent/kiosk-code.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/** A well-formed pickup code that opens nothing, with a prefix of its own for each `i`. */
function wrongCode(i: number, prefix?: string): string {
  const a = kioskCodeAlphabet
  const own = prefix ?? `${a[i % a.length]}${a[Math.floor(i / a.length) % a.length]}XY`
  return `${own}${a[(i * 7) % a.length]}${a[(i * 3 + 1) % a.length]}QQ`
}

describe.each(dialects)('pickup code limits on %s', (dialect) => {
  let t: TestDeps
  let kioskCode: string
  const servers: TestServer[] = []

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    for (const id of ['kiosk-jc2', 'kiosk-jc3']) {
      await addUser(t.deps, {
        actor: 'system',
        user: { id, role: 'kiosk', agencyId: 'jc-demo', displayName: id, password: testPassword },
      })
    }
  })
  afterAll(async () => {
    for (const server of servers) await server.close()
    await t?.close()
  })

  /** A fresh app (its own budgets, as after a restart) with a fresh draft to pick up. */
  async function freshServer(): Promise<TestServer> {
    const server = await startTestServer(t.deps)
    servers.push(server)
    const draft = await server.api('POST', '/consents', {
      token: await tokenOf('staff-jc', 'staff'),
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil: '2026-12-31',
      },
    })
    expect(draft.status).toBe(201)
    kioskCode = (draft.body as { kioskCode: string }).kioskCode
    return server
  }

  /** A token fresh at the test clock's time (tests move the clock past the limit window). */
  async function tokenOf(userId: string, role: 'staff' | 'kiosk' = 'kiosk'): Promise<string> {
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

  async function pickUpRest(server: TestServer, code: string, kiosk = 'kiosk-jc') {
    return server.api('GET', `/consents/pickup/${code}`, { token: await tokenOf(kiosk) })
  }

  async function pickUpPage(server: TestServer, code: string) {
    const session = await sessionFor(t.deps, 'kiosk-jc')
    const response = await fetch(`${server.url}/kiosk/pickup`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
      body: new URLSearchParams({ code, _csrf: session.csrfToken }).toString(),
    })
    return { status: response.status, text: await response.text() }
  }

  async function pickupRefusals(): Promise<string[]> {
    const entries = await listAuditEntries(t.deps.db, { limit: 5000 })
    return entries.flatMap((e) =>
      e.event.type === 'permission_refused' && e.event.reason.startsWith('pickup codes')
        ? [e.event.reason]
        : [],
    )
  }

  it('when a kiosk sends ten wrong codes, then the next is refused with 429 and Retry-After, even the right one; codes that open a draft never count', async () => {
    const server = await freshServer()
    for (let i = 0; i < 12; i++) expect((await pickUpRest(server, kioskCode)).status).toBe(200)
    for (let i = 0; i < 10; i++) expect((await pickUpRest(server, wrongCode(i))).status).toBe(404)
    const refusalsBefore = (await pickupRefusals()).length

    const limited = await pickUpRest(server, wrongCode(10))
    expect(limited.status).toBe(429)
    expect(limited.body).toMatchObject({ error: { code: 'ERR_KIOSK_RATE_LIMITED' } })
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await pickUpRest(server, kioskCode)).status).toBe(429)
    // Audited as a refusal, once per window.
    expect((await pickupRefusals()).slice(refusalsBefore)).toEqual([
      'pickup codes rate-limited per kiosk',
    ])

    t.clock.advance(16 * 60_000)
    expect((await pickUpRest(server, kioskCode)).status).toBe(200)
  })

  it('when 30 wrong codes arrive at once, then ten are answered as wrong and the other twenty get 429', async () => {
    const server = await freshServer()
    // Only PostgreSQL lookups overlap (SQLite answers them one after another), so only there can a
    // count-after-the-lookup limit let more than ten through; the assertion holds on both.
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => pickUpRest(server, wrongCode(i)).then((r) => r.status)),
    )
    expect(statuses.filter((s) => s === 404)).toHaveLength(10)
    expect(statuses.filter((s) => s === 429)).toHaveLength(20)
    t.clock.advance(16 * 60_000)
  })

  it('when the kiosk page and the REST route are both used, then they draw on one budget and the page says so in German', async () => {
    const server = await freshServer()
    for (let i = 0; i < 6; i++) expect((await pickUpRest(server, wrongCode(i))).status).toBe(404)
    for (let i = 6; i < 10; i++) {
      const wrong = await pickUpPage(server, wrongCode(i))
      expect(wrong.status).toBe(404)
      expect(wrong.text).toContain('Dieser Code ist unbekannt')
    }
    const limited = await pickUpPage(server, kioskCode)
    expect(limited.status).toBe(429)
    expect(limited.text).toContain('Zu viele Versuche. Bitte warten Sie 15 Minuten')
    expect((await pickUpRest(server, kioskCode)).status).toBe(429)
    t.clock.advance(16 * 60_000)
    expect((await pickUpPage(server, kioskCode)).status).toBe(303)
  })

  it('when five wrong codes share a prefix, then that prefix is refused while other codes are still looked up', async () => {
    const server = await freshServer()
    const prefix = 'MNPQ'
    for (let i = 0; i < 5; i++)
      expect((await pickUpRest(server, wrongCode(i, prefix))).status).toBe(404)
    const limited = await pickUpRest(server, wrongCode(5, prefix))
    expect(limited.status).toBe(429)
    expect((await pickUpRest(server, wrongCode(6))).status).toBe(404)
    expect((await pickupRefusals()).at(-1)).toBe('pickup codes rate-limited per prefix')
    t.clock.advance(16 * 60_000)
  })

  it('when several kiosks guess from one address, then the address limit of 20 stops them', async () => {
    const server = await freshServer()
    const statuses: number[] = []
    for (let i = 0; i < 21; i++) {
      const kiosk = ['kiosk-jc', 'kiosk-jc2', 'kiosk-jc3'][i % 3]!
      statuses.push((await pickUpRest(server, wrongCode(i), kiosk)).status)
    }
    expect(statuses.slice(0, 20).every((s) => s === 404)).toBe(true)
    expect(statuses[20]).toBe(429)
    expect((await pickupRefusals()).at(-1)).toBe('pickup codes rate-limited per address')
    t.clock.advance(16 * 60_000)
  })
})
