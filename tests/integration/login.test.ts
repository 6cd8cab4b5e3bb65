import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findUserWithPasswordHash } from '../../db/account-repository.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { dummyPasswordHash } from '../../gateway/auth/password.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import { countingPasswords } from '../support/counting-passwords.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

function cookiesFrom(response: Response): Record<string, string> {
  const out: Record<string, string> = {}
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';')
    const [name, value] = pair!.split('=')
    out[name!] = header
    out[`${name!}:value`] = decodeURIComponent(value ?? '')
  }
  return out
}

async function openLoginForm(server: TestServer): Promise<{ csrf: string; cookie: string }> {
  const response = await fetch(`${server.url}/login`)
  const text = await response.text()
  const csrf = /name="_login_csrf" value="([^"]+)"/.exec(text)?.[1]
  const cookie = cookiesFrom(response)['brucke_login_csrf:value']
  if (!csrf || !cookie) throw new Error('login form without CSRF token')
  return { csrf, cookie: `brucke_login_csrf=${cookie}` }
}

async function postLogin(
  server: TestServer,
  username: string,
  password: string,
  form?: { csrf: string; cookie: string },
): Promise<Response> {
  const { csrf, cookie } = form ?? (await openLoginForm(server))
  return fetch(`${server.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ username, password, _login_csrf: csrf }).toString(),
  })
}

describe.each(dialects)('login and browser sessions on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer

  beforeAll(async () => {
    t = await createTestDeps(dialect, { config: { cookieSecure: true } })
    await seedAccounts(t.deps)
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  it('when staff log in with the right password, then a secure, httpOnly, SameSite session leads to their workplace', async () => {
    const response = await postLogin(server, 'staff-jc', testPassword)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/staff')
    const session = cookiesFrom(response).brucke_session!
    expect(session).toMatch(/HttpOnly/)
    expect(session).toMatch(/SameSite=Strict/)
    expect(session).toMatch(/Secure/)
    const cookie = `brucke_session=${cookiesFrom(response)['brucke_session:value']}`
    const staffPage = await fetch(`${server.url}/staff`, {
      headers: { cookie },
      redirect: 'manual',
    })
    expect(staffPage.status).toBe(200)
    expect(staffPage.headers.get('cache-control')).toBe('no-store')
    expect(staffPage.headers.get('content-security-policy')).toContain("default-src 'self'")
    const audit = await t.deps.db
      .selectFrom('audit_entries')
      .select('type')
      .where('type', '=', 'login_succeeded')
      .execute()
    expect(audit.length).toBe(1)
  })

  it('when the password is wrong, then 401, no session, and a login_failed entry without the password', async () => {
    const response = await postLogin(server, 'staff-jc', 'not the password at all')
    expect(response.status).toBe(401)
    expect(cookiesFrom(response).brucke_session).toBeUndefined()
    const rows = await t.deps.db
      .selectFrom('audit_entries')
      .select('data')
      .where('type', '=', 'login_failed')
      .execute()
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.map((r) => r.data).join()).not.toContain('not the password')
  })

  it('when the login form token is missing or forged, then the login is refused', async () => {
    const form = await openLoginForm(server)
    const response = await postLogin(server, 'staff-jc', testPassword, {
      csrf: 'forged-token',
      cookie: form.cookie,
    })
    expect(response.status).toBe(403)
  })

  it('when the login form token is missing, expired or from the /me form, then 403 and no check of the password', async () => {
    const counter = countingPasswords()
    const own = await startTestServer({ ...t.deps, passwords: counter.passwords })
    try {
      const post = (headers: Record<string, string>, fields: Record<string, string>) =>
        fetch(`${own.url}/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          body: new URLSearchParams({
            username: 'staff-jc',
            password: testPassword,
            ...fields,
          }).toString(),
        })
      // What a foreign site's form can send: no cookie, no token.
      const bare = await post({}, {})
      expect(bare.status).toBe(403)
      expect(await bare.text()).toContain('Die Seite war zu alt')
      // A token the attacker fetched for itself, without the victim's cookie.
      const form = await openLoginForm(own)
      expect((await post({}, { _login_csrf: form.csrf })).status).toBe(403)
      // The /me form's token is for the /me form only.
      const me = await fetch(`${own.url}/me`)
      const meToken = /name="_login_csrf" value="([^"]+)"/.exec(await me.text())?.[1] ?? ''
      expect(
        (await post({ cookie: `brucke_login_csrf=${meToken}` }, { _login_csrf: meToken })).status,
      ).toBe(403)
      const stale = await openLoginForm(own)
      t.clock.advance(61 * 60_000)
      expect((await postLogin(own, 'staff-jc', testPassword, stale)).status).toBe(403)
      expect(counter.checked).toEqual([])
      expect((await postLogin(own, 'staff-jc', testPassword)).status).toBe(303)
      expect(counter.checked).toHaveLength(1)
    } finally {
      await own.close()
    }
  })

  it('when 40 wrong logins for one user arrive at once, then only the limit of passwords is checked and the rest get 429', async () => {
    const counter = countingPasswords()
    const own = await startTestServer({ ...t.deps, passwords: counter.passwords })
    try {
      const form = await openLoginForm(own)
      const statuses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          postLogin(own, 'staff-ja', `wrong guess number ${i}`, form).then((r) => r.status),
        ),
      )
      expect(counter.checked).toHaveLength(10)
      expect(statuses.filter((s) => s === 401)).toHaveLength(10)
      expect(statuses.filter((s) => s === 429)).toHaveLength(30)
      const refused = await postLogin(own, 'staff-ja', testPassword, form)
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(counter.checked).toHaveLength(10)
      const entries = await listAuditEntries(t.deps.db, { limit: 5000 })
      const refusals = entries.filter(
        (e) =>
          e.event.type === 'login_failed' &&
          e.event.username === 'staff-ja' &&
          e.event.reason === 'rate_limited',
      )
      // Audited once per window, not once per refused attempt.
      expect(refusals).toHaveLength(1)
      t.clock.advance(16 * 60_000)
    } finally {
      await own.close()
    }
  })

  it('when the user is unknown, then the login runs exactly one scrypt of the same cost as for a known user', async () => {
    const counter = countingPasswords()
    const own = await startTestServer({ ...t.deps, passwords: counter.passwords })
    try {
      expect((await postLogin(own, 'nobody-by-this-name', 'some guess at all')).status).toBe(401)
      expect(counter.checked).toEqual([dummyPasswordHash])
      counter.checked.length = 0
      expect((await postLogin(own, 'staff-aa', 'some guess at all')).status).toBe(401)
      const stored = (await findUserWithPasswordHash(t.deps.db, 'staff-aa'))?.passwordHash
      expect(counter.checked).toEqual([stored])
      const cost = (hash: string) => hash.split('$').slice(0, 4).join('$')
      expect(cost(dummyPasswordHash)).toBe(cost(stored!))
    } finally {
      await own.close()
    }
  })

  it('when someone guesses many passwords, then further attempts are refused for a while', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 12; i++)
      statuses.push((await postLogin(server, 'dpo-jc', `wrong guess ${i} password`)).status)
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true)
    expect(statuses.slice(10)).toEqual([429, 429])
    expect((await postLogin(server, 'dpo-jc', testPassword)).status).toBe(429)
    t.clock.advance(16 * 60_000)
    expect((await postLogin(server, 'dpo-jc', testPassword)).status).toBe(303)
  })

  it('when the session is idle longer than allowed, then the pages ask to log in again', async () => {
    const response = await postLogin(server, 'admin', testPassword)
    const cookie = `brucke_session=${cookiesFrom(response)['brucke_session:value']}`
    expect(
      (await fetch(`${server.url}/admin`, { headers: { cookie }, redirect: 'manual' })).status,
    ).toBe(200)
    t.clock.advance(31 * 60_000)
    const later = await fetch(`${server.url}/admin`, { headers: { cookie }, redirect: 'manual' })
    expect(later.status).toBe(303)
    expect(later.headers.get('location')).toBe('/login')
  })

  it('when staff log out with the CSRF token, then the session ends', async () => {
    const response = await postLogin(server, 'staff-aa', testPassword)
    const cookie = `brucke_session=${cookiesFrom(response)['brucke_session:value']}`
    const page = await (await fetch(`${server.url}/staff`, { headers: { cookie } })).text()
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1]
    expect(csrf).toBeTruthy()
    const forged = await fetch(`${server.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: '_csrf=forged',
    })
    expect(forged.status).toBe(403)
    const logout = await fetch(`${server.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `_csrf=${csrf!}`,
    })
    expect(logout.status).toBe(303)
    expect(
      (await fetch(`${server.url}/staff`, { headers: { cookie }, redirect: 'manual' })).status,
    ).toBe(303)
  })

  it('never writes passwords, session cookies or tokens to the log', () => {
    const log = t.logLines.join('\n')
    expect(log).not.toContain(testPassword)
    expect(log).not.toContain('brucke_session=')
    expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./)
  })
})
