import type { Request, Response } from 'express'
import type { ZodType } from 'zod'
import type { Principal, Role, StaffPrincipal } from '../../accounts/roles.ts'
import type { Deps } from '../deps.ts'
import type { RouteLimits } from './route-limits.ts'

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** Who may call a route: anyone, or signed-in users with one of the roles. */
export type Access = 'public' | readonly Role[]

export interface RouteContext<P, Q, B, Auth extends Principal | null, H = unknown> {
  deps: Deps
  /** The app's attempt limits, built once (gateway/http/route-limits.ts). */
  limits: RouteLimits
  principal: Auth
  params: P
  query: Q
  body: B
  /** The request headers the route declares, validated (undefined when it declares none). */
  headers: H
  requestId: string
  req: Request
  res: Response
}

/**
 * The principal a route's handler gets: anyone's on a public route; a staff principal (with its
 * agency) on a route only staff may call, which the mounting checks once; else any signed-in one.
 */
type PrincipalFor<A extends Access> = A extends 'public'
  ? Principal | null
  : A extends readonly 'staff'[]
    ? StaffPrincipal
    : Principal

/**
 * A JSON route under `/api/v1`: its schemas validate the request and the response and generate
 * the OpenAPI document; `access` feeds the access-control matrix test.
 */
export interface ApiRoute<
  P = unknown,
  Q = unknown,
  B = unknown,
  R = unknown,
  A extends Access = Access,
  H = unknown,
> {
  kind: 'api'
  method: HttpMethod
  path: string
  summary: string
  access: A
  params?: ZodType<P>
  query?: ZodType<Q>
  body?: ZodType<B>
  /**
   * Request headers the route reads (e.g. `Idempotency-Key`), by their lower-case name as Node
   * gives them; other headers are not the schema's business (`z.object`, not strict).
   */
  headers?: ZodType<H>
  response: ZodType<R>
  /** Success status; 200 unless given. */
  status?: number
  /** Largest accepted JSON body in bytes (default 64 KiB). */
  bodyLimit?: number
  handle(ctx: RouteContext<P, Q, B, PrincipalFor<A>, H>): Promise<R>
}

export function apiRoute<
  P = undefined,
  Q = undefined,
  B = undefined,
  R = unknown,
  const A extends Access = Access,
  H = undefined,
>(route: Omit<ApiRoute<P, Q, B, R, A, H>, 'kind'>): ApiRoute<P, Q, B, R, A, H> {
  return { kind: 'api', ...route }
}

export type PageResult =
  | { html: string; status?: number }
  | { redirect: string }
  | { file: Buffer; contentType: string; filename: string }

/**
 * A server-rendered page or form post. POSTs from pages carry the session's CSRF token in the
 * `_csrf` field; forms are parsed with `form` (urlencoded).
 */
export interface PageRoute<F = unknown, A extends Access = Access> {
  kind: 'page'
  method: 'get' | 'post'
  path: string
  access: A
  form?: ZodType<F>
  /** Largest accepted form body in bytes (default 64 KiB). */
  bodyLimit?: number
  handle(
    ctx: RouteContext<Record<string, string>, Record<string, unknown>, F, PrincipalFor<A>>,
  ): Promise<PageResult>
}

export function pageRoute<F = undefined, const A extends Access = Access>(
  route: Omit<PageRoute<F, A>, 'kind'>,
): PageRoute<F, A> {
  return { kind: 'page', ...route }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyApiRoute = ApiRoute<any, any, any, any, Access, any>
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPageRoute = PageRoute<any, Access>
