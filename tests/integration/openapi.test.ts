import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

describe('OpenAPI document', () => {
  let t: TestDeps
  let server: TestServer
  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  it('describes every API route, generated from the zod schemas that validate requests', async () => {
    const response = await server.api('GET', '/openapi.json')
    expect(response.status).toBe(200)
    const doc = response.body as {
      openapi: string
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              required: boolean
              content: Record<
                string,
                { schema: { properties: Record<string, { enum?: string[] }> } }
              >
            }
            'x-roles'?: string[]
          }
        >
      >
    }
    expect(doc.openapi).toBe('3.1.0')
    for (const route of server.built.apiRoutes) {
      const path = `/api/v1${route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`
      expect(doc.paths[path]?.[route.method], `${route.method} ${path}`).toBeDefined()
    }
    const addAgency = doc.paths['/api/v1/agencies']!.post!
    expect(addAgency['x-roles']).toEqual(['admin'])
    expect(
      addAgency.requestBody!.content['application/json']!.schema.properties.kind!.enum,
    ).toEqual(['jobcenter', 'agentur', 'jugendamt', 'traeger'])
    expect(addAgency.requestBody!.required).toBe(true)
    // Without a body, the route revokes every token of the account: the body is optional.
    const revokeTokens = doc.paths['/api/v1/users/{userId}/tokens/revoke']!.post!
    expect(revokeTokens.requestBody!.required).toBe(false)
  })
})
