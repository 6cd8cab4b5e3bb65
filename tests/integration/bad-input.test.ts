import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

async function countRows(t: TestDeps): Promise<{ agencies: number; users: number; audit: number }> {
  const count = async (table: 'agencies' | 'users' | 'audit_entries') =>
    Number(
      (
        await t.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return {
    agencies: await count('agencies'),
    users: await count('users'),
    audit: await count('audit_entries'),
  }
}

describe.each(dialects)('bad input on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let admin: string

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    admin = (await seedAccounts(t.deps)).tokens.admin!
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  const validAgency = {
    id: 'tr-demo',
    name: 'Träger Demo',
    kind: 'traeger',
    mailbox: 'kontakt@tr-demo.example',
  }

  it('when the JSON is malformed, then 400 malformed_json and nothing is written', async () => {
    const before = await countRows(t)
    const response = await server.api('POST', '/agencies', {
      token: admin,
      rawBody: '{"id": "tr-demo",',
      headers: { 'content-type': 'application/json' },
    })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ error: { code: 'malformed_json' } })
    expect(await countRows(t)).toEqual(before)
  })

  it('when a field is unknown, then 400 validation_failed names it', async () => {
    const response = await server.api('POST', '/agencies', {
      token: admin,
      body: { ...validAgency, isAdmin: true },
    })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      error: { code: 'validation_failed', details: { issues: [{ code: 'unrecognized_keys' }] } },
    })
  })

  it('when a field has the wrong type, then 400 validation_failed names the path', async () => {
    const response = await server.api('POST', '/agencies', {
      token: admin,
      body: { ...validAgency, kind: 7 },
    })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      error: { code: 'validation_failed', details: { issues: [{ path: 'kind' }] } },
    })
  })

  it('when the body is too large, then 413 payload_too_large', async () => {
    const response = await server.api('POST', '/agencies', {
      token: admin,
      body: { ...validAgency, name: 'x'.repeat(200_000) },
    })
    expect(response.status).toBe(413)
    expect(response.body).toMatchObject({ error: { code: 'payload_too_large' } })
  })

  it('when the body is not JSON, then 415 unsupported_media_type', async () => {
    const response = await server.api('POST', '/agencies', {
      token: admin,
      rawBody: 'id=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(response.status).toBe(415)
    expect(response.body).toMatchObject({ error: { code: 'unsupported_media_type' } })
  })

  it('when a JSON body is a bare value or an array, then 400', async () => {
    for (const raw of ['"text"', '[1,2]', 'null']) {
      const response = await server.api('POST', '/agencies', {
        token: admin,
        rawBody: raw,
        headers: { 'content-type': 'application/json' },
      })
      expect(response.status).toBe(400)
    }
  })

  it('when the route does not exist, then 404 route_not_found as JSON, and a 404 page outside the API', async () => {
    const api = await server.api('GET', '/nothing-here', { token: admin })
    expect(api.status).toBe(404)
    expect(api.body).toMatchObject({ error: { code: 'route_not_found' } })
    const page = await fetch(`${server.url}/nothing-here`)
    expect(page.status).toBe(404)
    expect(page.headers.get('content-type')).toContain('text/html')
  })

  it('when a user names an agency that does not exist, then nothing at all is written', async () => {
    const before = await countRows(t)
    const response = await server.api('POST', '/users', {
      token: admin,
      body: {
        id: 'new-staff',
        displayName: 'Neue Fachkraft',
        role: 'staff',
        agencyId: 'nowhere',
        password: 'long enough password',
      },
    })
    expect(response.status).toBe(400)
    expect(await countRows(t)).toEqual(before)
  })

  it('when any JSON at all is posted, then the answer is a 201 or a 4xx with the error shape, never a 500', async () => {
    const bodies = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          id: fc.string(),
          name: fc.string(),
          kind: fc.constantFrom('jobcenter', 'agentur', 'x'),
          mailbox: fc.string(),
        },
        { requiredKeys: [] },
      ),
    )
    await fc.assert(
      fc.asyncProperty(bodies, fc.constantFrom('/agencies', '/users'), async (body, path) => {
        const response = await server.api('POST', path, {
          token: admin,
          rawBody: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        })
        if (response.status === 201) return
        expect(response.status).toBeGreaterThanOrEqual(400)
        expect(response.status).toBeLessThan(500)
        expect(response.body).toMatchObject({
          error: { code: expect.any(String), message: expect.any(String) },
        })
      }),
      { numRuns: 150 },
    )
  })

  it("keeps the caller's request id when it is well-formed", async () => {
    const response = await server.api('GET', '/agencies', {
      token: admin,
      headers: { 'x-request-id': 'test-request-0001' },
    })
    expect(response.headers.get('x-request-id')).toBe('test-request-0001')
  })
})

describe('internal failures', () => {
  it('when the database is gone, then the body says only "internal error" with the request id and the cause goes to the log', async () => {
    const t = await createTestDeps('sqlite')
    const { tokens } = await seedAccounts(t.deps)
    const server = await startTestServer(t.deps)
    await t.deps.database.close()
    const response = await server.api('GET', '/agencies/jc-demo/users', {
      token: tokens.admin!,
      headers: { 'x-request-id': 'broken-db-request-1' },
    })
    expect(response.status).toBe(500)
    expect(response.body).toEqual({
      error: {
        code: 'internal_error',
        message: 'Internal error.',
        details: { requestId: 'broken-db-request-1' },
      },
    })
    expect(
      t.logLines.some(
        (line) => line.includes('broken-db-request-1') && line.includes('"level":50'),
      ),
    ).toBe(true)
    await server.close()
    await t.testDatabase.drop().catch(() => undefined)
  })
})
