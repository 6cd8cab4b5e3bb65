import { SignJWT } from 'jose'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../accounts/roles.ts'
import type { AuditEntry } from '../../audit/audit-event.ts'
import { findUser } from '../../db/account-repository.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { disableAccount } from '../../gateway/accounts/account-lockout.ts'
import { addUser } from '../../gateway/accounts/account-service.ts'
import { issueApiToken } from '../../gateway/accounts/issue-api-token.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { loginThroughForm } from '../support/login.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

describe.each(dialects)('taking access away (accounts, sessions, tokens) on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let staffToken: string
  let adminToken: string

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    const { tokens } = await seedAccounts(t.deps)
    staffToken = tokens['staff-jc']!
    adminToken = tokens.admin!
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  const me = (token: string) => server.api('GET', '/me', { token })
  const asAdmin = (path: string, body?: unknown) =>
    server.api('POST', path, { token: adminToken, ...(body === undefined ? {} : { body }) })

  async function newAccount(id: string, role: Role, agencyId: string | null): Promise<void> {
    await addUser(t.deps, {
      actor: 'system',
      user: { id, displayName: `Test ${id}`, role, agencyId, password: testPassword },
    })
  }

  async function auditOf(type: string, userId: string): Promise<AuditEntry[]> {
    const entries = await listAuditEntries(t.deps.db, { limit: 100_000 })
    return entries.filter(
      (e) => e.event.type === type && (e.event as { userId?: string }).userId === userId,
    )
  }

  async function pageStatus(cookie: string, path: string): Promise<[number, string | null]> {
    const response = await fetch(server.url + path, { headers: { cookie }, redirect: 'manual' })
    await response.arrayBuffer()
    return [response.status, response.headers.get('location')]
  }

  it('when a token is revoked by its id, then the next request with it gets 401 and the account’s other tokens still work', async () => {
    await newAccount('fm-jti', 'staff', 'jc-demo')
    const first = await issueApiToken(t.deps, { actor: 'system', userId: 'fm-jti' })
    const second = await issueApiToken(t.deps, { actor: 'system', userId: 'fm-jti' })
    expect(first.tokenId).not.toBe(second.tokenId)
    expect((await me(first.token)).status).toBe(200)

    const revoked = await asAdmin('/users/fm-jti/tokens/revoke', { jti: first.tokenId })
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200)
    expect(revoked.body).toMatchObject({
      account: { id: 'fm-jti', disabled: false },
      revoked: 'token',
      tokenId: first.tokenId,
      changed: true,
    })
    const refused = await me(first.token)
    expect(refused.status).toBe(401)
    expect(refused.body).toMatchObject({ error: { code: 'token_invalid' } })
    expect((await me(second.token)).status).toBe(200)

    const again = await asAdmin('/users/fm-jti/tokens/revoke', { jti: first.tokenId })
    expect(again.body).toMatchObject({ changed: false })
    // Another account's token id under this account's path is not found, and stays valid.
    const foreign = await issueApiToken(t.deps, { actor: 'system', userId: 'staff-jc' })
    const wrongAccount = await asAdmin('/users/fm-jti/tokens/revoke', { jti: foreign.tokenId })
    expect(wrongAccount.status).toBe(404)
    expect(wrongAccount.body).toMatchObject({ error: { code: 'ERR_ACCOUNT_TOKEN_NOT_FOUND' } })
    expect((await me(foreign.token)).status).toBe(200)

    const audited = await auditOf('token_revoked', 'fm-jti')
    expect(audited).toEqual([
      expect.objectContaining({
        actor: 'user:admin',
        event: {
          type: 'token_revoked',
          userId: 'fm-jti',
          agencyId: 'jc-demo',
          tokenId: first.tokenId,
        },
      }),
    ])
    expect(await auditOf('token_issued', 'fm-jti')).toHaveLength(2)
  })

  it('when every token of an account is revoked, then each older token gets 401 — one from the same second too — and a token issued a second later works', async () => {
    await newAccount('fm-all', 'staff', 'jc-demo')
    // One token Brücke registered, one only signed with the key (as before `jti` registration).
    const registered = await issueApiToken(t.deps, { actor: 'system', userId: 'fm-all' })
    const unregistered = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId: 'fm-all',
      role: 'staff',
      agencyId: 'jc-demo',
      now: t.clock.now(),
      ttlMinutes: 60,
    })
    t.clock.advance(5_200)
    const sameSecond = await issueApiToken(t.deps, { actor: 'system', userId: 'fm-all' })
    t.clock.advance(300)
    for (const token of [registered.token, unregistered.token, sameSecond.token])
      expect((await me(token)).status).toBe(200)

    const revoked = await asAdmin('/users/fm-all/tokens/revoke')
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200)
    expect(revoked.body).toMatchObject({
      revoked: 'all',
      tokensNotBefore: '2026-03-02T09:00:05.500Z',
    })
    for (const token of [registered.token, unregistered.token, sameSecond.token])
      expect((await me(token)).status).toBe(401)

    // A revocation on a whole second refuses a token issued at that very instant just before it.
    t.clock.advance(500)
    const sameInstant = await issueApiToken(t.deps, { actor: 'system', userId: 'fm-all' })
    expect((await me(sameInstant.token)).status).toBe(200)
    const onTheSecond = await asAdmin('/users/fm-all/tokens/revoke')
    expect(onTheSecond.body).toMatchObject({ tokensNotBefore: '2026-03-02T09:00:06.000Z' })
    expect((await me(sameInstant.token)).status).toBe(401)

    // Still the second of the revocation: a new token would be refused, so none is issued.
    await expect(
      issueApiToken(t.deps, { actor: 'system', userId: 'fm-all' }),
    ).rejects.toMatchObject({ code: 'ERR_ACCOUNT_TOKENS_JUST_REVOKED' })
    t.clock.advance(1_000)
    const fresh = await issueApiToken(t.deps, { actor: 'system', userId: 'fm-all' })
    expect((await me(fresh.token)).status).toBe(200)

    expect((await auditOf('tokens_revoked', 'fm-all')).map((e) => [e.actor, e.event])).toEqual([
      [
        'user:admin',
        {
          type: 'tokens_revoked',
          userId: 'fm-all',
          agencyId: 'jc-demo',
          tokensNotBefore: '2026-03-02T09:00:05.500Z',
        },
      ],
      [
        'user:admin',
        {
          type: 'tokens_revoked',
          userId: 'fm-all',
          agencyId: 'jc-demo',
          tokensNotBefore: '2026-03-02T09:00:06.000Z',
        },
      ],
    ])
  })

  it('when a kiosk device is disabled, then its token and its session are refused at once and its kiosk state and pushed draft are gone', async () => {
    await newAccount('kiosk-lost', 'kiosk', 'jc-demo')
    const kioskToken = (await issueApiToken(t.deps, { actor: 'system', userId: 'kiosk-lost' }))
      .token
    const kioskSession = await sessionFor(t.deps, 'kiosk-lost')
    const draft = async () => {
      const created = await server.api('POST', '/consents', {
        token: staffToken,
        body: {
          kind: 'einwilligung',
          subject: { givenName: 'Mara', familyName: 'Tablettverlust', birthDate: '2004-05-06' },
          senders: ['jc-demo'],
          recipients: ['ja-demo'],
          purposes: ['hilfeplanung'],
          categories: ['schule'],
          validUntil: '2026-12-31',
        },
      })
      expect(created.status, JSON.stringify(created.body)).toBe(201)
      return created.body as { id: string; kioskCode: string }
    }
    // A person is at the kiosk (a draft picked up by its code), and another draft waits for it.
    const onScreen = await draft()
    const pickup = await fetch(`${server.url}/kiosk/pickup`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: kioskSession.cookie,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        _csrf: kioskSession.csrfToken,
        code: onScreen.kioskCode,
      }).toString(),
    })
    expect(pickup.status).toBe(303)
    expect(pickup.headers.get('location')).toBe('/kiosk/read')
    const waiting = await draft()
    const pushed = await server.api('POST', '/kiosks/kiosk-lost/push', {
      token: staffToken,
      body: { consentId: waiting.id },
    })
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200)
    const kioskRows = async () => ({
      states: await t.deps.db
        .selectFrom('kiosk_states')
        .select('consent_id')
        .where('kiosk_id', '=', 'kiosk-lost')
        .execute(),
      pushes: await t.deps.db
        .selectFrom('kiosk_pushes')
        .select('consent_id')
        .where('kiosk_id', '=', 'kiosk-lost')
        .execute(),
    })
    expect(await kioskRows()).toEqual({
      states: [{ consent_id: onScreen.id }],
      pushes: [{ consent_id: waiting.id }],
    })
    expect((await pageStatus(kioskSession.cookie, '/kiosk/read'))[0]).toBe(200)
    expect((await me(kioskToken)).status).toBe(200)

    const disabled = await asAdmin('/users/kiosk-lost/disable')
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200)
    expect(disabled.body).toMatchObject({
      account: { id: 'kiosk-lost', role: 'kiosk', disabled: true },
      changed: true,
      sessionsEnded: 1,
    })

    expect((await me(kioskToken)).status).toBe(401)
    expect(await pageStatus(kioskSession.cookie, '/kiosk/read')).toEqual([303, '/login'])
    expect(await kioskRows()).toEqual({ states: [], pushes: [] })
    const login = await loginThroughForm(server, 'kiosk-lost', testPassword)
    expect(login.status).toBe(401)
    expect(login.cookie).toBeUndefined()
    const pushAgain = await server.api('POST', '/kiosks/kiosk-lost/push', {
      token: staffToken,
      body: { consentId: waiting.id },
    })
    expect(pushAgain.status).toBe(404)

    expect(await auditOf('account_disabled', 'kiosk-lost')).toEqual([
      expect.objectContaining({
        actor: 'user:admin',
        event: {
          type: 'account_disabled',
          userId: 'kiosk-lost',
          role: 'kiosk',
          agencyId: 'jc-demo',
          sessionsEnded: 1,
          tokensNotBefore: t.clock.now().toISOString(),
          kioskCleared: true,
        },
      }),
    ])
    // Disabling again changes nothing and writes nothing.
    const again = await asAdmin('/users/kiosk-lost/disable')
    expect(again.body).toMatchObject({ changed: false, sessionsEnded: 0 })
    expect(await auditOf('account_disabled', 'kiosk-lost')).toHaveLength(1)
  })

  it('when a disabled account is enabled, then it may sign in again but its old tokens stay revoked', async () => {
    await newAccount('fm-back', 'staff', 'jc-demo')
    const old = await issueApiToken(t.deps, { actor: 'system', userId: 'fm-back' })
    expect((await asAdmin('/users/fm-back/disable')).status).toBe(200)
    await expect(
      issueApiToken(t.deps, { actor: 'system', userId: 'fm-back' }),
    ).rejects.toMatchObject({ code: 'ERR_ACCOUNT_DISABLED' })
    t.clock.advance(1_000)
    const enabled = await asAdmin('/users/fm-back/enable')
    expect(enabled.status).toBe(200)
    expect(enabled.body).toMatchObject({
      account: { id: 'fm-back', disabled: false },
      changed: true,
    })
    expect((await me(old.token)).status).toBe(401)
    const fresh = await issueApiToken(t.deps, { actor: 'system', userId: 'fm-back' })
    expect((await me(fresh.token)).status).toBe(200)
    expect((await loginThroughForm(server, 'fm-back', testPassword)).status).toBe(303)
    expect(await auditOf('account_enabled', 'fm-back')).toEqual([
      expect.objectContaining({
        actor: 'user:admin',
        event: { type: 'account_enabled', userId: 'fm-back', role: 'staff', agencyId: 'jc-demo' },
      }),
    ])
    expect((await asAdmin('/users/fm-back/enable')).body).toMatchObject({ changed: false })
    expect(await auditOf('account_enabled', 'fm-back')).toHaveLength(1)
  })

  it('when a password is reset, then the old password is refused, the new one works, old sessions and tokens are gone, and the password is nowhere in the audit log or the log', async () => {
    await newAccount('fm-reset', 'staff', 'jc-demo')
    const signedIn = await loginThroughForm(server, 'fm-reset', testPassword)
    expect(signedIn.status).toBe(303)
    const otherDevice = await sessionFor(t.deps, 'fm-reset')
    const token = await issueApiToken(t.deps, { actor: 'system', userId: 'fm-reset' })

    const reset = await asAdmin('/users/fm-reset/password-reset')
    expect(reset.status, JSON.stringify(reset.body)).toBe(200)
    expect(reset.headers.get('cache-control')).toBe('no-store')
    const { password, sessionsEnded } = reset.body as { password: string; sessionsEnded: number }
    expect(password).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/)
    expect(sessionsEnded).toBe(2)

    expect(await pageStatus(signedIn.cookie!, '/staff')).toEqual([303, '/login'])
    expect(await pageStatus(otherDevice.cookie, '/staff')).toEqual([303, '/login'])
    expect((await me(token.token)).status).toBe(401)
    expect((await loginThroughForm(server, 'fm-reset', testPassword)).status).toBe(401)
    const withNew = await loginThroughForm(server, 'fm-reset', password)
    expect(withNew.status).toBe(303)
    expect((await pageStatus(withNew.cookie!, '/staff'))[0]).toBe(200)

    expect(await auditOf('password_reset', 'fm-reset')).toEqual([
      expect.objectContaining({
        actor: 'user:admin',
        event: {
          type: 'password_reset',
          userId: 'fm-reset',
          agencyId: 'jc-demo',
          sessionsEnded: 2,
          tokensNotBefore: t.clock.now().toISOString(),
        },
      }),
    ])
    const everything = JSON.stringify(await listAuditEntries(t.deps.db, { limit: 100_000 }))
    expect(everything).not.toContain(password)
    expect(everything).not.toContain(testPassword)
    expect(t.logLines.join('')).not.toContain(password)
  })

  it('when all sessions of an account are ended, then every device is signed out and its API token still works', async () => {
    await newAccount('fm-sessions', 'staff', 'jc-demo')
    const one = await sessionFor(t.deps, 'fm-sessions')
    const two = await sessionFor(t.deps, 'fm-sessions')
    const token = await issueApiToken(t.deps, { actor: 'system', userId: 'fm-sessions' })
    expect((await pageStatus(one.cookie, '/staff'))[0]).toBe(200)
    const ended = await asAdmin('/users/fm-sessions/sessions/end')
    expect(ended.status).toBe(200)
    expect(ended.body).toMatchObject({ account: { id: 'fm-sessions' }, sessionsEnded: 2 })
    expect(await pageStatus(one.cookie, '/staff')).toEqual([303, '/login'])
    expect(await pageStatus(two.cookie, '/staff')).toEqual([303, '/login'])
    expect((await me(token.token)).status).toBe(200)
    expect(await auditOf('sessions_ended', 'fm-sessions')).toEqual([
      expect.objectContaining({
        actor: 'user:admin',
        event: {
          type: 'sessions_ended',
          userId: 'fm-sessions',
          agencyId: 'jc-demo',
          sessionsEnded: 2,
        },
      }),
    ])
  })

  it('when a JWT lacks exp, iat, jti or sub, has iat 10 minutes ahead or outlives TOKEN_TTL_MINUTES, then it gets 401 — a well-formed one signed the same way passes', async () => {
    const key = t.deps.config.secrets.tokenKey
    const now = Math.floor(t.clock.now().getTime() / 1000)
    const good = { sub: 'staff-jc', jti: 'tok_handmade', iat: now, exp: now + 600 }
    const forge = (claims: Record<string, unknown>) =>
      new SignJWT({ iss: 'brucke', aud: 'brucke-api', role: 'staff', agency: 'jc-demo', ...claims })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(key)
    const without = (name: keyof typeof good) => {
      const { [name]: _dropped, ...rest } = good
      return rest
    }
    expect((await me(await forge(good))).status).toBe(200)
    // Within the documented skew of 60 s a clock slightly ahead is tolerated.
    expect((await me(await forge({ ...good, iat: now + 30 }))).status).toBe(200)
    const cases: [string, Record<string, unknown>][] = [
      ['no exp', without('exp')],
      ['no iat', without('iat')],
      ['no jti', without('jti')],
      ['no sub', without('sub')],
      ['iat 10 minutes ahead', { ...good, iat: now + 600, exp: now + 1200 }],
      ['lifetime above TOKEN_TTL_MINUTES (60)', { ...good, exp: now + 61 * 60 }],
      ['exp before iat', { ...good, iat: now + 30, exp: now + 10 }],
    ]
    for (const [name, claims] of cases) {
      const response = await me(await forge(claims))
      expect(response.status, name).toBe(401)
      expect(response.body, name).toMatchObject({ error: { code: 'token_invalid' } })
    }
  })

  it('when a token of an account is asked for longer than TOKEN_TTL_MINUTES, then none is issued', async () => {
    await expect(
      issueApiToken(t.deps, { actor: 'system', userId: 'staff-jc', ttlMinutes: 61 }),
    ).rejects.toMatchObject({ code: 'ERR_ACCOUNT_TOKEN_TTL_TOO_LONG' })
    await expect(
      issueApiToken(t.deps, { actor: 'system', userId: 'nobody-here' }),
    ).rejects.toMatchObject({ code: 'ERR_ACCOUNT_NOT_FOUND' })
  })

  it('when an expired token’s row is outlived, then the next revocation purges it and its id is no longer found', async () => {
    await newAccount('fm-purge', 'staff', 'jc-demo')
    const short = await issueApiToken(t.deps, {
      actor: 'system',
      userId: 'fm-purge',
      ttlMinutes: 1,
    })
    const rows = () =>
      t.deps.db.selectFrom('api_tokens').select('jti').where('user_id', '=', 'fm-purge').execute()
    expect(await rows()).toEqual([{ jti: short.tokenId }])
    t.clock.advance(2 * 60_000)
    expect((await me(short.token)).status).toBe(401)
    const gone = await asAdmin('/users/fm-purge/tokens/revoke', { jti: short.tokenId })
    expect(gone.status).toBe(404)
    expect((await asAdmin('/users/fm-purge/tokens/revoke')).status).toBe(200)
    expect(await rows()).toEqual([])
  })

  it('when the account is unknown or the input is malformed, then the answer is 404 or 400 and nothing is written', async () => {
    const before = (await listAuditEntries(t.deps.db, { limit: 100_000 })).length
    for (const action of ['disable', 'enable', 'password-reset', 'sessions/end', 'tokens/revoke']) {
      const unknown = await asAdmin(`/users/nobody-here/${action}`)
      expect(unknown.status, action).toBe(404)
      expect(unknown.body, action).toMatchObject({ error: { code: 'ERR_ACCOUNT_NOT_FOUND' } })
      const malformed = await asAdmin(`/users/Not%20An%20Id/${action}`)
      expect(malformed.status, action).toBe(400)
    }
    for (const body of [{ jti: '' }, { jti: 'has space' }, { jti: 'tok_x', all: true }, []]) {
      const response = await asAdmin('/users/staff-jc/tokens/revoke', body)
      expect(response.status, JSON.stringify(body)).toBe(400)
    }
    const unknownToken = await asAdmin('/users/staff-jc/tokens/revoke', { jti: 'tok_unknown' })
    expect(unknownToken.status).toBe(404)
    expect((await listAuditEntries(t.deps.db, { limit: 100_000 })).length).toBe(before)
    expect((await me(staffToken)).status).toBe(200)
  })

  it('when the audit entry cannot be written, then the account stays as it was', async () => {
    await newAccount('fm-atomic', 'staff', 'jc-demo')
    const session = await sessionFor(t.deps, 'fm-atomic')
    const token = await issueApiToken(t.deps, { actor: 'system', userId: 'fm-atomic' })
    await failAuditInserts(true)
    try {
      for (const action of ['disable', 'password-reset', 'sessions/end', 'tokens/revoke']) {
        const response = await asAdmin(`/users/fm-atomic/${action}`)
        expect(response.status, action).toBe(500)
      }
    } finally {
      await failAuditInserts(false)
    }
    expect(await findUser(t.deps.db, 'fm-atomic')).toMatchObject({ disabled: false })
    expect((await pageStatus(session.cookie, '/staff'))[0]).toBe(200)
    expect((await me(token.token)).status).toBe(200)
    expect((await loginThroughForm(server, 'fm-atomic', testPassword)).status).toBe(303)
  })

  it('when the last enabled admin would be disabled from the API, then it is refused with 409 — the operator’s CLI may', async () => {
    const self = await asAdmin('/users/admin/disable')
    expect(self.status).toBe(409)
    expect(self.body).toMatchObject({ error: { code: 'ERR_ACCOUNT_LAST_ADMIN' } })
    expect(await findUser(t.deps.db, 'admin')).toMatchObject({ disabled: false })
    expect((await me(adminToken)).status).toBe(200)
    expect(await auditOf('account_disabled', 'admin')).toEqual([])

    await newAccount('admin-two', 'admin', null)
    expect((await asAdmin('/users/admin-two/disable')).status).toBe(200)
    expect((await asAdmin('/users/admin/disable')).status).toBe(409)
    expect((await asAdmin('/users/admin-two/enable')).status).toBe(200)
    t.clock.advance(1_000)
    const second = await issueApiToken(t.deps, { actor: 'system', userId: 'admin-two' })
    // With another enabled admin, an admin may disable themselves.
    const selfNow = await asAdmin('/users/admin/disable')
    expect(selfNow.status).toBe(200)
    expect((await me(adminToken)).status).toBe(401)
    const back = await server.api('POST', '/users/admin/enable', { token: second.token })
    expect(back.status).toBe(200)
    t.clock.advance(1_000)
    adminToken = (await issueApiToken(t.deps, { actor: 'system', userId: 'admin' })).token

    // The CLI (no protection) may disable the last enabled admin: a compromised one must go.
    expect((await asAdmin('/users/admin-two/disable')).status).toBe(200)
    const byOperator = await disableAccount(t.deps, {
      actor: 'cli:accounts',
      userId: 'admin',
      protectLastAdmin: false,
    })
    expect(byOperator.changed).toBe(true)
    expect(await auditOf('account_disabled', 'admin')).toEqual([
      expect.objectContaining({ actor: 'user:admin' }),
      expect.objectContaining({ actor: 'cli:accounts' }),
    ])
  })

  /** Makes every audit insert fail (a trigger), to prove the change rolls back with it. */
  async function failAuditInserts(on: boolean): Promise<void> {
    if (dialect === 'sqlite') {
      if (on)
        await sql`create trigger fail_audit before insert on audit_entries begin select raise(abort, 'audit down'); end`.execute(
          t.deps.db,
        )
      else await sql`drop trigger fail_audit`.execute(t.deps.db)
      return
    }
    if (on) {
      await sql`create function fail_audit() returns trigger language plpgsql as $$ begin raise exception 'audit down'; end $$`.execute(
        t.deps.db,
      )
      await sql`create trigger fail_audit before insert on audit_entries for each row execute function fail_audit()`.execute(
        t.deps.db,
      )
    } else {
      await sql`drop trigger fail_audit on audit_entries`.execute(t.deps.db)
      await sql`drop function fail_audit()`.execute(t.deps.db)
    }
  }
})
