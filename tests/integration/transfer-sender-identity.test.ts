import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { countTransfersByStatus } from '../../db/transfer-repository.ts'
import {
  addTrustAnchor,
  importAgencyCertificate,
} from '../../gateway/crypto/certificate-service.ts'
import { seedAccounts } from '../support/accounts.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createRelayPki, type RelayPki } from '../support/smtp-relay-setup.ts'
import type { TestIdentity } from '../support/test-pki.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * A permitted transfer still needs the sending agency's certificate and key; each missing piece
 * answers its own code (issue 12, point 7), never one code for all of them.
 */
describe.each(dialects)('what a permitted transfer still needs, on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let relayPki: RelayPki
  let tokens: Record<string, string>
  let consentId: string

  const importFor = (identity: TestIdentity, agencyId: string, withKey: boolean) =>
    importAgencyCertificate(t.deps, {
      actor: 'system',
      agencyId,
      source: {
        kind: 'certificate',
        certificate: Buffer.from(identity.certificatePem),
        ...(withKey ? { key: Buffer.from(identity.privateKeyPem) } : {}),
      },
    })

  const submit = () =>
    server.api('POST', '/transfers', {
      token: tokens['staff-jc'] as string,
      body: {
        consentId,
        to: 'ja-demo',
        purpose: 'hilfeplanung',
        necessity: 'Abstimmung des Hilfeplans mit dem Jugendamt vor dem Gespräch am 10.03.',
        sections: [{ category: 'schule', title: 'Schule', body: 'Besucht die 10. Klasse.' }],
      },
    })

  /** The relay caches keyring lookups for a few seconds of the clock: look a minute later. */
  const later = () => t.clock.advance(60_000)

  beforeAll(async () => {
    relayPki = await createRelayPki()
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    await addTrustAnchor(t.deps, {
      actor: 'system',
      certificate: Buffer.from(relayPki.pki.ca.certificatePem),
      crlFile: join(relayPki.dir, 'ca.crl.pem'),
    })
    // Only the Jugendamt can be encrypted to; the Jobcenter's own identity comes step by step.
    await importFor(relayPki.identities['ja-demo'] as TestIdentity, 'ja-demo', true)
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
    await t.close()
  })

  async function expectRefused(code: string): Promise<Record<string, unknown> | undefined> {
    const res = await submit()
    expect(res.status, JSON.stringify(res.body)).toBe(409)
    const error = (res.body as { error: { code: string; details?: Record<string, unknown> } }).error
    expect(error.code).toBe(code)
    return error.details
  }

  it('when the sending agency has no certificate, then 409 ERR_RELAY_SENDER_CERTIFICATE_MISSING and nothing is queued', async () => {
    await expectRefused('ERR_RELAY_SENDER_CERTIFICATE_MISSING')
    expect(await countTransfersByStatus(t.deps.db)).toEqual({})
    const types = (await listAuditEntries(t.deps.db, { limit: 1000 })).map((e) => e.event.type)
    expect(types).not.toContain('transfer_queued')
  })

  it('when its certificate came without the private key, then 409 ERR_RELAY_SENDER_KEY_MISSING', async () => {
    const keyless = await relayPki.pki.issue({
      name: 'jc-demo-keyless',
      email: 'u25@jc-demo.example',
      keyAlgorithm: 'rsa-2048',
    })
    await importFor(keyless, 'jc-demo', false)
    later()
    await expectRefused('ERR_RELAY_SENDER_KEY_MISSING')
  })

  it('when a certificate with its key is added, then the same transfer is queued; once the CRL revokes it, then 409 ERR_RELAY_SENDER_CERTIFICATE_INVALID naming the certificate code', async () => {
    const own = relayPki.identities['jc-demo'] as TestIdentity
    await importFor(own, 'jc-demo', true)
    later()
    const queued = await submit()
    expect(queued.status, JSON.stringify(queued.body)).toBe(202)

    const now = t.clock.now()
    const revoking = relayPki.pki.buildCrl({
      serialNumbers: [own.serialNumber],
      revokedAt: new Date(now.getTime() - 60_000),
      thisUpdate: new Date(now.getTime() - 30_000),
    })
    writeFileSync(join(relayPki.dir, 'ca.crl.pem'), revoking.pem)
    later()
    expect(await expectRefused('ERR_RELAY_SENDER_CERTIFICATE_INVALID')).toEqual({
      certificateCode: 'ERR_CERT_REVOKED',
      reason: 'sender_certificate_revoked',
    })
  })
})
