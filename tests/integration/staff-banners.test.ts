import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createRelayPki, type RelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const day = 24 * 3600_000

describe.each(dialects)('certificate banners on the staff overview on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let relayPki: RelayPki

  beforeAll(async () => {
    relayPki = await createRelayPki()
    t = await createTestDeps(dialect, { config: { relayPkiDir: relayPki.dir } })
    await seedAccounts(t.deps)
    server = await startTestServer(t.deps)
  }, 120_000)
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  const overviewOf = async (userId: string) => {
    const session = await sessionFor(t.deps, userId)
    const res = await fetch(`${server.url}/staff`, { headers: { cookie: session.cookie } })
    return res.text()
  }
  const banners = (page: string) =>
    [...page.matchAll(/class="alert error-box banner" role="alert">([^<]*)</g)].map((m) =>
      (m[1] ?? '').trim(),
    )

  it('when every certificate is valid for long, then no banner is shown', async () => {
    expect(banners(await overviewOf('staff-jc'))).toEqual([])
  })

  it('when the own certificate ends within 30 days and a partner’s has expired, then both are named', async () => {
    const now = t.clock.now()
    const jc = await relayPki.pki.issue({
      name: 'jc-demo-short',
      email: 'u25@jc-demo.example',
      keyAlgorithm: 'rsa-2048',
      notBefore: new Date(now.getTime() - 30 * day),
      notAfter: new Date(now.getTime() + 10 * day + 3600_000),
    })
    const ja = await relayPki.pki.issue({
      name: 'ja-demo-expired',
      email: 'jugendhilfe@ja-demo.example',
      keyAlgorithm: 'rsa-2048',
      notBefore: new Date(now.getTime() - 100 * day),
      notAfter: new Date(now.getTime() - day),
    })
    writeFileSync(join(relayPki.dir, 'jc-demo.cert.pem'), jc.certificatePem)
    writeFileSync(join(relayPki.dir, 'jc-demo.key.pem'), jc.privateKeyPem)
    writeFileSync(join(relayPki.dir, 'ja-demo.cert.pem'), ja.certificatePem)
    // The relay may cache keyring lookups for a few seconds of the clock; look a minute later.
    t.clock.advance(60_000)

    const shown = banners(await overviewOf('staff-jc'))
    expect(shown).toHaveLength(2)
    expect(shown[0]).toContain('läuft in 10 Tagen ab')
    expect(shown[1]).toMatch(/Das Zertifikat von .+ ist nicht gültig/)
    // The Agentur's own certificate is fine; it is warned only about the Jugendamt's.
    const aa = banners(await overviewOf('staff-aa'))
    expect(aa).toHaveLength(1)
    expect(aa[0]).toMatch(/Das Zertifikat von .+ ist nicht gültig/)
  })
})
