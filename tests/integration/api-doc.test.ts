import { readFileSync } from 'node:fs'
import { STATUS_CODES } from 'node:http'
import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { apiErrorStatus } from '../../gateway/http/api-error.ts'
import { domainErrorStatus, validationIssues } from '../../gateway/http/error-status.ts'
import type { AnyApiRoute } from '../../gateway/http/route.ts'
import { apiPrefix } from '../../gateway/http/routes.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * docs/api.md is the REST contract people read; these tests keep it true. The routes its tables
 * list must be exactly the routes the gateway serves (as the access matrix does for access), and
 * every example exchange must pass the schemas of its route — a field renamed in a schema, a
 * status changed or a route removed makes the page fail here instead of misleading a client.
 */
const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8')

/** `METHOD /api/v1/path` in the first cell of a table row. */
function listedRoutes(markdown: string): string[] {
  return [...markdown.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) (\/api\/v1\/[^`\s]+)` \|/gm)].map(
    (m) => `${m[1]} ${m[2]}`,
  )
}

interface HttpMessage {
  firstLine: string
  headers: Record<string, string>
  body: string
}

function parseHttpBlock(block: string): HttpMessage {
  const [head = '', ...rest] = block.split(/\n\n/)
  const [firstLine = '', ...headerLines] = head.split('\n')
  const headers: Record<string, string> = {}
  for (const line of headerLines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { firstLine: firstLine.trim(), headers, body: rest.join('\n\n').trim() }
}

interface Example {
  method: string
  url: URL
  request: HttpMessage
  status: number
  reason: string
  response: HttpMessage
}

/** Every ```http request block followed by its ```http response block, in order. */
function examples(markdown: string): Example[] {
  const blocks = [...markdown.matchAll(/^```http\n([\s\S]*?)^```$/gm)].map((m) =>
    parseHttpBlock(m[1] ?? ''),
  )
  const found: Example[] = []
  for (let i = 0; i < blocks.length; i += 2) {
    const request = blocks[i] as HttpMessage
    const response = blocks[i + 1]
    const [method = '', target = ''] = request.firstLine.split(' ')
    const statusLine = /^HTTP\/1\.1 (\d{3}) (.+)$/.exec(response?.firstLine ?? '')
    if (!response || !statusLine)
      throw new Error(`docs/api.md: "${request.firstLine}" is not followed by a response block`)
    found.push({
      method,
      url: new URL(target, 'http://brucke.invalid'),
      request,
      status: Number(statusLine[1]),
      reason: statusLine[2] ?? '',
      response,
    })
  }
  return found
}

/** The served route an example calls, with its path parameters; the most literal match wins. */
function routeOf(
  routes: readonly AnyApiRoute[],
  method: string,
  pathname: string,
): { route: AnyApiRoute; params: Record<string, string> } | undefined {
  const segments = pathname.split('/')
  const matches = routes.flatMap((route) => {
    if (route.method.toUpperCase() !== method) return []
    const pattern = (apiPrefix + route.path).split('/')
    if (pattern.length !== segments.length) return []
    const params: Record<string, string> = {}
    for (const [i, part] of pattern.entries()) {
      const actual = segments[i] as string
      if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(actual)
      else if (part !== actual) return []
    }
    return [{ route, params, literal: pattern.filter((p) => !p.startsWith(':')).length }]
  })
  return matches.sort((a, b) => b.literal - a.literal)[0]
}

const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string().min(1),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
})
const errorStatus: Record<string, number> = { ...apiErrorStatus, ...domainErrorStatus }

/**
 * Every error code docs/api.md names in a table row `| \`code\`, … | status, … |` with the
 * status it gives: one status for all codes of the row, or one per code.
 */
function documentedStatuses(markdown: string): [string, number][] {
  return [...markdown.matchAll(/^\| (`[^|]+`) \| ([\d, ]+) \|/gm)].flatMap((m) => {
    const codes = [...(m[1] ?? '').matchAll(/`([^`]+)`/g)].map((c) => c[1] ?? '')
    const statuses = (m[2] ?? '').split(',').map((x) => Number(x.trim()))
    return codes.map((code, i): [string, number] => [
      code,
      statuses[statuses.length > 1 ? i : 0] ?? 0,
    ])
  })
}

/** What is wrong with one example, or nothing. */
function problemsOf(example: Example, routes: readonly AnyApiRoute[]): string[] {
  const name = `${example.method} ${example.url.pathname}${example.url.search}`
  const found = routeOf(routes, example.method, example.url.pathname)
  if (!found) return [`${name}: no served route`]
  const { route, params } = found
  const problems: string[] = []
  const fail = (what: string) => problems.push(`${name}: ${what}`)

  if (route.access !== 'public' && !example.request.headers.authorization?.startsWith('Bearer '))
    fail('a route for signed-in callers, but the example sends no bearer token')
  if (STATUS_CODES[example.status] !== example.reason)
    fail(`"${example.status} ${example.reason}" is not the status line of ${example.status}`)
  if (route.params && !route.params.safeParse(params).success) fail('path parameters fail')
  // A header the route declares (e.g. Idempotency-Key) must be one it accepts.
  if (route.headers && !route.headers.safeParse(example.request.headers).success)
    fail('request headers fail their schema')
  const query = Object.fromEntries(example.url.searchParams)
  if (example.url.search && !route.query) fail('a query on a route that takes none')
  if (route.query && !route.query.safeParse(query).success) fail('query fails its schema')
  const requestBody: unknown = example.request.body ? JSON.parse(example.request.body) : undefined
  if (requestBody !== undefined && !route.body) fail('a body on a route that takes none')
  const bodyCheck = route.body?.safeParse(requestBody)
  const responseBody: unknown = JSON.parse(example.response.body)

  if (example.status === (route.status ?? 200)) {
    if (bodyCheck && !bodyCheck.success) fail(`request body fails: ${bodyCheck.error.message}`)
    const checked = route.response.safeParse(responseBody)
    if (!checked.success) fail(`response fails its schema: ${checked.error.message}`)
    return problems
  }
  const error = errorBodySchema.safeParse(responseBody)
  if (!error.success) return [...problems, `${name}: the error body is not the error shape`]
  const { code, details } = error.data.error
  if (errorStatus[code] !== example.status)
    fail(`${code} answers ${errorStatus[code]}, not ${example.status}`)
  if (code === 'validation_failed') {
    // The issues shown must be exactly those the schema finds in the body shown.
    if (!bodyCheck || bodyCheck.success) fail('validation_failed for a body that is valid')
    else if (!isDeepStrictEqual(details, { issues: validationIssues(bodyCheck.error.issues) }))
      fail(`details are not the issues the schema finds: ${JSON.stringify(details)}`)
  } else if (bodyCheck && !bodyCheck.success) {
    fail(`request body fails: ${bodyCheck.error.message}`)
  }
  return problems
}

describe.each(dialects)('docs/api.md on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  it('when docs/api.md lists the routes, then they are exactly the routes the gateway serves', () => {
    const served = server.built.apiRoutes
      .map((r) => `${r.method.toUpperCase()} ${apiPrefix}${r.path}`)
      .sort()
    const listed = listedRoutes(doc)
    expect(listed.length, 'a route listed twice').toBe(new Set(listed).size)
    expect(listed.sort()).toEqual(served)
  })

  it('when docs/api.md shows an exchange, then it passes the schemas of its route', () => {
    const all = examples(doc)
    expect(all.length).toBeGreaterThanOrEqual(10)
    expect(all.flatMap((example) => problemsOf(example, server.built.apiRoutes))).toEqual([])
  })

  it('when docs/api.md names an error code with its status, then the gateway answers that code with that status', () => {
    const named = documentedStatuses(doc)
    expect(named.length).toBeGreaterThan(20)
    expect(named.filter(([code, status]) => errorStatus[code] !== status)).toEqual([])
  })

  it('when docs/api.md has a section of routes, then it shows at least one exchange', () => {
    const sections = doc.split(/^## /m).slice(1)
    const withRoutes = sections.filter((s) => listedRoutes(s).length > 0)
    const withoutExample = withRoutes
      .filter((s) => examples(s).length === 0)
      .map((s) => s.split('\n')[0])
    expect(withRoutes.length).toBeGreaterThan(5)
    expect(withoutExample).toEqual([])
  })
})
