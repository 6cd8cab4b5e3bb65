import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../accounts/roles.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { findKioskState } from '../../db/kiosk-repository.ts'
import {
  saveChoices,
  showTextAtKiosk,
  signAtKiosk,
  startFromPickupCode,
} from '../../gateway/kiosk/kiosk-service.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { drawnSignature } from '../support/signature-evidence.ts'

const kiosk: Principal = {
  userId: 'kiosk-jc',
  role: 'kiosk',
  agencyId: 'jc-demo',
  allAgencies: false,
  via: 'session',
}
const birthDate = '2005-06-10'

/** The /me sign-in form as a browser gets it: the hidden token and its cookie. */
async function openMeForm(server: TestServer): Promise<{ token: string; cookie: string }> {
  const response = await fetch(`${server.url}/me`)
  const token = /name="_login_csrf" value="([^"]+)"/.exec(await response.text())?.[1]
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('brucke_me_csrf='))
  if (!token || !setCookie) throw new Error('the /me form has no login token')
  expect(setCookie).toMatch(/HttpOnly/)
  expect(setCookie).toMatch(/SameSite=Strict/)
  expect(setCookie).toMatch(/Path=\/me/)
  return { token, cookie: setCookie.split(';')[0]! }
}

describe.each(dialects)('login CSRF on the /me sign-in on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>
  let receiptCode: string

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    server = await startTestServer(t.deps)
    const draft = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Leonie', familyName: 'Quastenberg', birthDate },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil: '2026-12-31',
      },
    })
    expect(draft.status).toBe(201)
    await startFromPickupCode(t.deps, kiosk, (draft.body as { kioskCode: string }).kioskCode)
    await showTextAtKiosk(t.deps, kiosk)
    await saveChoices(t.deps, kiosk, { recipients: ['ja-demo'], categories: ['schule'] })
    await signAtKiosk(t.deps, kiosk, {
      name: 'Leonie Quastenberg',
      evidence: drawnSignature(),
    })
    receiptCode = (await findKioskState(t.deps.db, 'kiosk-jc'))?.receiptCode ?? ''
    expect(receiptCode).not.toBe('')
  })
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  function signIn(input: { cookie?: string; token?: string; code?: string }) {
    return fetch(`${server.url}/me`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(input.cookie ? { cookie: input.cookie } : {}),
      },
      body: new URLSearchParams({
        receiptCode: input.code ?? receiptCode,
        birthDate,
        ...(input.token ? { _login_csrf: input.token } : {}),
      }).toString(),
    })
  }

  async function sessionsOpened(): Promise<number> {
    const entries = await listAuditEntries(t.deps.db, { limit: 5000 })
    return entries.filter((e) => e.event.type === 'self_service_opened').length
  }

  const hasSessionCookie = (response: Response) =>
    response.headers.getSetCookie().some((c) => /^brucke_me=[^;]/.test(c))

  it('when a foreign site posts the youth sign-in without the form token, then 403 with a clear page and no session', async () => {
    const before = await sessionsOpened()
    const response = await signIn({})
    expect(response.status).toBe(403)
    const page = await response.text()
    expect(page).toContain('Die Seite war zu alt')
    // The answer carries a fresh form, so a person who just waited too long can go on.
    expect(page).toMatch(/name="_login_csrf" value="[^"]+"/)
    expect(hasSessionCookie(response)).toBe(false)
    expect(await sessionsOpened()).toBe(before)
  })

  it('when the token is there but not its cookie, or a forged, stale or staff-login token is used, then 403', async () => {
    const before = await sessionsOpened()
    const form = await openMeForm(server)
    // A token the attacker fetched itself, sent without the victim browser's cookie.
    expect((await signIn({ token: form.token })).status).toBe(403)
    // Cookie and field equal, but not made by this gateway.
    const forged = 'lzq3h2.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
    expect((await signIn({ cookie: `brucke_me_csrf=${forged}`, token: forged })).status).toBe(403)
    // The staff login form's token does not open /me.
    const login = await fetch(`${server.url}/login`)
    const loginToken = /name="_login_csrf" value="([^"]+)"/.exec(await login.text())?.[1] ?? ''
    expect(
      (await signIn({ cookie: `brucke_me_csrf=${loginToken}`, token: loginToken })).status,
    ).toBe(403)
    const stale = await openMeForm(server)
    t.clock.advance(61 * 60_000)
    expect((await signIn(stale)).status).toBe(403)
    expect(await sessionsOpened()).toBe(before)
  })

  it('when the form is posted with its token and cookie, then the youth is signed in', async () => {
    const form = await openMeForm(server)
    const response = await signIn(form)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/me/consents')
    expect(hasSessionCookie(response)).toBe(true)
    // The used form token is cleared with the sign-in.
    expect(response.headers.getSetCookie()).toContainEqual(
      expect.stringMatching(/^brucke_me_csrf=;.*Max-Age=0/),
    )
  })

  it('when the code is wrong, then 401 and the form comes back with a fresh token', async () => {
    const form = await openMeForm(server)
    const response = await signIn({ ...form, code: 'ACDE-FGHJ-KMNP' })
    expect(response.status).toBe(401)
    expect(await response.text()).toMatch(/name="_login_csrf" value="[^"]+"/)
  })
})
