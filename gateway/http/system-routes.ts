import { z } from 'zod'
import { apiRoute } from './route.ts'

export const healthzRoute = apiRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness check',
  access: 'public',
  response: z.strictObject({ status: z.literal('ok') }),
  handle: () => Promise.resolve({ status: 'ok' as const }),
})
