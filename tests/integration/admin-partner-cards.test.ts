import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findAgency } from '../../db/account-repository.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { findAgencyFederation } from '../../db/federation-repository.ts'
import { demoAgencies } from '../../gateway/demo-setup.ts'
import { exportPartnerCard } from '../../gateway/federation/export-partner-card.ts'
import { addTestAccount } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { createGatewayPki, hostAgency, type GatewayPki } from '../support/federation-pki.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { testPkiAt } from '../support/test-pki.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const jobcenter = demoAgencies.find((agency) => agency.id === 'jc-demo')!
const jugendamt = demoAgencies.find((agency) => agency.id === 'ja-demo')!

/**
 * Issue 16 point 1, on the admin page: gateway A's administrator pastes gateway B's partner card,
 * sees its fingerprints, and imports it only on confirming; and changes an agency's profile.
 */
describe.each(dialects)('partner cards on the admin page on %s', (dialect) => {
  let a: TestDeps
  let b: TestDeps
  let pkiA: GatewayPki
  let pkiB: GatewayPki
  let server: TestServer
  let admin: { cookie: string; csrfToken: string }
  let cardText: string
  let cardSha256: string

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
    a = await createTestDeps(dialect)
    b = await createTestDeps(dialect)
    pkiA = await createGatewayPki('gateway-a', testPkiAt)
    pkiB = await createGatewayPki('gateway-b', testPkiAt)
    await hostAgency(a.deps, jobcenter, pkiA)
    await hostAgency(b.deps, jugendamt, pkiB)
    await addTestAccount(a.deps, { id: 'admin-a', role: 'admin', agencyId: null })
    const exported = await exportPartnerCard(b.deps, {
      actor: 'user:admin-b',
      agencyId: 'ja-demo',
      inboundSmtp: 'smtp://gateway-b.example:2526',
    })
    cardText = exported.text
    cardSha256 = exported.cardSha256
    server = await startTestServer(a.deps)
    admin = await sessionFor(a.deps, 'admin-a')
  }, 120_000)
  afterAll(async () => {
    await server?.close()
    await pkiA?.close()
    await pkiB?.close()
    await a?.close()
    await b?.close()
  })

  it('when the admin pastes a partner card, then the page shows its fingerprints and imports nothing until confirmed; confirmed, the agency is a partner', async () => {
    const preview = await post('/admin/partner-cards/preview', { card: cardText })
    expect(preview.status).toBe(200)
    expect(preview.text).toContain(cardSha256)
    expect(preview.text).toContain('smtp://gateway-b.example:2526')
    expect(preview.text).toContain('Ja, Partnerkarte importieren')
    expect(await findAgency(a.deps.db, 'ja-demo')).toBeUndefined()

    const imported = await post('/admin/partner-cards/import', { card: cardText })
    expect(imported.status).toBe(303)
    expect(imported.location).toBe('/admin?added=card:ja-demo')
    const federation = await findAgencyFederation(a.deps.db, 'ja-demo')
    expect(federation).toMatchObject({
      hosted: false,
      inboundSmtp: 'smtp://gateway-b.example:2526',
    })
    const types = (await listAuditEntries(a.deps.db, { limit: 1000 })).map((e) => e.event.type)
    expect(types).toContain('partner_card_imported')
    const page = await fetch(`${server.url}/admin?added=card:ja-demo`, {
      headers: { cookie: admin.cookie },
    })
    const text = await page.text()
    expect(text).toContain('Partnerkarte von <code>ja-demo</code> importiert.')
    expect(text).toContain('Partner (nur Partnerkarte hier)')
  })

  it("when an agency's administrator tries to import a card, then it is refused and nothing is imported", async () => {
    await addTestAccount(a.deps, { id: 'admin-jc', role: 'admin', agencyId: 'jc-demo' })
    const agencyAdmin = await sessionFor(a.deps, 'admin-jc')
    const res = await fetch(`${server.url}/admin/partner-cards/preview`, {
      method: 'POST',
      headers: { cookie: agencyAdmin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: agencyAdmin.csrfToken, card: cardText }).toString(),
      redirect: 'manual',
    })
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('nur die Verwaltung der ganzen Instanz')
  })

  it('when the card was tampered with, or is the same card again, then it is refused with a German reason and nothing changes', async () => {
    const tampered = cardText.replace('gateway-b.example', 'evil.example')
    const refused = await post('/admin/partner-cards/preview', { card: tampered })
    expect(refused.status).toBe(400)
    expect(refused.text).toContain('Partnerkarte abgelehnt')
    const again = await post('/admin/partner-cards/import', { card: cardText })
    expect(again.status).toBe(409)
    expect(again.text).toContain('nicht neuer als die bereits importierte')
    const garbage = await post('/admin/partner-cards/preview', { card: 'not a card' })
    expect(garbage.status).toBe(400)
  })

  it("when the admin changes an agency's S/MIME profile, then it is changed and audited; an unknown agency or profile is refused", async () => {
    const before = (await findAgency(a.deps.db, 'jc-demo'))!.smimeProfile
    const next = before === 'modern' ? 'compatible' : 'modern'
    const changed = await post('/admin/agencies/profile', {
      agencyId: 'jc-demo',
      smimeProfile: next,
    })
    expect(changed.status).toBe(303)
    expect((await findAgency(a.deps.db, 'jc-demo'))!.smimeProfile).toBe(next)
    const types = (await listAuditEntries(a.deps.db, { limit: 1000 })).map((e) => e.event.type)
    expect(types).toContain('agency_profile_changed')
    expect(
      (await post('/admin/agencies/profile', { agencyId: 'xx-none', smimeProfile: 'modern' }))
        .status,
    ).toBe(404)
    expect(
      (await post('/admin/agencies/profile', { agencyId: 'jc-demo', smimeProfile: 'weak' })).status,
    ).toBe(400)
  })
})
