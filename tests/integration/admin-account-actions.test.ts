import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry } from '../../audit/audit-event.ts'
import { findUser } from '../../db/account-repository.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { addUser } from '../../gateway/accounts/account-service.ts'
import { issueApiToken } from '../../gateway/accounts/issue-api-token.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { loginThroughForm } from '../support/login.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

describe.each(dialects)('admin page: taking access away on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let admin: { cookie: string; csrfToken: string }

  async function get(path: string, cookie = admin.cookie) {
    const res = await fetch(server.url + path, { headers: { cookie }, redirect: 'manual' })
    return { status: res.status, text: await res.text(), location: res.headers.get('location') }
  }

  async function post(path: string, fields: Record<string, string> = {}, csrf = admin.csrfToken) {
    const res = await fetch(server.url + path, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
      redirect: 'manual',
    })
    return { status: res.status, text: await res.text(), location: res.headers.get('location') }
  }

  const me = (token: string) => server.api('GET', '/me', { token })

  async function lastEntry(): Promise<AuditEntry | undefined> {
    return (await listAuditEntries(t.deps.db, { limit: 100_000 })).at(-1)
  }

  async function newStaff(id: string): Promise<void> {
    await addUser(t.deps, {
      actor: 'system',
      user: {
        id,
        displayName: `Test ${id}`,
        role: 'staff',
        agencyId: 'jc-demo',
        password: testPassword,
      },
    })
  }

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    server = await startTestServer(t.deps)
    admin = await sessionFor(t.deps, 'admin')
  })
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  it('offers per account CSRF-protected buttons to disable, reset the password, end sessions and revoke tokens, and lists live tokens by id', async () => {
    const token = await issueApiToken(t.deps, { actor: 'system', userId: 'staff-jc' })
    const page = await get('/admin')
    expect(page.status).toBe(200)
    for (const action of ['disable', 'password-reset', 'sessions/end', 'tokens/revoke'])
      expect(page.text).toContain(`action="/admin/users/kiosk-jc/${action}"`)
    expect(page.text).toContain('Sperren<span class="visually-hidden"> (kiosk-jc)</span>')
    expect(page.text).toContain(`<code>${token.tokenId}</code>`)
    expect(page.text).toContain(`name="jti" value="${token.tokenId}"`)
    expect(page.text).not.toContain(token.token)
    const forms = page.text.split('<form').slice(1)
    expect(forms.length).toBeGreaterThan(20)
    for (const form of forms) expect(form).toContain(`name="_csrf" value="${admin.csrfToken}"`)
  })

  it('when the admin disables a kiosk device, then it is locked out and shown as disabled, and enabling shows it active again', async () => {
    const kioskToken = (await issueApiToken(t.deps, { actor: 'system', userId: 'kiosk-jc' })).token
    const kioskSession = await sessionFor(t.deps, 'kiosk-jc')
    const res = await post('/admin/users/kiosk-jc/disable')
    expect(res.status).toBe(303)
    expect(res.location).toBe('/admin?done=disabled:kiosk-jc')
    const page = await get(res.location ?? '')
    expect(page.text).toMatch(/Konto <code>kiosk-jc<\/code> gesperrt:[^<]*Kiosk-Gerät geleert\./)
    expect(page.text).toContain('action="/admin/users/kiosk-jc/enable"')
    expect((await me(kioskToken)).status).toBe(401)
    expect((await get('/kiosk', kioskSession.cookie)).location).toBe('/login')
    expect(await lastEntry()).toMatchObject({
      actor: 'user:admin',
      event: { type: 'account_disabled', userId: 'kiosk-jc', sessionsEnded: 1 },
    })

    const enabled = await post('/admin/users/kiosk-jc/enable')
    expect(enabled.location).toBe('/admin?done=enabled:kiosk-jc')
    expect((await get(enabled.location ?? '')).text).toContain(
      'Konto <code>kiosk-jc</code> entsperrt.',
    )
    expect(await findUser(t.deps.db, 'kiosk-jc')).toMatchObject({ disabled: false })
    expect(await lastEntry()).toMatchObject({
      actor: 'user:admin',
      event: { type: 'account_enabled', userId: 'kiosk-jc' },
    })
  })

  it('when the admin resets a password, then the new one is shown once, works, and the old one and old sessions do not', async () => {
    await newStaff('fm-page-reset')
    const session = await sessionFor(t.deps, 'fm-page-reset')
    const res = await post('/admin/users/fm-page-reset/password-reset')
    expect(res.status).toBe(200)
    const password = /data-testid="new-password">([^<]+)</.exec(res.text)?.[1] ?? ''
    expect(password).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/)
    expect(res.text).toContain('1 Sitzung wurde beendet')
    expect(await lastEntry()).toMatchObject({
      actor: 'user:admin',
      event: { type: 'password_reset', userId: 'fm-page-reset', sessionsEnded: 1 },
    })
    expect((await get('/staff', session.cookie)).location).toBe('/login')
    expect((await loginThroughForm(server, 'fm-page-reset', testPassword)).status).toBe(401)
    expect((await loginThroughForm(server, 'fm-page-reset', password)).status).toBe(303)
    expect((await get('/admin')).text).not.toContain(password)
  })

  it('when the admin ends sessions or revokes tokens, one or all, then exactly those stop working', async () => {
    await newStaff('fm-page-tokens')
    const session = await sessionFor(t.deps, 'fm-page-tokens')
    const one = await issueApiToken(t.deps, { actor: 'system', userId: 'fm-page-tokens' })
    const two = await issueApiToken(t.deps, { actor: 'system', userId: 'fm-page-tokens' })

    const ended = await post('/admin/users/fm-page-tokens/sessions/end')
    expect(ended.location).toBe('/admin?done=sessions-ended:fm-page-tokens')
    expect((await get('/staff', session.cookie)).location).toBe('/login')
    expect((await me(one.token)).status).toBe(200)

    const single = await post('/admin/users/fm-page-tokens/tokens/revoke', { jti: one.tokenId })
    expect(single.location).toBe('/admin?done=token-revoked:fm-page-tokens')
    expect((await me(one.token)).status).toBe(401)
    expect((await me(two.token)).status).toBe(200)
    expect(await lastEntry()).toMatchObject({
      event: { type: 'token_revoked', userId: 'fm-page-tokens', tokenId: one.tokenId },
    })
    const page = await get(single.location ?? '')
    expect(page.text).not.toContain(`<code>${one.tokenId}</code>`)
    expect(page.text).toContain(`<code>${two.tokenId}</code>`)

    const all = await post('/admin/users/fm-page-tokens/tokens/revoke')
    expect(all.location).toBe('/admin?done=tokens-revoked:fm-page-tokens')
    expect((await me(two.token)).status).toBe(401)
    expect(await lastEntry()).toMatchObject({
      actor: 'user:admin',
      event: { type: 'tokens_revoked', userId: 'fm-page-tokens' },
    })
    const unknown = await post('/admin/users/fm-page-tokens/tokens/revoke', { jti: 'tok_nope' })
    expect(unknown.status).toBe(404)
    expect(unknown.text).toContain('Dieses API-Token ist nicht (mehr) aktiv')
  })

  it('when the last enabled admin tries to disable themselves, then the page says why (409) and nothing changes', async () => {
    const before = (await listAuditEntries(t.deps.db, { limit: 100_000 })).length
    const res = await post('/admin/users/admin/disable')
    expect(res.status).toBe(409)
    expect(res.text).toContain('role="alert"')
    expect(res.text).toContain('Das ist die letzte aktive Administration.')
    expect(await findUser(t.deps.db, 'admin')).toMatchObject({ disabled: false })
    expect((await listAuditEntries(t.deps.db, { limit: 100_000 })).length).toBe(before)
    expect((await get('/admin')).status).toBe(200)
  })

  it('when a post comes without the session’s CSRF token, or for an unknown account, then it is refused and nothing changes', async () => {
    await newStaff('fm-page-csrf')
    const before = (await listAuditEntries(t.deps.db, { limit: 100_000 })).length
    const forged = await post('/admin/users/fm-page-csrf/disable', {}, 'not-the-token')
    expect(forged.status).toBe(403)
    expect(await findUser(t.deps.db, 'fm-page-csrf')).toMatchObject({ disabled: false })
    const unknown = await post('/admin/users/nobody-here/disable')
    expect(unknown.status).toBe(404)
    expect(unknown.text).toContain('Dieses Konto gibt es nicht.')
    const extra = await post('/admin/users/fm-page-csrf/disable', { extra: '1' })
    expect(extra.status).toBe(400)
    expect(await findUser(t.deps.db, 'fm-page-csrf')).toMatchObject({ disabled: false })
    expect((await listAuditEntries(t.deps.db, { limit: 100_000 })).length).toBe(before)
  })
})
