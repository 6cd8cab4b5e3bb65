import { z } from 'zod'
import type { AnyApiRoute } from './route.ts'

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Record<string, unknown>
  return rest
}

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
})

/** OpenAPI 3.1 document generated from the same zod schemas that validate requests and responses. */
export function buildOpenApiDocument(
  routes: readonly AnyApiRoute[],
  prefix: string,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    const path = prefix + route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
    const parameters: unknown[] = []
    for (const name of route.path.match(/:([A-Za-z0-9_]+)/g) ?? []) {
      parameters.push({
        name: name.slice(1),
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })
    }
    if (route.query) {
      const query = toJsonSchema(route.query, 'input') as {
        properties?: Record<string, unknown>
        required?: string[]
      }
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({
          name,
          in: 'query',
          required: query.required?.includes(name) ?? false,
          schema,
        })
      }
    }
    if (route.headers) {
      const headers = toJsonSchema(route.headers, 'input') as {
        properties?: Record<string, unknown>
        required?: string[]
      }
      for (const [name, schema] of Object.entries(headers.properties ?? {})) {
        parameters.push({
          // Header names are case-insensitive; the document spells them as people write them.
          name: name.replace(
            /(^|-)([a-z])/g,
            (_m, dash: string, c: string) => dash + c.toUpperCase(),
          ),
          in: 'header',
          required: headers.required?.includes(name) ?? false,
          schema,
        })
      }
    }
    const operation: Record<string, unknown> = {
      summary: route.summary,
      operationId: `${route.method}${route.path.replace(/[/:]+([a-z])/g, (_m, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
      security: route.access === 'public' ? [] : [{ bearer: [] }],
      ...(route.access === 'public' ? {} : { 'x-roles': route.access }),
      parameters,
      responses: {
        [String(route.status ?? 200)]: {
          description: 'Success',
          content: { 'application/json': { schema: toJsonSchema(route.response, 'output') } },
        },
        default: {
          description: 'Error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    }
    if (route.body) {
      operation.requestBody = {
        // A body the route also takes absent (e.g. revoke all tokens) is not required.
        required: !route.body.safeParse(undefined).success,
        content: { 'application/json': { schema: toJsonSchema(route.body, 'input') } },
      }
    }
    paths[path] = { ...paths[path], [route.method]: operation }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Brücke API',
      version: '1',
      description: 'Consent and data-exchange gateway (docs/api.md, docs/design.md §6).',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: toJsonSchema(errorSchema, 'output') },
    },
  }
}
