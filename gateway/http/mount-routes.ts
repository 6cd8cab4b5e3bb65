import type { Request, Response, Router } from 'express'
import type { ZodType } from 'zod'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { isStaffPrincipal, type Principal } from '../../accounts/roles.ts'
import { authenticate, type Authentication } from '../auth/authenticate.ts'
import type { Deps } from '../deps.ts'
import { ApiError, errorBody } from './api-error.ts'
import { formBodyReader, jsonBodyReader, requestHasBody } from './body-parsing.ts'
import { logDatabaseFailure } from './database-failure-status.ts'
import { toHttpFailure, validationIssues, type HttpFailure } from './error-status.ts'
import { pageErrorHtml, personErrorKindOf } from './page-errors.ts'
import { refuseNul } from './refuse-nul.ts'
import type { Access, AnyApiRoute, AnyPageRoute } from './route.ts'
import type { RouteLimits } from './route-limits.ts'

const defaultBodyLimit = 64 * 1024

function parseWith<T>(schema: ZodType<T> | undefined, value: unknown, what: string): T {
  if (!schema) return undefined as T
  const result = schema.safeParse(value)
  if (!result.success)
    throw new ApiError('validation_failed', `The ${what} is not valid.`, {
      details: {
        issues: validationIssues(result.error.issues),
      },
    })
  return result.data
}

/**
 * The path parameters of a page route. Express types `req.params` by the route string, which a
 * registry of routes mounted in a loop cannot name; every value of a matched path is a string.
 */
function pathParamsOf(req: Request): Record<string, string> {
  return req.params as Record<string, string>
}

function isAllowed(
  access: Access,
  principal: Principal | null,
): 'ok' | 'unauthenticated' | 'forbidden' {
  if (access === 'public') return 'ok'
  if (!principal) return 'unauthenticated'
  if (!access.includes(principal.role)) return 'forbidden'
  // A route only staff may call gets a StaffPrincipal (route.ts): staff of an agency.
  if (access.every((role) => role === 'staff') && !isStaffPrincipal(principal)) return 'forbidden'
  return 'ok'
}

async function recordRefusal(
  deps: Deps,
  req: Request,
  path: string,
  principal: Principal,
  reason: string,
): Promise<void> {
  await appendAuditEvent(deps.db, {
    at: deps.clock.now(),
    actor: principal.role === 'kiosk' ? `kiosk:${principal.userId}` : `user:${principal.userId}`,
    event: {
      type: 'permission_refused',
      method: req.method,
      route: path,
      role: principal.role,
      ...(principal.agencyId ? { agencyId: principal.agencyId } : {}),
      reason,
    },
  })
}

export function requestIdOf(res: Response): string {
  return String(res.locals.requestId)
}

function sendApiFailure(deps: Deps, res: Response, error: unknown): void {
  if (res.headersSent) {
    // A streamed body cannot turn into an error body: log it and cut the connection, so the
    // client sees a truncated download, never a complete-looking one.
    deps.log.error({ err: error, requestId: requestIdOf(res) }, 'streamed response failed')
    res.destroy()
    return
  }
  const failure = toHttpFailure(error)
  if (failure) {
    // A database outage answers 503/507 but still counts in `brucke_db_errors_total`.
    if (logDatabaseFailure(deps.log, error, { requestId: requestIdOf(res) }))
      deps.metrics.databaseError(error)
    setRetryAfter(res, failure)
    res.status(failure.status).json(errorBody(failure.code, failure.message, failure.details))
    return
  }
  const requestId = requestIdOf(res)
  deps.metrics.databaseError(error)
  deps.log.error({ err: error, requestId }, 'request failed')
  res.status(500).json(errorBody('internal_error', 'Internal error.', { requestId }))
}

/** Too many attempts (429), the database restarting (503) or full (507): when to try again. */
function setRetryAfter(res: Response, failure: HttpFailure): void {
  const retryAfter = failure.details?.retryAfterSeconds
  if ([429, 503, 507].includes(failure.status) && typeof retryAfter === 'number')
    res.setHeader('Retry-After', String(retryAfter))
}

/** Mounts JSON routes with authentication, access check, CSRF, validation and error mapping. */
export function mountApiRoutes(
  router: Router,
  deps: Deps,
  limits: RouteLimits,
  routes: readonly AnyApiRoute[],
  prefix: string,
): void {
  for (const route of routes) {
    const readJsonBody = jsonBodyReader(route.bodyLimit ?? defaultBodyLimit)
    router[route.method](route.path, async (req: Request, res: Response) => {
      try {
        const now = deps.clock.now()
        // A public route ignores bad credentials (a stale token must not break a health probe).
        const auth =
          route.access === 'public'
            ? await authenticateLeniently(deps, req, now)
            : await authenticate(deps, req, now)
        const verdict = isAllowed(route.access, auth.principal)
        if (verdict === 'unauthenticated')
          throw new ApiError('unauthenticated', 'Sign in or send a bearer token.')
        if (verdict === 'forbidden' && auth.principal) {
          await recordRefusal(deps, req, prefix + route.path, auth.principal, 'role')
          throw new ApiError('forbidden', 'Your role may not do this.')
        }
        checkApiCsrf(req, auth)
        let rawBody: unknown
        if (route.body) rawBody = await readJsonBody(req, res)
        else if (requestHasBody(req) && req.method !== 'GET') {
          throw new ApiError('validation_failed', 'This request takes no body.')
        }
        refuseNul(req.query, 'query')
        refuseNul(rawBody, 'request body')
        const params: unknown = parseWith(route.params, req.params, 'path')
        const query: unknown = parseWith(route.query, req.query, 'query')
        const body: unknown = parseWith(route.body, rawBody, 'request body')
        const headers: unknown = parseWith(route.headers, req.headers, 'header')
        const result: unknown = await route.handle({
          deps,
          principal: auth.principal,
          params,
          query,
          body,
          headers,
          limits,
          requestId: requestIdOf(res),
          req,
          res,
        })
        if (res.headersSent) return // a streaming route (e.g. the audit export) answered itself
        const checked = route.response.safeParse(result)
        if (!checked.success) {
          throw new Error(
            `response of ${route.method.toUpperCase()} ${route.path} does not match its schema: ${checked.error.message}`,
          )
        }
        res.status(route.status ?? 200).json(checked.data)
      } catch (error) {
        sendApiFailure(deps, res, error)
      }
    })
  }
}

function checkApiCsrf(req: Request, auth: Authentication): void {
  if (auth.principal?.via !== 'session' || req.method === 'GET' || req.method === 'HEAD') return
  const sent = req.headers['x-csrf-token']
  if (typeof sent !== 'string' || sent !== auth.csrfToken) {
    throw new ApiError('csrf_failed', 'The CSRF token is missing or wrong; reload the page.')
  }
}

async function authenticateLeniently(deps: Deps, req: Request, now: Date): Promise<Authentication> {
  try {
    return await authenticate(deps, req, now)
  } catch {
    // Pages use the session cookie; a stray Authorization header does not sign anyone in.
    return { principal: null, csrfToken: null }
  }
}

/** Mounts server-rendered pages: session, access check, CSRF on posts, no caching. */
export function mountPageRoutes(
  router: Router,
  deps: Deps,
  limits: RouteLimits,
  routes: readonly AnyPageRoute[],
): void {
  for (const route of routes) {
    const readFormBody = formBodyReader(route.bodyLimit ?? defaultBodyLimit)
    router[route.method](route.path, async (req: Request, res: Response) => {
      res.setHeader('Cache-Control', 'no-store')
      // Known to the error page below: the kiosk's errors speak the language of its flow.
      let principal: Principal | null = null
      try {
        const now = deps.clock.now()
        const auth = await authenticateLeniently(deps, req, now)
        principal = auth.principal
        const verdict = isAllowed(route.access, auth.principal)
        if (verdict === 'unauthenticated') {
          res.redirect(303, '/login')
          return
        }
        if (verdict === 'forbidden' && auth.principal) {
          await recordRefusal(deps, req, route.path, auth.principal, 'role')
          res
            .status(403)
            .type('html')
            .send(
              await pageErrorHtml(deps, req, auth.principal, {
                status: 403,
                kind: 'forbidden',
                staff: {
                  title: 'Kein Zugriff',
                  message: 'Ihre Rolle darf diese Seite nicht öffnen.',
                },
              }),
            )
          return
        }
        refuseNul(req.query, 'query')
        let form: unknown
        if (route.method === 'post') {
          const fields = await readFormBody(req, res)
          refuseNul(fields, 'form')
          if (auth.principal && fields._csrf !== auth.csrfToken) {
            res
              .status(403)
              .type('html')
              .send(
                await pageErrorHtml(deps, req, auth.principal, {
                  status: 403,
                  kind: 'stale',
                  staff: {
                    title: 'Sitzung abgelaufen',
                    message: 'Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.',
                  },
                }),
              )
            return
          }
          const { _csrf: _ignored, ...rest } = fields
          form = parseWith(route.form, rest, 'form')
        }
        const result = await route.handle({
          deps,
          principal: auth.principal,
          params: pathParamsOf(req),
          query: req.query,
          body: form,
          headers: undefined,
          limits,
          requestId: requestIdOf(res),
          req,
          res,
        })
        if ('redirect' in result) res.redirect(303, result.redirect)
        else if ('file' in result) {
          res.setHeader(
            'Content-Disposition',
            `attachment; filename="${result.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
          )
          res.type(result.contentType).send(result.file)
        } else
          res
            .status(result.status ?? 200)
            .type('html')
            .send(result.html)
      } catch (error) {
        const failure = toHttpFailure(error)
        if (failure) {
          const databaseDown = logDatabaseFailure(deps.log, error, { requestId: requestIdOf(res) })
          if (databaseDown) deps.metrics.databaseError(error)
          setRetryAfter(res, failure)
          res
            .status(failure.status)
            .type('html')
            .send(
              await pageErrorHtml(deps, req, principal, {
                status: failure.status,
                kind: personErrorKindOf(failure.status),
                staff: databaseDown
                  ? {
                      title: 'Vorübergehend nicht möglich',
                      message:
                        'Die Datenbank ist gerade nicht verfügbar; nichts wurde gespeichert. Bitte versuchen Sie es in einer Minute noch einmal.',
                    }
                  : { title: 'Das hat nicht geklappt', message: failure.message },
              }),
            )
          return
        }
        deps.metrics.databaseError(error)
        deps.log.error({ err: error, requestId: requestIdOf(res) }, 'page failed')
        res
          .status(500)
          .type('html')
          .send(
            await pageErrorHtml(deps, req, principal, {
              status: 500,
              kind: 'internal',
              staff: {
                title: 'Interner Fehler',
                message: `Bitte nennen Sie dem Support die Kennung ${requestIdOf(res)}.`,
              },
              requestId: requestIdOf(res),
            }),
          )
      }
    })
  }
}
