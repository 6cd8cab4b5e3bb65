import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import express, { type Express, type NextFunction, type Request, type Response } from 'express'
import helmet from 'helmet'
import type { Deps } from './deps.ts'
import { errorBody } from './http/api-error.ts'
import { logDatabaseFailure } from './http/database-failure-status.ts'
import { toHttpFailure } from './http/error-status.ts'
import { mountApiRoutes, mountPageRoutes } from './http/mount-routes.ts'
import { pageErrorHtml } from './http/page-errors.ts'
import { rejectMalformedPath } from './http/reject-malformed-path.ts'
import { buildOpenApiDocument } from './http/openapi.ts'
import { createRouteLimits, type RouteLimits } from './http/route-limits.ts'
import { apiPrefix, apiRoutes, pageRoutes } from './http/routes.ts'
import { apiRoute, type AnyApiRoute, type AnyPageRoute } from './http/route.ts'
import { z } from 'zod'

export interface BuiltApp {
  app: Express
  apiRoutes: readonly AnyApiRoute[]
  pageRoutes: readonly AnyPageRoute[]
}

const assetsDir = fileURLToPath(new URL('../templates/assets/', import.meta.url))

/**
 * Builds the express app from its dependencies; no globals, nothing listens here. The attempt
 * limits are built once per running gateway (`startGateway`) and passed in; a test may pass its
 * own, or take fresh ones.
 */
export function createApp(deps: Deps, limits: RouteLimits = createRouteLimits(deps)): BuiltApp {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', false)
  app.set('query parser', 'simple')
  // Every API answer and page is `Cache-Control: no-store`, so no client ever sends the ETag
  // back: hashing each body for one was CPU for nothing. Static assets keep theirs (serve-static).
  app.set('etag', false)

  app.use((req: Request, res: Response, next: NextFunction) => {
    const incoming = req.headers['x-request-id']
    res.locals.requestId =
      typeof incoming === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(incoming)
        ? incoming
        : randomUUID()
    res.setHeader('X-Request-Id', String(res.locals.requestId))
    const started = process.hrtime.bigint()
    res.on('finish', () => {
      // Only the route pattern is logged: paths and queries could carry identifiers.
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched'
      deps.metrics.httpRequest({
        method: req.method,
        // With the router's mount point: `/api/v1/transfers/:id`, not the API's and a page's
        // `/transfers/:id` alike. Never the path itself (ids), only the pattern.
        route: route === 'unmatched' ? route : req.baseUrl + route,
        status: res.statusCode,
      })
      deps.log.info(
        {
          requestId: res.locals.requestId,
          method: req.method,
          route,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      )
    })
    next()
  })

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
      strictTransportSecurity: deps.config.cookieSecure,
      referrerPolicy: { policy: 'no-referrer' },
    }),
  )

  app.use(rejectMalformedPath(apiPrefix))
  app.use('/assets', express.static(assetsDir, { index: false, maxAge: '1h', fallthrough: true }))

  const api: AnyApiRoute[] = [...apiRoutes]
  const pages = pageRoutes
  api.push(
    apiRoute({
      method: 'get',
      path: '/openapi.json',
      summary: 'This OpenAPI document',
      access: 'public',
      response: z.record(z.string(), z.unknown()),
      handle: () => Promise.resolve(openApi),
    }),
  )
  const openApi = buildOpenApiDocument(api, apiPrefix)

  const apiRouter = express.Router({ strict: false, caseSensitive: true })
  // Every API answer may carry personal data (or, for health and the OpenAPI document, gains
  // nothing from a cache): no browser, proxy or shared cache keeps any of it.
  apiRouter.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store')
    next()
  })
  mountApiRoutes(apiRouter, deps, limits, api, apiPrefix)
  apiRouter.use((req: Request, res: Response) => {
    res
      .status(404)
      .json(errorBody('route_not_found', `No route ${req.method} ${apiPrefix}${req.path}.`))
  })
  app.use(apiPrefix, apiRouter)

  const pageRouter = express.Router({ caseSensitive: true })
  mountPageRoutes(pageRouter, deps, limits, pages)
  app.use(pageRouter)

  app.use(async (req: Request, res: Response) => {
    res
      .status(404)
      .type('html')
      .send(
        await pageErrorHtml(deps, req, undefined, {
          status: 404,
          kind: 'notFound',
          staff: { title: 'Nicht gefunden', message: 'Diese Seite gibt es nicht.' },
        }),
      )
  })
  // Last resort: errors raised outside a route (e.g. by a middleware) never leak a stack trace.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    deps.metrics.databaseError(error)
    const failure = toHttpFailure(error)
    if (failure && logDatabaseFailure(deps.log, error, { requestId: res.locals.requestId })) {
      if (!res.headersSent) {
        const retryAfter = failure.details?.retryAfterSeconds
        if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter))
        res.status(failure.status).json(errorBody(failure.code, failure.message, failure.details))
      }
      return
    }
    deps.log.error({ err: error, requestId: res.locals.requestId }, 'unhandled error')
    if (!res.headersSent)
      res.status(500).json(
        errorBody('internal_error', 'Internal error.', {
          requestId: String(res.locals.requestId),
        }),
      )
  })

  return { app, apiRoutes: api, pageRoutes: pages }
}
