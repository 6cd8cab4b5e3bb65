import { parse, serialize } from 'cookie'

/**
 * The cookies of a request's `Cookie` header, by name (RFC 6265 §5.4), read with the `cookie`
 * package express itself uses. A value that is not valid percent-encoding is left out, like a
 * missing cookie, rather than handed on undecoded.
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {}
  if (!header) return cookies
  for (const [name, value] of Object.entries(parse(header, { decode: (raw) => raw }))) {
    try {
      cookies[name] = decodeURIComponent(value)
    } catch {
      // A malformed cookie value is ignored, like a missing one.
    }
  }
  return cookies
}

export interface CookieOptions {
  secure: boolean
  maxAgeSeconds?: number
  path?: string
}

/**
 * A `Set-Cookie` value for one of our cookies. Every cookie of the gateway is HttpOnly and
 * SameSite=Strict (no script and no other site ever sends or reads it), Path `/` unless narrowed;
 * `Max-Age=0` removes it.
 */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  return serialize(name, value, {
    path: options.path ?? '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: options.secure,
    ...(options.maxAgeSeconds !== undefined ? { maxAge: options.maxAgeSeconds } : {}),
  })
}
