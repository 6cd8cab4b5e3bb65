import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findAgency, findUserWithPasswordHash, listAgencies } from '../../db/account-repository.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { verifyPassword } from '../../gateway/auth/password.ts'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { registerDemoCertificates } from './admin-fixtures.ts'

describe.each(dialects)('admin page on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let admin: { cookie: string; csrfToken: string }

  async function get(path: string) {
    const res = await fetch(server.url + path, {
      headers: { cookie: admin.cookie },
      redirect: 'manual',
    })
    return { status: res.status, text: await res.text() }
  }

  async function post(path: string, fields: Record<string, string>) {
    const res = await fetch(server.url + path, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: admin.csrfToken, ...fields }).toString(),
      redirect: 'manual',
    })
    return { status: res.status, text: await res.text(), location: res.headers.get('location') }
  }

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    await registerDemoCertificates(t.deps)
    server = await startTestServer(t.deps)
    admin = await sessionFor(t.deps, 'admin')
  })
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  it('lists agencies with their certificates, and warns 30 days before a certificate expires', async () => {
    const page = await get('/admin')
    expect(page.status).toBe(200)
    for (const id of ['jc-demo', 'aa-demo', 'ja-demo'])
      expect(page.text).toContain(`<code>${id}</code>`)
    expect(page.text).toContain('Zertifikate brauchen Aufmerksamkeit')
    expect(page.text).toMatch(
      /<strong>jc-demo<\/strong>: Zertifikat läuft am\s+22\.03\.2026\s+ab \(in 20\s+Tagen/,
    )
    expect(page.text).toMatch(/<strong>ja-demo<\/strong>: kein gültiges Zertifikat/)
    expect(page.text).not.toMatch(/<strong>aa-demo<\/strong>/)
    expect(page.text).toContain('läuft bald ab')
  })

  it('when the clock passes the end, then the certificate shows as expired', async () => {
    const start = t.clock.now()
    t.clock.advance(21 * 86_400_000)
    admin = await sessionFor(t.deps, 'admin')
    const page = await get('/admin')
    expect(page.text).toMatch(
      /<strong>jc-demo<\/strong>: Zertifikat seit\s+22\.03\.2026\s+abgelaufen/,
    )
    t.clock.set(start)
    admin = await sessionFor(t.deps, 'admin')
  })

  it('lists users and kiosk devices', async () => {
    const page = await get('/admin')
    for (const id of ['staff-jc', 'dpo-all', 'admin', 'kiosk-jc'])
      expect(page.text).toContain(`<code>${id}</code>`)
    expect(page.text).toContain('Kiosk-Gerät')
  })

  it('when the admin adds an agency, then it is listed and the addition is audited under their name', async () => {
    const res = await post('/admin/agencies', {
      id: 'traeger-nord',
      name: 'Jugendhilfe Nord gGmbH',
      kind: 'traeger',
      mailbox: 'Fallteam@Traeger-Nord.example',
      smimeProfile: 'compatible',
    })
    expect(res.status).toBe(303)
    expect(res.location).toBe('/admin?added=agency:traeger-nord')
    const page = await get(res.location ?? '')
    expect(page.text).toContain('Behörde <code>traeger-nord</code> angelegt.')
    expect(page.text).toContain('fallteam@traeger-nord.example')
    const entries = await listAuditEntries(t.deps.db, { limit: 10_000 })
    expect(entries.at(-1)).toMatchObject({
      actor: 'user:admin',
      event: { type: 'agency_added', agencyId: 'traeger-nord', kind: 'traeger' },
    })
  })

  it('when an agency form is wrong or taken, then it is shown again with the reason and nothing is added', async () => {
    const before = (await listAgencies(t.deps.db)).length
    const bad = await post('/admin/agencies', {
      id: 'Nicht Gültig',
      name: 'X',
      kind: 'verein',
      mailbox: 'keine-mail',
    })
    expect(bad.status).toBe(400)
    expect(bad.text).toContain('role="alert"')
    expect(bad.text).toContain('Kennung: nur Kleinbuchstaben')
    expect(bad.text).toContain('value="Nicht Gültig"')
    const taken = await post('/admin/agencies', {
      id: 'jc-demo',
      name: 'Noch ein Jobcenter',
      kind: 'jobcenter',
      mailbox: 'neu@jc.example',
    })
    expect(taken.status).toBe(409)
    expect((await listAgencies(t.deps.db)).length).toBe(before)
    const unknownField = await post('/admin/agencies', { id: 'x-y', extra: '1' })
    expect(unknownField.status).toBe(400)
  })

  it('when the admin adds an agency with its Art. 13 information, then it is stored; one field alone is refused', async () => {
    const partial = await post('/admin/agencies', {
      id: 'traeger-sued',
      name: 'Jugendhilfe Süd gGmbH',
      kind: 'traeger',
      mailbox: 'team@traeger-sued.example',
      controller: 'Jugendhilfe Süd gGmbH, Südweg 1, 12345 Demo-Stadt',
    })
    expect(partial.status).toBe(400)
    expect(partial.text).toContain('Datenschutzbeauftragte: fehlt oder ist zu kurz.')
    expect(partial.text).toContain('value="Jugendhilfe Süd gGmbH, Südweg 1, 12345 Demo-Stadt"')
    expect(await findAgency(t.deps.db, 'traeger-sued')).toBeUndefined()

    const res = await post('/admin/agencies', {
      id: 'traeger-sued',
      name: 'Jugendhilfe Süd gGmbH',
      kind: 'traeger',
      mailbox: 'team@traeger-sued.example',
      controller: 'Jugendhilfe Süd gGmbH, Südweg 1, 12345 Demo-Stadt',
      dpoContact: 'dsb@traeger-sued.example',
      supervisoryAuthority: 'Landesbeauftragte für den Datenschutz Demo-Land',
    })
    expect(res.status).toBe(303)
    expect(await findAgency(t.deps.db, 'traeger-sued')).toMatchObject({
      privacyNotice: {
        controller: 'Jugendhilfe Süd gGmbH, Südweg 1, 12345 Demo-Stadt',
        dpoContact: 'dsb@traeger-sued.example',
        supervisoryAuthority: 'Landesbeauftragte für den Datenschutz Demo-Land',
      },
    })
    const entries = await listAuditEntries(t.deps.db, { limit: 10_000 })
    expect(entries.at(-1)?.event).toMatchObject({
      type: 'agency_added',
      agencyId: 'traeger-sued',
      privacyNoticeSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
  })

  it('when the admin adds a kiosk device, then its start password is shown once and works', async () => {
    const res = await post('/admin/users', {
      id: 'kiosk-aa-1',
      displayName: 'Tablet Empfang AA',
      role: 'kiosk',
      agencyId: 'aa-demo',
    })
    expect(res.status).toBe(200)
    const password = /data-testid="start-password">([^<]+)</.exec(res.text)?.[1] ?? ''
    expect(password).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/)
    const stored = await findUserWithPasswordHash(t.deps.db, 'kiosk-aa-1')
    expect(stored?.user).toMatchObject({ role: 'kiosk', agencyId: 'aa-demo' })
    expect(await verifyPassword(password, stored?.passwordHash ?? '')).toBe(true)
    expect(stored?.passwordHash).not.toContain(password)
    expect((await get('/admin')).text).not.toContain(password)
  })

  it('when an account form breaks a rule, then it is refused with the reason', async () => {
    const kioskWithoutAgency = await post('/admin/users', {
      id: 'kiosk-x',
      displayName: 'Tablet X',
      role: 'kiosk',
      agencyId: '',
    })
    expect(kioskWithoutAgency.status).toBe(400)
    expect(kioskWithoutAgency.text).toContain(
      'Behörde: dieses Konto muss zu einer Behörde gehören.',
    )
    const staffForAll = await post('/admin/users', {
      id: 'staff-x',
      displayName: 'Fachkraft X',
      role: 'staff',
      agencyId: 'jc-demo',
      allAgencies: 'yes',
    })
    expect(staffForAll.status).toBe(400)
    const unknownAgency = await post('/admin/users', {
      id: 'staff-y',
      displayName: 'Fachkraft Y',
      role: 'staff',
      agencyId: 'nirgendwo',
    })
    expect(unknownAgency.status).toBe(400)
    const taken = await post('/admin/users', {
      id: 'staff-jc',
      displayName: 'Doppelt',
      role: 'staff',
      agencyId: 'jc-demo',
    })
    expect(taken.status).toBe(409)
    expect(await findUserWithPasswordHash(t.deps.db, 'kiosk-x')).toBeUndefined()
  })

  it('without SMTP_URL, then the page offers the local catch-all (empty here)', async () => {
    expect((await get('/admin')).text).toContain('Der lokale Sammelbriefkasten ist leer.')
  })
})
