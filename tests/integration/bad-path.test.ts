import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * A path is sent byte for byte with node:http (fetch's URL parser would keep these escapes too,
 * but a test of the server should not depend on what a client library normalises).
 */
function rawRequest(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

/** Escapes that are not percent-encoded UTF-8 (invalid bytes, truncated, overlong, surrogates) or decode to a control. */
const malformed = [
  '%ff', // never a UTF-8 byte
  '%', // an escape without digits
  '%zz', // not hex
  '%2', // one digit
  '%%41', // a percent sign escaping nothing
  '%80', // a lone continuation byte
  '%e0%80', // a three-byte sequence cut short
  '%c0%af', // overlong "/" (the classic path traversal trick)
  '%e0%80%af', // overlong "/" in three bytes
  '%ed%a0%80', // an encoded UTF-16 surrogate
  '%f4%90%80%80', // beyond U+10FFFF
  // Well-formed, but a control character in a path means nothing (and PostgreSQL cannot hold
  // a NUL in text: before, an id with one was a 500 there).
  '%00',
  'a%00b',
  '%0a',
  '%7f',
  '%c2%85', // NEL, a C1 control
]

const apiPaths = (bad: string) => [
  `/api/v1/consents/${bad}`,
  `/api/v1/consents/${bad}/text`,
  `/api/v1/transfers/${bad}`,
  `/api/v1/audit/proof/${bad}`,
  `/api/v1/${bad}`,
  `/api/v1/no-such-route/${bad}`,
  `/API/v1/consents/${bad}`, // the API mount is case-insensitive; the check must be as well
]
const pagePaths = (bad: string) => [
  `/staff/consents/${bad}`,
  `/staff/consents/${bad}/print`,
  `/me/proof/${bad}`,
  `/${bad}`,
  `/kiosk${bad}`,
  `/nothing-here/${bad}`,
]
const assetPaths = (bad: string) => [`/assets/${bad}.css`, `/assets/app${bad}.js`, `/assets/${bad}`]

describe.each(dialects)('malformed percent-encoding in paths on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>
  let staffCookie: string

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    staffCookie = (await sessionFor(t.deps, 'staff-jc')).cookie
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  it('when an API path is not valid percent-encoded UTF-8, then 400 bad_path as JSON, with or without a token, never a 500', async () => {
    const wrong: string[] = []
    for (const bad of malformed) {
      for (const path of apiPaths(bad)) {
        for (const [method, headers] of [
          ['GET', {}],
          ['GET', { authorization: `Bearer ${tokens['staff-jc']}` }],
          ['POST', { authorization: `Bearer ${tokens['staff-jc']}` }],
        ] as const) {
          const response = await rawRequest(server.url, method, path, headers)
          let code: unknown
          try {
            code = (JSON.parse(response.body) as { error?: { code?: unknown } }).error?.code
          } catch {
            code = undefined
          }
          if (
            response.status !== 400 ||
            code !== 'bad_path' ||
            response.headers['cache-control'] !== 'no-store'
          )
            wrong.push(`${method} ${path}: ${response.status} ${response.body.slice(0, 80)}`)
        }
      }
    }
    expect(wrong).toEqual([])
  })

  it('when a page or asset path is not valid percent-encoded UTF-8, then a 400 HTML page, signed in or not', async () => {
    const wrong: string[] = []
    for (const bad of malformed) {
      for (const path of [...pagePaths(bad), ...assetPaths(bad)]) {
        for (const headers of [{}, { cookie: staffCookie }] as Record<string, string>[]) {
          const response = await rawRequest(server.url, 'GET', path, headers)
          if (
            response.status !== 400 ||
            !String(response.headers['content-type']).startsWith('text/html') ||
            !response.body.startsWith('<!doctype html>')
          )
            wrong.push(`GET ${path}: ${response.status} ${response.body.slice(0, 80)}`)
        }
      }
    }
    expect(wrong).toEqual([])
  })

  it('when a path is well-formed, then it is served as before: encoded UTF-8 is fine, unknown ids stay 404', async () => {
    const api = await rawRequest(server.url, 'GET', '/api/v1/consents/%C3%BCber%20x', {
      authorization: `Bearer ${tokens['staff-jc']}`,
    })
    expect(api.status).toBe(404)
    expect(JSON.parse(api.body)).toMatchObject({ error: { code: 'ERR_CONSENT_NOT_FOUND' } })
    const page = await rawRequest(server.url, 'GET', '/staff/consents/%F0%9F%98%80', {
      cookie: staffCookie,
    })
    expect(page.status).toBe(404)
    const asset = await rawRequest(server.url, 'GET', '/assets/%62ase.css')
    expect(asset.status).toBe(200)
    const unknown = await rawRequest(server.url, 'GET', '/assets/%C3%BC.css')
    expect(unknown.status).toBe(404)
  })

  it('when a path is malformed, then nothing reaches the log but the request line without the path', async () => {
    const before = t.logLines.length
    await rawRequest(server.url, 'GET', '/api/v1/consents/M%fcller')
    const lines = t.logLines.slice(before).join('')
    expect(lines).not.toContain('M%fcller')
    expect(lines).not.toContain('"level":50')
  })
})
