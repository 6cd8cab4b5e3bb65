import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * U+0000 in a query, a JSON body or a form: SQLite would store it, PostgreSQL refuses it (a 500
 * before). Refused at the edge on both, as a 400 naming the field, before anything is written.
 */
describe.each(dialects)('NUL characters in requests on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  const count = async (table: 'agencies' | 'users' | 'audit_entries') =>
    Number(
      (
        await t.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('when a JSON body holds a NUL in a value or a key, then 400 validation_failed at that field and nothing is written', async () => {
    const before = [await count('agencies'), await count('users'), await count('audit_entries')]
    const agency = await server.api('POST', '/agencies', {
      token: tokens.admin,
      body: { id: 'tr-x', name: 'Träger\u0000X', kind: 'traeger', mailbox: 'a@tr.example' },
    })
    expect(agency.status).toBe(400)
    expect(agency.body).toMatchObject({
      error: {
        code: 'validation_failed',
        details: { issues: [{ path: 'name', code: 'nul_character' }] },
      },
    })
    const user = await server.api('POST', '/users', {
      token: tokens.admin,
      body: {
        id: 'u-x',
        displayName: 'U\u0000',
        role: 'staff',
        agencyId: 'jc-demo',
        password: 'long enough password',
      },
    })
    expect(user.status).toBe(400)
    expect(user.body).toMatchObject({
      error: { details: { issues: [{ path: 'displayName', code: 'nul_character' }] } },
    })
    const consent = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject: {
          givenName: 'Leonie',
          familyName: 'Quastenberg',
          birthDate: '2005-06-10',
          caseRefs: { 'jc\u0000demo': 'BG 1' },
        },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil: '2026-12-31',
      },
    })
    expect(consent.status).toBe(400)
    expect(consent.body).toMatchObject({
      error: { details: { issues: [{ path: 'subject.caseRefs.jc\u0000demo' }] } },
    })
    expect([await count('agencies'), await count('users'), await count('audit_entries')]).toEqual(
      before,
    )
  })

  it('when a query holds a NUL, then 400 validation_failed for the API and a 400 page', async () => {
    for (const query of ['subject=a%00', 'staff=a%00', 'consentId=%00']) {
      const response = await server.api('GET', `/audit?${query}`, { token: tokens['dpo-jc'] })
      expect(response.status, query).toBe(400)
      expect(response.body, query).toMatchObject({
        error: { code: 'validation_failed', details: { issues: [{ code: 'nul_character' }] } },
      })
    }
    const { cookie } = await sessionFor(t.deps, 'dpo-jc')
    const page = await fetch(`${server.url}/dpo?subject=a%00`, { headers: { cookie } })
    expect(page.status).toBe(400)
    expect(page.headers.get('content-type')).toContain('text/html')
  })

  it('when a form holds a NUL, then a 400 page and nothing is written', async () => {
    const before = await count('agencies')
    const { cookie, csrfToken } = await sessionFor(t.deps, 'admin')
    const response = await fetch(`${server.url}/admin/agencies`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: csrfToken,
        id: 'tr-y',
        name: 'Träger\u0000Y',
        kind: 'traeger',
        mailbox: 'y@tr.example',
      }).toString(),
      redirect: 'manual',
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toContain('text/html')
    expect(await count('agencies')).toBe(before)
  })
})
