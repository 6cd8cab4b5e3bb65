import type { Request } from 'express'
import type { Principal } from '../../accounts/roles.ts'
import { findKioskState } from '../../db/kiosk-repository.ts'
import {
  isPersonLanguage,
  personLanguageOf,
  type PersonLanguage,
} from '../../templates/pages/i18n/person-language.ts'
import { errorPage } from '../../templates/pages/layout.ts'
import { personErrorPage, type PersonErrorKind } from '../../templates/pages/person-error-view.ts'
import { authenticate } from '../auth/authenticate.ts'
import type { Deps } from '../deps.ts'
import { selfServiceLanguageCookie } from '../self-service/self-service-service.ts'
import { parseCookies } from './cookies.ts'

/** An error a page answers with: its kind for the person's side, its German words for staff. */
export interface PageError {
  status: number
  kind: PersonErrorKind
  staff: { title: string; message: string }
  requestId?: string
}

/** The side of the person a path belongs to (kiosk or `/me`), or null for staff pages. */
export function personSideOf(path: string): '/kiosk' | '/me' | null {
  for (const side of ['/kiosk', '/me'] as const)
    if (path === side || path.startsWith(`${side}/`)) return side
  return null
}

/**
 * The person's language for an error on their side, chosen as the pages choose it: `?lang=` when
 * given; on `/me` its cookie; on the kiosk the language of the flow on the device. German when
 * nothing says otherwise (or the kiosk's state cannot be read: an error page must not fail).
 */
async function personLanguageFor(
  deps: Deps,
  req: Request,
  principal: Principal | null | undefined,
  side: '/kiosk' | '/me',
): Promise<PersonLanguage> {
  const asked = askedPersonLanguage(req, side)
  if (asked) return asked
  try {
    // Not yet known outside a page route (the 404 of an unknown kiosk path): the device's session.
    const device =
      principal === undefined
        ? (await authenticate(deps, req, deps.clock.now())).principal
        : principal
    if (device?.role !== 'kiosk') return 'de'
    return personLanguageOf((await findKioskState(deps.db, device.userId))?.language)
  } catch {
    return 'de'
  }
}

/** The language the request itself asks for: `?lang=`, and on `/me` its cookie. */
function askedPersonLanguage(req: Request, side: '/kiosk' | '/me'): PersonLanguage | undefined {
  const query = req.query.lang
  if (isPersonLanguage(query)) return query
  const cookie = parseCookies(req.headers.cookie)[selfServiceLanguageCookie]
  return side === '/me' && isPersonLanguage(cookie) ? cookie : undefined
}

/**
 * The same without reading the database, for a request refused before any route (a malformed
 * path): the language the request asks for, else German.
 */
export function pageErrorHtmlFromRequest(req: Request, error: PageError): string {
  const side = personSideOf(req.path)
  if (!side) return errorPage(error.status, error.staff.title, error.staff.message)
  return personErrorPage({
    language: askedPersonLanguage(req, side) ?? 'de',
    kind: error.kind,
    home: side,
  })
}

/**
 * The HTML of an error page: on the kiosk and `/me` in the person's language with `lang` and
 * `dir` (docs/design.md §5: the kiosk, its errors, … one language from start to finish); staff
 * pages stay German.
 */
export async function pageErrorHtml(
  deps: Deps,
  req: Request,
  /** The caller as the page route knew it; `undefined` when no route has looked yet. */
  principal: Principal | null | undefined,
  error: PageError,
): Promise<string> {
  const side = personSideOf(req.path)
  if (!side) return errorPage(error.status, error.staff.title, error.staff.message)
  return personErrorPage({
    language: await personLanguageFor(deps, req, principal, side),
    kind: error.kind,
    home: side,
    ...(error.requestId ? { requestId: error.requestId } : {}),
  })
}

/** The kind of error the person reads for a coded failure's HTTP status. */
export function personErrorKindOf(status: number): PersonErrorKind {
  if (status === 429) return 'tooMany'
  if (status === 404) return 'notFound'
  if (status === 403) return 'forbidden'
  return 'failed'
}
