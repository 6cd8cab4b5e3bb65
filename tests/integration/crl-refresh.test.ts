import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildCaCertificate,
  buildCertificate,
  buildSmimeCertificate,
  type BuiltCertificate,
} from '../../crypto/certificate-builder.ts'
import { generateKeyPair, type KeyPair } from '../../crypto/certificate-key-pair.ts'
import { buildCrl } from '../../crypto/crl-builder.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { listCachedCrls } from '../../db/certificate-repository.ts'
import { listCrlFetches } from '../../db/crl-fetch-repository.ts'
import {
  addTrustAnchor,
  importAgencyCertificate,
  listCertificateOverview,
} from '../../gateway/crypto/certificate-service.ts'
import { refreshCrls, startCrlRefresher } from '../../gateway/crypto/crl-refresh.ts'
import { addTestAccount, seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const hour = 60 * 60 * 1000
const day = 24 * hour
const notBefore = new Date('2026-01-01T00:00:00.000Z')
const notAfter = new Date('2028-01-01T00:00:00.000Z')

interface Ca {
  keys: KeyPair
  certificate: BuiltCertificate
}

/** A CRL publication point as a CA runs one: plain HTTP, the bytes replaced when the CA publishes. */
async function startCrlServer(): Promise<{
  url: string
  publish(path: string, der: Buffer): void
  requests: string[]
  close(): Promise<void>
}> {
  const published = new Map<string, Buffer>()
  const requests: string[] = []
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '')
    const body = published.get(request.url ?? '')
    if (body === undefined) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    publish: (path, der) => published.set(path, der),
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

const transferBody = (consentId: string) => ({
  consentId,
  to: 'ja-demo',
  purpose: 'hilfeplanung',
  necessity: 'Abstimmung des Kooperationsplans mit dem Hilfeplan.',
  sections: [{ category: 'schule', title: 'Schule', body: 'Abschluss im Sommer erwartet.' }],
})

/**
 * Issue 16, point 8: a certificate revoked at its CA — a new CRL published at the CA's URL or at
 * the distribution point in the certificate — is refused within one refresh, with the cause named
 * alike by the transfer, the dry run and the certificate list. The Jugendamt's certificate comes
 * from an intermediate CA whose CRL is published only at the distribution point in that
 * certificate; the root's CRL URL is configured on the trust anchor.
 */
describe.each(dialects)('CRL refresh from URLs and distribution points, on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let crls: Awaited<ReturnType<typeof startCrlServer>>
  let tokens: Record<string, string>
  let consentId: string
  let root: Ca
  let intermediate: Ca
  let jaLeaf: BuiltCertificate
  let jcLeaf: BuiltCertificate
  let crlNumber = 1

  const publishCrl = (
    path: string,
    ca: Ca,
    input: { revoked?: bigint[]; thisUpdate?: Date; revokedAt?: Date } = {},
  ) => {
    const now = t.clock.now()
    const crl = buildCrl({
      issuer: { certificate: ca.certificate.der, privateKey: ca.keys.privateKey },
      thisUpdate: input.thisUpdate ?? new Date(now.getTime() - 60_000),
      nextUpdate: new Date(now.getTime() + 30 * day),
      crlNumber: crlNumber++,
      revoked: (input.revoked ?? []).map((serialNumber) => ({
        serialNumber,
        revocationDate: input.revokedAt ?? new Date(now.getTime() - 120_000),
        reason: 'keyCompromise' as const,
      })),
    })
    crls.publish(path, crl.der)
    return crl
  }

  const dryRun = async () => {
    const res = await server.api('POST', '/decisions', {
      token: tokens['staff-jc'],
      body: { consentId, to: 'ja-demo', purpose: 'hilfeplanung', categories: ['schule'] },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body as { decision: string; reasons: string[] }
  }
  const submit = () =>
    server.api('POST', '/transfers', { token: tokens['staff-jc'], body: transferBody(consentId) })
  /** The relay caches keyring lookups for a few seconds of the clock: look a minute later. */
  const later = () => t.clock.advance(60_000)
  const jaStatus = async () =>
    (await listCertificateOverview(t.deps, { at: t.clock.now(), agencyId: 'ja-demo' }))[0]

  beforeAll(async () => {
    crls = await startCrlServer()
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    const [rootKeys, intermediateKeys, jaKeys, jcKeys] = await Promise.all([
      generateKeyPair('ec-p256'),
      generateKeyPair('ec-p256'),
      generateKeyPair('rsa-2048'),
      generateKeyPair('rsa-2048'),
    ])
    const subject = (commonName: string) => ({
      country: 'DE',
      organization: 'Brücke CRL Test',
      commonName,
    })
    root = {
      keys: rootKeys,
      certificate: buildCaCertificate({
        subject: subject('CRL Test Root'),
        keyPair: rootKeys,
        notBefore,
        notAfter,
      }),
    }
    const rootIssuer = { certificate: root.certificate.der, privateKey: rootKeys.privateKey }
    intermediate = {
      keys: intermediateKeys,
      certificate: buildCertificate({
        subject: subject('CRL Test Intermediate'),
        publicKey: intermediateKeys.publicKey,
        issuer: rootIssuer,
        notBefore,
        notAfter,
        extensions: {
          basicConstraints: { ca: true, pathLength: 0 },
          keyUsage: ['keyCertSign', 'cRLSign'],
          crlDistributionPoints: [`${crls.url}/root.crl`],
        },
      }),
    }
    jaLeaf = buildSmimeCertificate({
      subject: subject('Jugendamt'),
      email: 'jugendhilfe@ja-demo.example',
      publicKey: jaKeys.publicKey,
      issuer: {
        certificate: intermediate.certificate.der,
        privateKey: intermediateKeys.privateKey,
      },
      notBefore,
      notAfter,
      crlDistributionPoints: [`${crls.url}/intermediate.crl`],
    })
    jcLeaf = buildSmimeCertificate({
      subject: subject('Jobcenter'),
      email: 'u25@jc-demo.example',
      publicKey: jcKeys.publicKey,
      issuer: rootIssuer,
      notBefore,
      notAfter,
      crlDistributionPoints: [`${crls.url}/root.crl`],
    })
    publishCrl('/root.crl', root)
    publishCrl('/intermediate.crl', intermediate)

    await addTrustAnchor(t.deps, {
      actor: 'system',
      certificate: root.certificate.der,
      crlUrl: `${crls.url}/root.crl`,
    })
    await importAgencyCertificate(t.deps, {
      actor: 'system',
      agencyId: 'ja-demo',
      source: {
        kind: 'certificate',
        certificate: Buffer.from(jaLeaf.pem + intermediate.certificate.pem),
      },
    })
    await importAgencyCertificate(t.deps, {
      actor: 'system',
      agencyId: 'jc-demo',
      source: {
        kind: 'certificate',
        certificate: Buffer.from(jcLeaf.pem),
        key: Buffer.from(jcKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      },
    })
    server = await startTestServer(t.deps)
    consentId = await signedEinwilligung(server, {
      staffToken: tokens['staff-jc'] as string,
      kioskToken: tokens['kiosk-jc'] as string,
      subject: { givenName: 'Mara', familyName: 'Quellenweg', birthDate: '2005-04-11' },
      purpose: 'hilfeplanung',
      categories: ['schule'],
    })
  }, 120_000)
  afterAll(async () => {
    await server.close()
    await crls.close()
    await t.close()
  })

  it('when nothing is revoked, then the dry run permits, the transfer is queued and cert list says active with the CRL age', async () => {
    expect(await dryRun()).toEqual({ decision: 'permit', reasons: [] })
    expect((await submit()).status).toBe(202)
    const status = await jaStatus()
    expect(status?.currentStatus).toBe('active')
    expect(status?.crl?.ageSeconds).toBeGreaterThanOrEqual(60)
  })

  it('when the intermediate CA publishes a CRL revoking the Jugendamt certificate, then after one refresh the transfer, the dry run and cert list all say revoked', async () => {
    later()
    publishCrl('/intermediate.crl', intermediate, { revoked: [jaLeaf.serialNumber] })
    // The stored CRL is still current, so until the refresh nothing fetches the new one.
    expect((await dryRun()).decision).toBe('permit')

    const outcome = await refreshCrls(t.deps)
    expect(outcome.failed).toEqual([])
    // Root URL (anchor and distribution point are one URL) and the intermediate's point.
    expect(outcome.sources).toBe(2)
    expect(outcome.updated).toBeGreaterThanOrEqual(1)
    later()

    expect(await dryRun()).toEqual({ decision: 'deny', reasons: ['recipient_certificate_revoked'] })
    const refused = await submit()
    expect(refused.status).toBe(403)
    expect(refused.body).toMatchObject({
      error: { code: 'transfer_denied', details: { reasons: ['recipient_certificate_revoked'] } },
    })
    const denials = (await listAuditEntries(t.deps.db, { limit: 1000 }))
      .map((entry) => entry.event)
      .filter((event) => event.type === 'transfer_denied' || event.type === 'decision_checked')
    expect(denials.at(-1)).toMatchObject({
      type: 'transfer_denied',
      reasons: ['recipient_certificate_revoked'],
    })
    expect(denials.at(-2)).toMatchObject({
      type: 'decision_checked',
      decision: 'deny',
      reasons: ['recipient_certificate_revoked'],
    })
    expect(await jaStatus()).toMatchObject({
      currentStatus: 'revoked_at_ca',
      validationCode: 'ERR_CERT_REVOKED',
    })
  })

  it('when a stale mirror serves an older CRL without the revocation, then the newer CRL stays and the certificate stays revoked', async () => {
    const stored = (await listCrlFetches(t.deps.db)).find((f) =>
      f.url.endsWith('/intermediate.crl'),
    )
    publishCrl('/intermediate.crl', intermediate, {
      thisUpdate: new Date(t.clock.now().getTime() - 2 * day),
    })
    const outcome = await refreshCrls(t.deps)
    expect(outcome.updated).toBe(0)
    const after = (await listCrlFetches(t.deps.db)).find((f) => f.url.endsWith('/intermediate.crl'))
    expect(after?.crlPem).toBe(stored?.crlPem)
    later()
    expect((await dryRun()).reasons).toEqual(['recipient_certificate_revoked'])
  })

  it('when a source serves a CRL no known CA signed, or fails, then it is not stored, the failure is recorded and counted, and the stored CRL stays in use', async () => {
    const stranger = await generateKeyPair('ec-p256')
    const forged = buildCaCertificate({
      // Same name as the intermediate, another key: only the signature tells them apart.
      subject: {
        country: 'DE',
        organization: 'Brücke CRL Test',
        commonName: 'CRL Test Intermediate',
      },
      keyPair: stranger,
      notBefore,
      notAfter,
    })
    publishCrl('/intermediate.crl', { keys: stranger, certificate: forged })
    const outcome = await refreshCrls(t.deps)
    expect(outcome.failed).toEqual([
      {
        url: `${crls.url}/intermediate.crl`,
        error: expect.stringContaining('ERR_CERT_CRL_INVALID'),
      },
    ])
    const fetch = (await listCrlFetches(t.deps.db)).find((f) => f.url.endsWith('/intermediate.crl'))
    expect(fetch?.lastError).toContain('ERR_CERT_CRL_INVALID')
    const metrics = await t.deps.metrics.scrape()
    expect(metrics).toMatch(/brucke_crl_refresh_failures_total 1\b/)
    expect(metrics).toMatch(/brucke_crl_sources_failing 1\b/)
    later()
    expect((await dryRun()).reasons).toEqual(['recipient_certificate_revoked'])
  })

  it('when the root CA revokes the intermediate on its CRL URL, then the service started by brucke serve fetches it at start and the chain is refused as revoked', async () => {
    later()
    const published = publishCrl('/root.crl', root, {
      revoked: [intermediate.certificate.serialNumber],
    })
    const before = crls.requests.length
    const refresher = startCrlRefresher(t.deps)
    expect(refresher).toBeDefined()
    await expect
      .poll(() => crls.requests.length - before, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2)
    await refresher?.stop()
    later()
    expect(await dryRun()).toEqual({ decision: 'deny', reasons: ['recipient_certificate_revoked'] })
    expect(await jaStatus()).toMatchObject({ currentStatus: 'revoked_at_ca' })
    // The anchor's cache (what brucke_crl_age_seconds reads) holds the CRL just published.
    const cached = await listCachedCrls(t.deps.db)
    expect(cached.map((c) => c.crlPem.replace(/\s/g, ''))).toEqual([
      published.pem.replace(/\s/g, ''),
    ])
    expect(await t.deps.metrics.scrape()).toMatch(
      /brucke_crl_age_seconds\{trust_anchor="[0-9a-f]{64}"\} 120\b/,
    )
  })

  it('when the CA revokes a certificate, then the instance administration has every CRL fetched at once (page, API), audited; an agency administrator or staff may not', async () => {
    later()
    // The intermediate serves a valid CRL again; the root CA now also revokes the Jobcenter's
    // own (sending) certificate.
    publishCrl('/intermediate.crl', intermediate, { revoked: [jaLeaf.serialNumber] })
    publishCrl('/root.crl', root, {
      revoked: [intermediate.certificate.serialNumber, jcLeaf.serialNumber],
    })
    expect((await dryRun()).reasons).toEqual(['recipient_certificate_revoked'])
    const requestsBefore = crls.requests.length
    const refreshAudits = async () =>
      (await listAuditEntries(t.deps.db, { limit: 100_000 })).filter(
        (entry) => entry.event.type === 'crl_refresh_requested',
      )

    // Refused: staff, and the administrator of one agency — nothing fetched, nothing audited.
    const agencyAdmin = await addTestAccount(t.deps, {
      id: 'admin-jc',
      role: 'admin',
      agencyId: 'jc-demo',
    })
    for (const token of [tokens['staff-jc'], agencyAdmin]) {
      const refused = await server.api('POST', '/crls/refresh', { token })
      expect(refused.status).toBe(403)
    }
    const agencyAdminPage = await sessionFor(t.deps, 'admin-jc')
    const refusedPage = await fetch(`${server.url}/admin/certificates/crl-refresh`, {
      method: 'POST',
      headers: {
        cookie: agencyAdminPage.cookie,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: agencyAdminPage.csrfToken }).toString(),
      redirect: 'manual',
    })
    expect(refusedPage.status).toBe(403)
    expect(await refusedPage.text()).toContain('nur die Verwaltung der ganzen Instanz')
    const agencyAdminView = await fetch(`${server.url}/admin/certificates`, {
      headers: { cookie: agencyAdminPage.cookie },
    })
    expect(await agencyAdminView.text()).not.toContain('Sperrlisten jetzt abrufen')
    expect(crls.requests.length).toBe(requestsBefore)
    expect(await refreshAudits()).toEqual([])

    // The API: both sources fetched, the new root CRL taken.
    const done = await server.api('POST', '/crls/refresh', { token: tokens.admin })
    expect(done.status, JSON.stringify(done.body)).toBe(200)
    expect(done.body).toEqual({ sources: 2, updated: 2, failed: [] })
    later()
    expect((await dryRun()).reasons).toEqual(
      expect.arrayContaining(['recipient_certificate_revoked', 'sender_certificate_revoked']),
    )

    // The page: the button, the redirect with the counts, the notice.
    const adminPage = await sessionFor(t.deps, 'admin')
    const view = await fetch(`${server.url}/admin/certificates`, {
      headers: { cookie: adminPage.cookie },
    })
    expect(await view.text()).toContain('Sperrlisten jetzt abrufen')
    const posted = await fetch(`${server.url}/admin/certificates/crl-refresh`, {
      method: 'POST',
      headers: { cookie: adminPage.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: adminPage.csrfToken }).toString(),
      redirect: 'manual',
    })
    expect(posted.status).toBe(303)
    const location = posted.headers.get('location') ?? ''
    expect(location).toBe('/admin/certificates?crls=2-0-0')
    const after = await fetch(server.url + location, { headers: { cookie: adminPage.cookie } })
    expect(await after.text()).toContain(
      'Sperrlisten abgerufen: 2 Quellen, 0 mit neuerer Sperrliste.',
    )

    // No source at all (CRL files only, as in the demo): said as such, not as "0 sources".
    const noSources = await fetch(`${server.url}/admin/certificates?crls=0-0-0`, {
      headers: { cookie: adminPage.cookie },
    })
    expect(await noSources.text()).toContain('Keine Sperrliste ist über eine Adresse abzurufen')
    // A round in which a source failed is shown as a problem, pointing to the service log.
    const failedView = await fetch(`${server.url}/admin/certificates?crls=1-0-1`, {
      headers: { cookie: adminPage.cookie },
    })
    const failedText = await failedView.text()
    expect(failedText).toContain(
      'Sperrlisten abgerufen: 1 Quelle, 0 mit neuerer Sperrliste, 1 nicht erreichbar oder ungültig',
    )
    expect(failedText).toMatch(/role="alert"[^>]*>Sperrlisten abgerufen/)

    const audited = await refreshAudits()
    expect(audited.map((entry) => [entry.actor, entry.event])).toEqual([
      ['user:admin', { type: 'crl_refresh_requested', sources: 2, updated: 2, failed: 0 }],
      ['user:admin', { type: 'crl_refresh_requested', sources: 2, updated: 0, failed: 0 }],
    ])
  })
})
