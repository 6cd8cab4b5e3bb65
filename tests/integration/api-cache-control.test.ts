import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiPrefix } from '../../gateway/http/routes.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/** The callers every route is tried with: no credentials and one account of each role. */
const callers = ['anon', 'staff-jc', 'dpo-jc', 'admin', 'kiosk-jc'] as const

describe.each(dialects)('Cache-Control of the API on %s', (dialect) => {
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

  it('sends no-store on every response of every API route, whoever calls and whatever the status', async () => {
    const wrong: string[] = []
    const statuses = new Set<number>()
    // The registry the app serves: a route added later is covered without touching this test.
    for (const route of server.built.apiRoutes) {
      const path = route.path.replace(/:[A-Za-z0-9_]+/g, 'x-missing')
      for (const caller of callers) {
        const response = await server.api(route.method.toUpperCase(), path, {
          ...(caller === 'anon' ? {} : { token: tokens[caller] }),
          ...(route.method === 'get' ? {} : { body: {} }),
        })
        statuses.add(response.status)
        if (response.headers.get('cache-control') !== 'no-store')
          wrong.push(
            `${route.method.toUpperCase()} ${apiPrefix}${route.path} as ${caller}: ${response.status} ${String(response.headers.get('cache-control'))}`,
          )
      }
    }
    expect(wrong).toEqual([])
    // Successes, refusals and errors were all among them.
    for (const status of [200, 400, 401, 403, 404]) expect(statuses).toContain(status)
  }, 120_000)

  it('sends no-store with a consent that carries a name and a birth date, and with unknown routes', async () => {
    const created = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
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
    expect(created.status).toBe(201)
    expect(created.headers.get('cache-control')).toBe('no-store')
    const read = await server.api('GET', `/consents/${(created.body as { id: string }).id}`, {
      token: tokens['staff-jc'],
    })
    expect(read.status).toBe(200)
    expect(read.body).toMatchObject({ subject: { familyName: 'Quastenberg' } })
    expect(read.headers.get('cache-control')).toBe('no-store')
    const unknown = await server.api('GET', '/no-such-route', { token: tokens['staff-jc'] })
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('cache-control')).toBe('no-store')
  })
})
