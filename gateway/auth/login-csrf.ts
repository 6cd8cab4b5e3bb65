import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'

/** The forms that sign someone in; a token of one is refused by the other. */
export type LoginForm = 'login' | 'self-service'

/** How long a login form stays usable; also the cookie's Max-Age. */
export const loginCsrfMaxAgeSeconds = 60 * 60

export type LoginCsrfCheck =
  { ok: true } | { ok: false; reason: 'missing' | 'mismatch' | 'forged' | 'expired' }

export interface LoginCsrf {
  /** A fresh token for a form shown at `at`: issue time, random nonce, HMAC. */
  issue(form: LoginForm, at: Date): string
  /** Whether a login POST carries the same valid, unexpired token in cookie and field. */
  check(input: {
    form: LoginForm
    cookie: string | undefined
    field: string | undefined
    at: Date
  }): LoginCsrfCheck
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/**
 * Login CSRF protection for the forms used before there is a session (`/login`, `/me`): a
 * signed double-submit token. The form page sets it as a SameSite=Strict cookie and puts it in a
 * hidden field; the POST must bring both, equal, with a valid HMAC under a key derived from the
 * master key, and younger than {@link loginCsrfMaxAgeSeconds}. A foreign site can neither read
 * the field nor send the cookie, so it cannot sign a browser into an account or a `/me` session of
 * its choosing; the HMAC means a cookie planted from elsewhere (e.g. a sibling subdomain) must
 * still be one this gateway issued, and only for this form, recently.
 */
export function createLoginCsrf(masterKey: Buffer): LoginCsrf {
  const key = Buffer.from(
    hkdfSync('sha256', masterKey, Buffer.alloc(0), 'brucke login csrf v1', 32),
  )
  const macOf = (form: LoginForm, issued: string, nonce: string) =>
    createHmac('sha256', key).update(`${form}.${issued}.${nonce}`).digest('base64url')

  return {
    issue(form, at) {
      const issued = Math.floor(at.getTime() / 1000).toString(36)
      const nonce = randomBytes(16).toString('base64url')
      return `${issued}.${nonce}.${macOf(form, issued, nonce)}`
    },
    check({ form, cookie, field, at }) {
      if (!cookie || !field) return { ok: false, reason: 'missing' }
      if (!sameText(cookie, field)) return { ok: false, reason: 'mismatch' }
      const [issued, nonce, mac, ...rest] = field.split('.')
      if (!issued || !nonce || !mac || rest.length > 0 || !/^[0-9a-z]{1,12}$/.test(issued))
        return { ok: false, reason: 'forged' }
      if (!sameText(mac, macOf(form, issued, nonce))) return { ok: false, reason: 'forged' }
      const age = at.getTime() / 1000 - parseInt(issued, 36)
      // A little slack for a token issued "in the future" by a clock that stepped back.
      if (age > loginCsrfMaxAgeSeconds || age < -60) return { ok: false, reason: 'expired' }
      return { ok: true }
    },
  }
}
