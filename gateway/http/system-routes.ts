import { z } from 'zod'
import { checkReadiness } from '../readiness.ts'
import { apiRoute } from './route.ts'

/** Liveness: the process answers HTTP. Asks nothing of the database (a restart there is no reason to restart us). */
export const healthzRoute = apiRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness check',
  access: 'public',
  response: z.strictObject({ status: z.literal('ok') }),
  handle: () => Promise.resolve({ status: 'ok' as const }),
})

const readinessBody = z.strictObject({
  status: z.enum(['ready', 'not_ready']),
  checks: z.array(
    z.strictObject({ name: z.string(), ok: z.boolean(), reason: z.string().optional() }),
  ),
})

/**
 * Readiness: the database takes a write and the delivery worker (if this process runs one) is
 * running. 200 when ready; 503 with the same body, naming what is not, otherwise.
 */
export const readyzRoute = apiRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness check (database writable, delivery worker running); 503 when not ready',
  access: 'public',
  response: readinessBody,
  handle: async ({ deps, res }) => {
    const report = await checkReadiness(deps)
    const body = readinessBody.parse({
      status: report.ready ? 'ready' : 'not_ready',
      checks: report.checks,
    })
    if (!report.ready) {
      // The route answers itself: a 503 with the reasons, not an error body.
      res.setHeader('Retry-After', '5')
      res.status(503).json(body)
    }
    return body
  },
})
