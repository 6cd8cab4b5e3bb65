/**
 * How a JSON request body is read (gateway/http/body-parsing.ts): plain UTF-8 is read directly,
 * anything else through body-parser — and a body of any kind either reaches the route's schema or
 * gets a 4xx, never a 500 or a hung request. The route here is `POST /agencies` with a body that
 * parses but does not validate: a 400 `validation_failed` naming the field proves the body was
 * read and parsed, and nothing is written.
 */
import { connect } from 'node:net'
import { request } from 'node:http'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts } from '../support/accounts.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

describe('reading a JSON body', () => {
  let t: TestDeps
  let server: TestServer
  let admin: string

  beforeAll(async () => {
    // The reading is the same on both databases; nothing here reaches one.
    t = await createTestDeps('sqlite')
    admin = (await seedAccounts(t.deps)).tokens.admin!
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  /** Posts raw bytes; `chunked` sends them without a Content-Length, in two pieces. */
  const post = (
    body: Buffer,
    headers: Record<string, string>,
    options: { chunked?: boolean } = {},
  ): Promise<{ status: number; body: { error?: { code?: string; details?: unknown } } }> =>
    new Promise((resolve, reject) => {
      const url = new URL(`${server.url}/api/v1/agencies`)
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            authorization: `Bearer ${admin}`,
            ...(options.chunked ? {} : { 'content-length': String(body.length) }),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as never,
            }),
          )
        },
      )
      req.on('error', reject)
      if (options.chunked) {
        req.write(body.subarray(0, body.length >> 1))
        req.end(body.subarray(body.length >> 1))
      } else req.end(body)
    })

  const parsedButInvalid = '{"id": 42}'
  const json = { 'content-type': 'application/json' }

  it('reads plain UTF-8, with or without a charset, chunked or not, with a leading BOM', async () => {
    for (const [body, headers, chunked] of [
      [Buffer.from(parsedButInvalid), json, false],
      [Buffer.from(parsedButInvalid), { 'content-type': 'application/json; charset=UTF-8' }, false],
      [Buffer.from(parsedButInvalid), json, true],
      [Buffer.from(`\ufeff${parsedButInvalid}`), json, false],
    ] as const) {
      const response = await post(body, headers, { chunked })
      expect(response.status).toBe(400)
      expect(response.body.error?.code).toBe('validation_failed')
      expect(JSON.stringify(response.body.error?.details)).toContain('id')
    }
  })

  it('reads a gzip-compressed body and a UTF-16 one through body-parser', async () => {
    const gzipped = await post(gzipSync(Buffer.from(parsedButInvalid)), {
      ...json,
      'content-encoding': 'gzip',
    })
    expect(gzipped.status).toBe(400)
    expect(gzipped.body.error?.code).toBe('validation_failed')
    const utf16 = await post(Buffer.from(parsedButInvalid, 'utf16le'), {
      'content-type': 'application/json; charset=utf-16le',
    })
    expect(utf16.status).toBe(400)
    expect(utf16.body.error?.code).toBe('validation_failed')
  })

  it('refuses what is not an object or array, not JSON, too large or in another charset', async () => {
    for (const raw of ['"text"', '  null', '{"id": ', '']) {
      const response = await post(Buffer.from(raw === '' ? ' ' : raw), json)
      expect(response.status).toBe(400)
      expect(response.body.error?.code).toBe('malformed_json')
    }
    const big = Buffer.from(JSON.stringify({ id: 'x'.repeat(70 * 1024) }))
    for (const chunked of [false, true]) {
      const response = await post(big, json, { chunked })
      expect(response.status).toBe(413)
      expect(response.body.error?.code).toBe('payload_too_large')
    }
    const latin1 = await post(Buffer.from(parsedButInvalid, 'latin1'), {
      'content-type': 'application/json; charset=iso-8859-1',
    })
    expect(latin1.status).toBe(415)
  })

  it('survives a client that leaves in the middle of its body', async () => {
    const url = new URL(server.url)
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          [
            'POST /api/v1/agencies HTTP/1.1',
            `Host: ${url.host}`,
            `Authorization: Bearer ${admin}`,
            'Content-Type: application/json',
            'Content-Length: 100',
            '',
            '{"id": "tr-',
          ].join('\r\n'),
        )
        setTimeout(() => {
          socket.destroy()
          resolve()
        }, 100)
      })
      socket.on('error', reject)
    })
    // Still answering, and nothing was logged as a failure of ours.
    const health = await server.api('GET', '/healthz')
    expect(health.status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(t.logLines.filter((line) => line.includes('"level":50'))).toEqual([])
    const agencies = await t.deps.db.selectFrom('agencies').select('id').execute()
    expect(agencies.map((a) => a.id)).not.toContain('tr-')
  })
})
