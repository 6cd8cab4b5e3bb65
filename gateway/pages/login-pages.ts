import type { Response } from 'express'
import { z } from 'zod'
import type { Role } from '../../accounts/roles.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { html } from '../../templates/pages/html.ts'
import { layout } from '../../templates/pages/layout.ts'
import { createLoginCsrf, loginCsrfMaxAgeSeconds } from '../auth/login-csrf.ts'
import { checkThrottledPasswordLogin } from '../auth/login-throttle.ts'
import { createSession, endSession, sessionCookieName } from '../auth/sessions.ts'
import type { Deps } from '../deps.ts'
import { parseCookies, serializeCookie } from '../http/cookies.ts'
import { pageRoute, type AnyPageRoute } from '../http/route.ts'

const loginCsrfCookie = 'brucke_login_csrf'

export const homeOf: Record<Role, string> = {
  staff: '/staff',
  dpo: '/dpo',
  admin: '/admin',
  kiosk: '/kiosk',
}

function renderLogin(csrf: string, error?: string): string {
  return layout({
    title: 'Anmelden',
    body: html`<section class="card login">
      <h1>Anmelden</h1>
      <p class="muted">Für Fachkräfte, Datenschutzbeauftragte, Administration und Kiosk-Geräte.</p>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <form method="post" action="/login">
        <input type="hidden" name="_login_csrf" value="${csrf}" />
        <label for="username">Kennung</label>
        <input
          id="username"
          name="username"
          type="text"
          autocomplete="username"
          required
          autofocus
        />
        <label for="password">Passwort</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <p><button type="submit">Anmelden</button></p>
      </form>
      <p class="muted">
        Junge Menschen: Ihre Einwilligungen sehen Sie unter <a href="/me">/me</a> mit dem Code von
        Ihrer Quittung.
      </p>
    </section>`,
  })
}

const loginFormSchema = z.object({
  username: z.string().trim().min(1).max(128),
  password: z.string().min(1).max(500),
  // Missing is refused by the CSRF check (403), not by validation.
  _login_csrf: z.string().max(200).default(''),
})

/** A fresh login form token, set as its cookie. */
const issueCsrf = (deps: Deps, res: Response) => {
  const csrf = createLoginCsrf(deps.config.secrets.masterKey).issue('login', deps.clock.now())
  res.append(
    'Set-Cookie',
    serializeCookie(loginCsrfCookie, csrf, {
      secure: deps.config.cookieSecure,
      maxAgeSeconds: loginCsrfMaxAgeSeconds,
      path: '/login',
    }),
  )
  return csrf
}

export const loginFormPage = pageRoute({
  method: 'get',
  path: '/login',
  access: 'public',
  handle: ({ deps, res }) => Promise.resolve({ html: renderLogin(issueCsrf(deps, res)) }),
})

export const loginSubmitPage = pageRoute({
  method: 'post',
  path: '/login',
  access: 'public',
  form: loginFormSchema,
  handle: async ({ deps, limits, req, res, body }) => {
    const again = (status: number, message: string) => ({
      status,
      html: renderLogin(issueCsrf(deps, res), message),
    })
    const now = deps.clock.now()
    const csrf = createLoginCsrf(deps.config.secrets.masterKey).check({
      form: 'login',
      cookie: parseCookies(req.headers.cookie)[loginCsrfCookie],
      field: body._login_csrf,
      at: now,
    })
    if (!csrf.ok) return again(403, 'Die Seite war zu alt. Bitte noch einmal anmelden.')
    const login = await checkThrottledPasswordLogin(deps, {
      budget: limits.login,
      username: body.username,
      password: body.password,
      remoteAddress: req.ip ?? 'unknown',
      at: now,
    })
    if (!login.ok && login.reason === 'rate_limited') {
      res.setHeader('Retry-After', String(login.retryAfterSeconds))
      const minutes = Math.ceil(login.retryAfterSeconds / 60)
      return again(
        429,
        `Zu viele Versuche. Bitte warten Sie ${minutes} ${minutes === 1 ? 'Minute' : 'Minuten'}.`,
      )
    }
    if (!login.ok) return again(401, 'Kennung oder Passwort stimmen nicht.')
    login.refund()
    const { user } = login
    const session = await createSession(deps.db, user.id, now)
    await appendAuditEvent(deps.db, {
      at: now,
      actor: user.role === 'kiosk' ? `kiosk:${user.id}` : `user:${user.id}`,
      event: {
        type: 'login_succeeded',
        userId: user.id,
        ...(user.agencyId ? { agencyId: user.agencyId } : {}),
      },
    })
    res.append('Set-Cookie', serializeCookie(sessionCookieName, session.token, { secure: deps.config.cookieSecure }))
    res.append(
      'Set-Cookie',
      serializeCookie(loginCsrfCookie, '', { secure: deps.config.cookieSecure, maxAgeSeconds: 0, path: '/login' }),
    )
    return { redirect: homeOf[user.role] }
  },
})

export const logoutPage = pageRoute({
  method: 'post',
  path: '/logout',
  access: ['staff', 'dpo', 'admin', 'kiosk'],
  handle: async ({ deps, req, res, principal }) => {
    const token = parseCookies(req.headers.cookie)[sessionCookieName]
    if (token) await endSession(deps.db, token)
    await appendAuditEvent(deps.db, {
      at: deps.clock.now(),
      actor:
        principal.role === 'kiosk' ? `kiosk:${principal.userId}` : `user:${principal.userId}`,
      event: { type: 'logout', userId: principal.userId },
    })
    res.append('Set-Cookie', serializeCookie(sessionCookieName, '', { secure: deps.config.cookieSecure, maxAgeSeconds: 0 }))
    return { redirect: '/login' }
  },
})

export const rootPage = pageRoute({
  method: 'get',
  path: '/',
  access: 'public',
  handle: ({ principal }) =>
    Promise.resolve({ redirect: principal ? homeOf[principal.role] : '/login' }),
})

/** Login, logout and the root redirect. */
export const loginPageRoutes: AnyPageRoute[] = [
  loginFormPage,
  loginSubmitPage,
  logoutPage,
  rootPage,
]
