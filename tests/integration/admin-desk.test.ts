import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry } from '../../audit/audit-event.ts'
import { findAgency, findUser } from '../../db/account-repository.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { listAgencyCertificates } from '../../db/certificate-repository.ts'
import { writePkcs12 } from '../../crypto/pkcs12.ts'
import {
  addTrustAnchor,
  importAgencyCertificate,
} from '../../gateway/crypto/certificate-service.ts'
import { addTestAccount, seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { createTestPki, type TestIdentity, type TestPki } from '../support/test-pki.ts'

type Session = { cookie: string; csrfToken: string }

describe.each(dialects)('admin desk: certificates, kiosk devices, accounts on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let pki: TestPki
  let instance: Session
  let adminJa: Session
  let jaOld: TestIdentity
  let tokens: Record<string, string>

  async function get(path: string, as: Session) {
    const res = await fetch(server.url + path, {
      headers: { cookie: as.cookie },
      redirect: 'manual',
    })
    return { status: res.status, text: await res.text(), location: res.headers.get('location') }
  }
  async function post(path: string, as: Session, fields: Record<string, string> = {}) {
    const res = await fetch(server.url + path, {
      method: 'POST',
      headers: { cookie: as.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: as.csrfToken, ...fields }).toString(),
      redirect: 'manual',
    })
    return { status: res.status, text: await res.text(), location: res.headers.get('location') }
  }
  async function entries(): Promise<AuditEntry[]> {
    return listAuditEntries(t.deps.db, { limit: 100_000 })
  }
  const issueJa = () =>
    pki.issue({ name: 'ja-demo', email: 'jugendhilfe@ja-demo.example', keyAlgorithm: 'ec-p256' })

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    tokens = (await seedAccounts(t.deps)).tokens
    tokens['admin-ja'] = await addTestAccount(t.deps, {
      id: 'admin-ja',
      role: 'admin',
      agencyId: 'ja-demo',
    })
    await addTestAccount(t.deps, { id: 'kiosk-ja', role: 'kiosk', agencyId: 'ja-demo' })
    pki = await createTestPki()
    const dir = mkdtempSync(join(tmpdir(), 'brucke-admin-desk-'))
    writeFileSync(join(dir, 'ca.crl.pem'), pki.crlPem)
    await addTrustAnchor(t.deps, {
      actor: 'system',
      certificate: Buffer.from(pki.ca.certificatePem),
      crlFile: join(dir, 'ca.crl.pem'),
    })
    const jc = await pki.issue({
      name: 'jc-demo',
      email: 'u25@jc-demo.example',
      keyAlgorithm: 'ec-p256',
    })
    jaOld = await issueJa()
    for (const [agencyId, identity] of [
      ['jc-demo', jc],
      ['ja-demo', jaOld],
    ] as const)
      await importAgencyCertificate(t.deps, {
        actor: 'system',
        agencyId,
        source: {
          kind: 'certificate',
          certificate: Buffer.from(identity.certificatePem),
          key: Buffer.from(identity.privateKeyPem),
        },
      })
    server = await startTestServer(t.deps)
    instance = await sessionFor(t.deps, 'admin')
    adminJa = await sessionFor(t.deps, 'admin-ja')
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  it("when the instance admin opens the certificates page, then every agency's certificates show status and expiry in German; an agency's admin sees its own only", async () => {
    const all = await get('/admin/certificates', instance)
    expect(all.status).toBe(200)
    for (const id of ['jc-demo', 'aa-demo', 'ja-demo'])
      expect(all.text).toContain(`(${id})</small>`)
    expect(all.text).toMatch(/<span class="status-ok"\s*>gültig<\/span/)
    expect(all.text).toMatch(/\d\d\.\d\d\.\d{4}<br \/>noch \d+ Tage/)
    expect(all.text).toContain('Kein Zertifikat') // aa-demo has none
    const own = await get('/admin/certificates', adminJa)
    expect(own.status).toBe(200)
    expect(own.text).toContain('(ja-demo)</small>')
    expect(own.text).not.toContain('(jc-demo)')
    expect(own.text).not.toContain('value="jc-demo"')
  })

  it("when an agency's admin rolls its key over, then the new certificate is in service, the old one retires after the overlap, and both steps are audited", async () => {
    const jaNew = await issueJa()
    const withoutKey = await post('/admin/certificates', adminJa, {
      agencyId: 'ja-demo',
      mode: 'rollover',
      certificate: jaNew.certificatePem,
    })
    expect(withoutKey.status).toBe(400)
    expect(withoutKey.text).toContain('braucht den neuen privaten Schlüssel')
    const before = (await entries()).length
    const done = await post('/admin/certificates', adminJa, {
      agencyId: 'ja-demo',
      mode: 'rollover',
      certificate: jaNew.certificatePem,
      key: jaNew.privateKeyPem,
    })
    expect(done.status).toBe(303)
    expect(done.location).toBe('/admin/certificates?done=rolled-over:ja-demo')
    const certificates = await listAgencyCertificates(t.deps.db, { agencyId: 'ja-demo' })
    const overlapMs = t.deps.config.cardRolloverOverlapDays * 86_400_000
    const pemOf = (pem: string) => pem.replace(/\s/g, '')
    const old = certificates.find((c) => pemOf(c.certificatePem) === pemOf(jaOld.certificatePem))
    expect(certificates.filter((c) => c.retireAt != null)).toEqual([old])
    expect(certificates).toHaveLength(2)
    expect(old?.retireAt?.getTime()).toBe(t.clock.now().getTime() + overlapMs)
    const added = (await entries()).slice(before)
    expect(added.map((e) => [e.event.type, e.actor])).toEqual([
      ['certificate_added', 'user:admin-ja'],
      ['certificate_rolled_over', 'user:admin-ja'],
    ])
    const page = await get(done.location ?? '', adminJa)
    expect(page.text).toContain('Schlüssel von ja-demo gewechselt')
    expect(page.text).toContain('außer Dienst ab')
  })

  it('when the instance admin adds a PKCS#12 file, then a wrong passphrase is refused in German and the right one imports it; the API lists certificates by the same rule', async () => {
    const aa = await pki.issue({
      name: 'aa-demo',
      email: 'berufsberatung@aa-demo.example',
      keyAlgorithm: 'rsa-2048',
    })
    const p12 = writePkcs12({
      certificate: aa.certificateDer,
      privateKey: aa.privateKey,
      passphrase: 'richtig-geheim',
    }).toString('base64')
    const wrong = await post('/admin/certificates', instance, {
      agencyId: 'aa-demo',
      mode: 'add',
      p12,
      passphrase: 'falsch',
    })
    expect(wrong.status).toBe(400)
    expect(wrong.text).toContain('Das Passwort der PKCS#12-Datei stimmt nicht.')
    const notBase64 = await post('/admin/certificates', instance, {
      agencyId: 'aa-demo',
      mode: 'add',
      p12: '%%%',
    })
    expect(notBase64.status).toBe(400)
    const done = await post('/admin/certificates', instance, {
      agencyId: 'aa-demo',
      mode: 'add',
      p12,
      passphrase: 'richtig-geheim',
    })
    expect(done.status).toBe(303)
    expect(done.location).toBe('/admin/certificates?done=imported:aa-demo')
    expect((await entries()).at(-1)).toMatchObject({
      actor: 'user:admin',
      event: { type: 'certificate_added', agencyId: 'aa-demo', withKey: true },
    })
    const listed = async (token: string) =>
      (
        (await server.api('GET', '/certificates', { token })).body as {
          certificates: { agencyId: string }[]
        }
      ).certificates.map((c) => c.agencyId)
    expect(new Set(await listed(tokens.admin ?? ''))).toEqual(
      new Set(['aa-demo', 'jc-demo', 'ja-demo']),
    )
    expect(new Set(await listed(tokens['admin-ja'] ?? ''))).toEqual(new Set(['ja-demo']))
  })

  it("when an agency's admin reaches for another agency's certificate, then it does not exist for them and nothing is audited", async () => {
    const jc = (await listAgencyCertificates(t.deps.db, { agencyId: 'jc-demo' }))[0]
    const before = (await entries()).length
    const other = await issueJa()
    const imported = await post('/admin/certificates', adminJa, {
      agencyId: 'jc-demo',
      mode: 'add',
      certificate: other.certificatePem,
    })
    expect(imported.status).toBe(404)
    const revoked = await post(`/admin/certificates/${jc?.id}/revoke`, adminJa, {
      reason: 'Schlüssel verloren',
    })
    expect(revoked.status).toBe(404)
    expect((await entries()).length).toBe(before)
    expect((await listAgencyCertificates(t.deps.db, { agencyId: 'jc-demo' }))[0]?.status).toBe(
      'active',
    )
  })

  it('when the instance admin revokes a certificate with a reason, then it is out of service at once and audited; a second revocation is refused', async () => {
    const jc = (await listAgencyCertificates(t.deps.db, { agencyId: 'jc-demo' }))[0]
    const noReason = await post(`/admin/certificates/${jc?.id}/revoke`, instance, { reason: '' })
    expect(noReason.status).toBe(400)
    const done = await post(`/admin/certificates/${jc?.id}/revoke`, instance, {
      reason: 'Schlüssel verloren',
    })
    expect(done.status).toBe(303)
    expect((await entries()).at(-1)).toMatchObject({
      actor: 'user:admin',
      event: { type: 'certificate_revoked', agencyId: 'jc-demo', reason: 'Schlüssel verloren' },
    })
    const page = await get(done.location ?? '', instance)
    expect(page.text).toContain('hier widerrufen')
    const again = await post(`/admin/certificates/${jc?.id}/revoke`, instance, {
      reason: 'noch einmal',
    })
    expect(again.status).toBe(409)
  })

  it('when a kiosk device is signed in, then the kiosk page shows its state and last use; its own agency admin locks it out and unlocks it, another agency cannot', async () => {
    await sessionFor(t.deps, 'kiosk-ja')
    const all = await get('/admin/kiosks', instance)
    expect(all.status).toBe(200)
    expect(all.text).toContain('<code>kiosk-jc</code>')
    expect(all.text).toContain('<code>kiosk-ja</code>')
    const own = await get('/admin/kiosks', adminJa)
    expect(own.text).not.toContain('kiosk-jc')
    const row = own.text.split('<code>kiosk-ja</code>')[1]?.split('</tr>')[0] ?? ''
    expect(row).toContain('angemeldet, bereit')
    expect(row).toMatch(/\d\d\.\d\d\.\d{4}, \d\d:\d\d/)
    expect(row).not.toContain('noch nie')

    const foreign = await post('/admin/kiosks/kiosk-jc/lock', adminJa)
    expect(foreign.status).toBe(404)
    expect((await findUser(t.deps.db, 'kiosk-jc'))?.disabled).toBe(false)
    const notKiosk = await post('/admin/kiosks/staff-ja/lock', instance)
    expect(notKiosk.status).toBe(404)
    expect((await findUser(t.deps.db, 'staff-ja'))?.disabled).toBe(false)

    const locked = await post('/admin/kiosks/kiosk-ja/lock', adminJa)
    expect(locked.status).toBe(303)
    expect((await findUser(t.deps.db, 'kiosk-ja'))?.disabled).toBe(true)
    expect((await entries()).at(-1)).toMatchObject({
      actor: 'user:admin-ja',
      event: { type: 'account_disabled', userId: 'kiosk-ja', role: 'kiosk' },
    })
    const after = await get(locked.location ?? '', adminJa)
    expect(after.text).toContain('Kiosk-Gerät kiosk-ja gesperrt')
    expect(after.text).toContain('Entsperren<span class="visually-hidden"> (kiosk-ja)')
    const unlocked = await post('/admin/kiosks/kiosk-ja/unlock', adminJa)
    expect(unlocked.status).toBe(303)
    expect((await findUser(t.deps.db, 'kiosk-ja'))?.disabled).toBe(false)
    expect((await entries()).at(-1)?.event.type).toBe('account_enabled')
  })

  it("when an agency's admin acts on accounts, then only its own agency's are listed and reachable, on the page and through the API", async () => {
    const overview = await get('/admin', adminJa)
    expect(overview.text).toContain('action="/admin/users/staff-ja/disable"')
    expect(overview.text).not.toContain('action="/admin/users/staff-jc/disable"')
    expect(overview.text).not.toContain('action="/admin/users/admin/disable"')
    for (const action of ['disable', 'enable', 'password-reset', 'sessions/end', 'tokens/revoke']) {
      expect((await post(`/admin/users/staff-jc/${action}`, adminJa)).status, action).toBe(404)
      expect((await post(`/admin/users/dpo-all/${action}`, adminJa)).status, action).toBe(404)
      const api = await server.api('POST', `/users/staff-jc/${action}`, {
        token: tokens['admin-ja'] ?? '',
      })
      expect(api.status, action).toBe(404)
    }
    expect((await findUser(t.deps.db, 'staff-jc'))?.disabled).toBe(false)
    const reset = await post('/admin/users/staff-ja/password-reset', adminJa)
    expect(reset.status).toBe(200)
    expect((await entries()).at(-1)).toMatchObject({
      actor: 'user:admin-ja',
      event: { type: 'password_reset', userId: 'staff-ja' },
    })
    const escalate = await post('/admin/users', adminJa, {
      id: 'root-2',
      displayName: 'Zweite Verwaltung',
      role: 'admin',
      agencyId: '',
    })
    expect(escalate.status).toBe(403)
    expect(await findUser(t.deps.db, 'root-2')).toBeUndefined()
    const apiEscalate = await server.api('POST', '/users', {
      token: tokens['admin-ja'] ?? '',
      body: {
        id: 'root-3',
        displayName: 'Dritte Verwaltung',
        role: 'admin',
        password: 'a-long-password-123',
      },
    })
    expect(apiEscalate.status).toBe(403)
  })

  it("when an agency's admin tries to register a new agency, then only the instance's administration may, on the page and through the API", async () => {
    const agency = {
      id: 'neu-demo',
      name: 'Neue Behörde',
      kind: 'jugendamt',
      mailbox: 'neu@neu-demo.example',
    }
    const page = await post('/admin/agencies', adminJa, { ...agency, smimeProfile: '' })
    expect(page.status).toBe(403)
    expect(page.text).toContain('nur die Verwaltung der ganzen Instanz')
    const api = await server.api('POST', '/agencies', {
      token: tokens['admin-ja'] ?? '',
      body: agency,
    })
    expect(api.status).toBe(403)
    expect(await findAgency(t.deps.db, 'neu-demo')).toBeUndefined()
  })
})
