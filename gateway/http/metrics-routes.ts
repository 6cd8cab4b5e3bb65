import { z } from 'zod'
import { carriesMetricsToken } from '../metrics/metrics-access.ts'
import { ApiError } from './api-error.ts'
import { apiRoute } from './route.ts'

/**
 * Prometheus text format, beside the health check (system-routes.ts). Not for accounts: the
 * scraper sends `METRICS_TOKEN` as its bearer token (the route is public to the account check,
 * which would refuse that token). Without a configured token the route answers 404.
 */
export const metricsRoute = apiRoute({
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus metrics (bearer METRICS_TOKEN; 404 when none is configured)',
  access: 'public',
  response: z.string(),
  handle: async ({ deps, req, res }) => {
    const token = deps.config.secrets.metricsToken
    if (token === undefined)
      throw new ApiError('not_found', 'Metrics are off: set METRICS_TOKEN to serve them.')
    if (!carriesMetricsToken(req.headers.authorization, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="brucke-metrics"')
      throw new ApiError('unauthenticated', 'Send the metrics token as a bearer token.')
    }
    const text = await deps.metrics.scrape()
    res.status(200).type(deps.metrics.registry.contentType).end(text)
    return ''
  },
})
