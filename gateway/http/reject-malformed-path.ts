import type { NextFunction, Request, Response } from 'express'
import { errorBody } from './api-error.ts'
import { pageErrorHtmlFromRequest } from './page-errors.ts'

/**
 * Whether the raw path decodes as percent-encoded UTF-8 (RFC 3986 §2.1, RFC 3629) free of
 * control characters. No route has a segment in which a control means anything, and an id with
 * a NUL would reach PostgreSQL, which cannot hold one in text (a 500 instead of a 404).
 */
export function isWellFormedPath(rawPath: string): boolean {
  if (!rawPath.includes('%')) return true
  try {
    // decodeURIComponent refuses bad escapes, invalid and overlong UTF-8, encoded surrogates and
    // code points beyond U+10FFFF — exactly what express's router would later throw on.
    return !/\p{Cc}/u.test(decodeURIComponent(rawPath))
  } catch {
    return false
  }
}

/** Whether the path lies under the mount prefix the way express matches it (case-insensitive). */
function isUnder(prefix: string, rawPath: string): boolean {
  const head = rawPath.slice(0, prefix.length).toLowerCase()
  const next = rawPath.charAt(prefix.length)
  return head === prefix.toLowerCase() && (next === '' || next === '/')
}

/**
 * Refuses a path that is not percent-encoded UTF-8 with a 400 before any router sees it: express
 * decodes route parameters lazily and its URIError would otherwise reach the last-resort handler
 * as a 500 (with the undecodable path — maybe a name — in the log), while unknown routes and
 * static assets would answer 404. The API answers `bad_path` as JSON, everything else a page.
 */
export function rejectMalformedPath(apiPrefix: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (isWellFormedPath(req.path)) {
      next()
      return
    }
    if (isUnder(apiPrefix, req.path)) {
      res
        .status(400)
        .setHeader('Cache-Control', 'no-store')
        .json(
          errorBody('bad_path', 'The path is not valid percent-encoded UTF-8 or has a control.'),
        )
      return
    }
    res
      .status(400)
      .setHeader('Cache-Control', 'no-store')
      .type('html')
      .send(
        pageErrorHtmlFromRequest(req, {
          status: 400,
          kind: 'badAddress',
          staff: {
            title: 'Ungültige Adresse',
            message: 'Diese Adresse enthält Zeichen, die es nicht gibt.',
          },
        }),
      )
  }
}
