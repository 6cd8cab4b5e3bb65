import { randomBytes, verify } from 'node:crypto'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { writePkcs12 } from '../../crypto/pkcs12.ts'
import { keyOperationsOf } from '../../crypto/private-key-operations.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { findSealedAgencyKey, listAgencyCertificates } from '../../db/certificate-repository.ts'
import { addAgency } from '../../gateway/accounts/account-service.ts'
import {
  addTrustAnchor,
  checkStoredKeys,
  findCurrentAgencyCertificate,
  findExpiringCertificates,
  importAgencyCertificate,
  openAgencyKey,
  revokeAgencyCertificate,
  validateRegisteredCertificate,
  warnAboutExpiringCertificates,
} from '../../gateway/crypto/certificate-service.ts'
import { createRegistryKeyring } from '../../gateway/crypto/registry-keyring.ts'
import { createPemDirectoryKeyring } from '../../gateway/relay/pem-directory-keyring.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer } from '../support/http-client.ts'
import type { TestServer } from '../support/http-client.ts'
import { createTestDeps } from '../support/test-deps.ts'
import type { TestDeps } from '../support/test-deps.ts'
import { createTestPki } from '../support/test-pki.ts'
import type { TestIdentity, TestPki } from '../support/test-pki.ts'

const mailbox = 'u25@jc-cert.example'
let pki: TestPki
let agencyIdentity: TestIdentity
let ecIdentity: TestIdentity
let expiredIdentity: TestIdentity
let revokedIdentity: TestIdentity
let pkiDir: string

beforeAll(async () => {
  pki = await createTestPki()
  agencyIdentity = await pki.issue({ name: 'jc-cert', email: mailbox, keyAlgorithm: 'rsa-2048' })
  ecIdentity = await pki.issue({ name: 'jc-cert-ec', email: mailbox, keyAlgorithm: 'ec-p256' })
  expiredIdentity = await pki.issue({
    name: 'jc-cert-old',
    email: mailbox,
    keyAlgorithm: 'ec-p256',
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2026-02-01T00:00:00Z'),
  })
  revokedIdentity = await pki.issue({
    name: 'jc-cert-rev',
    email: mailbox,
    keyAlgorithm: 'ec-p256',
  })
  pkiDir = mkdtempSync(join(tmpdir(), 'brucke-certs-'))
  writeFileSync(join(pkiDir, 'ca.pem'), pki.ca.certificatePem)
  const crl = pki.buildCrl({
    serialNumbers: [revokedIdentity.serialNumber],
    revokedAt: new Date(pki.at.getTime() - 86_400_000),
  })
  writeFileSync(join(pkiDir, 'ca.crl.pem'), crl.pem)
})

describe.each(dialects)('certificate registry on %s', (dialect) => {
  let t: TestDeps

  beforeEach(async () => {
    t = await createTestDeps(dialect)
    await addAgency(t.deps, {
      actor: 'system',
      agency: {
        id: 'jc-cert',
        name: 'Jobcenter Zertifikat',
        kind: 'jobcenter',
        mailbox,
        smimeProfile: 'modern',
      },
    })
    await addTrustAnchor(t.deps, {
      actor: 'system',
      certificate: Buffer.from(pki.ca.certificatePem),
      crlFile: join(pkiDir, 'ca.crl.pem'),
    })
  })
  afterEach(async () => t.close())

  const importPem = (identity: TestIdentity, withKey = true) =>
    importAgencyCertificate(t.deps, {
      actor: 'system',
      agencyId: 'jc-cert',
      source: {
        kind: 'certificate',
        certificate: Buffer.from(identity.certificatePem),
        ...(withKey ? { key: Buffer.from(identity.privateKeyPem) } : {}),
      },
    })

  it('when a valid certificate with its key is imported, then it is stored, its key sealed and an audit entry written', async () => {
    const record = await importPem(agencyIdentity)
    expect(record).toMatchObject({ agencyId: 'jc-cert', status: 'active' })
    const sealed = await findSealedAgencyKey(t.deps.db, record.id)
    expect(sealed).toContain('BEGIN ENCRYPTED PRIVATE KEY')
    expect(sealed).not.toContain(agencyIdentity.privateKeyPem.split('\n')[1])
    const key = await openAgencyKey(t.deps, record.id)
    expect(key?.export({ type: 'pkcs8', format: 'der' })).toEqual(
      agencyIdentity.privateKey.export({ type: 'pkcs8', format: 'der' }),
    )
    const events = (await listAuditEntries(t.deps.db, { limit: 100 })).map((entry) => entry.event)
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'certificate_added',
        agencyId: 'jc-cert',
        certificateSha256: record.id,
        withKey: true,
      }),
    )
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'trust_anchor_added', crlSource: 'file' }),
    )
    expect(t.logLines.join('')).not.toContain(agencyIdentity.privateKeyPem.split('\n')[1])
  })

  it('when a certificate comes in a PKCS#12 file or with an EC key, then certificate and key are imported', async () => {
    const rsaP12 = writePkcs12({
      certificate: agencyIdentity.certificateDer,
      chain: [pki.ca.certificateDer],
      privateKey: agencyIdentity.privateKey,
      passphrase: 'pw',
    })
    const record = await importAgencyCertificate(t.deps, {
      actor: 'system',
      agencyId: 'jc-cert',
      source: { kind: 'pkcs12', data: rsaP12, passphrase: 'pw' },
    })
    expect(await findSealedAgencyKey(t.deps.db, record.id)).toBeDefined()
    const ec = await importPem(ecIdentity)
    expect(ec.subject).toContain('jc-cert-ec')
  })

  it.each([
    ['expired', () => expiredIdentity, 'ERR_CERT_EXPIRED'],
    ['revoked on the CRL', () => revokedIdentity, 'ERR_CERT_REVOKED'],
    ['for another mailbox', () => pki.rsa, 'ERR_CERT_EMAIL_MISMATCH'],
    ['from an unknown CA', () => pki.invalid.unknownCa, 'ERR_CERT_UNTRUSTED'],
    ['with the wrong key usage', () => pki.invalid.wrongKeyUsage, 'ERR_CERT_KEY_USAGE'],
  ])(
    'when a certificate %s is imported, then it is refused and nothing is written',
    async (_label, identity, code) => {
      await expect(importPem(identity(), false)).rejects.toMatchObject({ code })
      expect(await listAgencyCertificates(t.deps.db)).toEqual([])
      const events = (await listAuditEntries(t.deps.db, { limit: 100 })).map(
        (entry) => entry.event.type,
      )
      expect(events).not.toContain('certificate_added')
    },
  )

  it('when the key does not belong to the certificate, then it fails with ERR_KEY_MISMATCH', async () => {
    await expect(
      importAgencyCertificate(t.deps, {
        actor: 'system',
        agencyId: 'jc-cert',
        source: {
          kind: 'certificate',
          certificate: Buffer.from(agencyIdentity.certificatePem),
          key: Buffer.from(ecIdentity.privateKeyPem),
        },
      }),
    ).rejects.toMatchObject({ code: 'ERR_KEY_MISMATCH' })
  })

  it('when the same certificate is imported twice, then the second import is a conflict', async () => {
    await importPem(agencyIdentity)
    await expect(importPem(agencyIdentity)).rejects.toMatchObject({ code: 'conflict' })
  })

  it('when a certificate is revoked, then it is no longer current and an audit entry says so', async () => {
    const record = await importPem(agencyIdentity)
    expect((await findCurrentAgencyCertificate(t.deps, 'jc-cert'))?.id).toBe(record.id)
    await revokeAgencyCertificate(t.deps, {
      actor: 'system',
      certificateId: record.id,
      reason: 'key compromise',
    })
    expect(await findCurrentAgencyCertificate(t.deps, 'jc-cert')).toBeUndefined()
    const events = (await listAuditEntries(t.deps.db, { limit: 100 })).map((entry) => entry.event)
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'certificate_revoked', certificateSha256: record.id }),
    )
    await expect(
      revokeAgencyCertificate(t.deps, {
        actor: 'system',
        certificateId: record.id,
        reason: 'again',
      }),
    ).rejects.toMatchObject({ code: 'conflict' })
  })

  it('when a certificate expires within 30 days, then it is listed as expiring and a warning is logged', async () => {
    const record = await importPem(agencyIdentity)
    expect(await findExpiringCertificates(t.deps, t.clock.now())).toEqual([])
    t.clock.set(new Date(record.notAfter.getTime() - 10 * 86_400_000))
    const expiring = await findExpiringCertificates(t.deps, t.clock.now())
    expect(expiring.map((entry) => [entry.id, entry.daysLeft])).toEqual([[record.id, 10]])
    expect(await warnAboutExpiringCertificates(t.deps)).toBe(1)
    expect(t.logLines.join('')).toContain('expires in 10 days')
  })

  it('when the master key changes, then checking the stored keys fails with ERR_KEY_WRONG_MASTER_KEY', async () => {
    await importPem(agencyIdentity)
    expect(await checkStoredKeys(t.deps)).toBe(1)
    const otherConfig = {
      ...t.deps.config,
      secrets: { ...t.deps.config.secrets, masterKey: randomBytes(32) },
    }
    await expect(checkStoredKeys({ db: t.deps.db, config: otherConfig })).rejects.toMatchObject({
      code: 'ERR_KEY_WRONG_MASTER_KEY',
    })
  })

  it('when the agency has a valid certificate and key, then the registry keyring gives its signer and a valid recipient', async () => {
    const keyring = createRegistryKeyring(t.deps)
    expect(await keyring.signer('jc-cert', t.clock.now())).toEqual({
      ok: false,
      problem: 'certificate_missing',
    })
    expect(await keyring.recipient('jc-cert', t.clock.now())).toBeUndefined()
    await importPem(agencyIdentity)
    const lookup = await keyring.signer('jc-cert', t.clock.now())
    const signer = lookup.ok ? lookup.identity : undefined
    expect(signer?.certificate.equals(agencyIdentity.certificateDer)).toBe(true)
    expect(signer?.chain.map((der) => der.equals(pki.ca.certificateDer))).toEqual([true])
    if (signer === undefined) throw new Error('no signer')
    const signature = keyOperationsOf(signer.key).sign('rsa-pkcs1', Buffer.from('probe'))
    expect(verify('sha256', Buffer.from('probe'), agencyIdentity.publicKey, signature)).toBe(true)
    const recipient = await keyring.recipient('jc-cert', t.clock.now())
    expect(recipient).toMatchObject({ mailbox, profile: 'modern', check: { ok: true } })
  })

  it('when the certificate came without its key, then the registry keyring says the key is missing', async () => {
    await importPem(agencyIdentity, false)
    const keyring = createRegistryKeyring(t.deps)
    expect(await keyring.signer('jc-cert', t.clock.now())).toEqual({
      ok: false,
      problem: 'key_missing',
    })
    expect((await keyring.recipient('jc-cert', t.clock.now()))?.check).toEqual({ ok: true })
    expect(await keyring.signer('no-such-agency', t.clock.now())).toEqual({
      ok: false,
      problem: 'agency_unknown',
    })
  })

  it('when a PEM directory lacks an agency’s certificate, key or validity, then its keyring names which', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'brucke-pem-keyring-'))
    writeFileSync(join(dir, 'ca.pem'), pki.ca.certificatePem)
    const keyring = createPemDirectoryKeyring(t.deps, dir)
    const lookup = () => keyring.signer('jc-cert', t.clock.now())
    expect(await keyring.signer('no-such-agency', t.clock.now())).toMatchObject({
      problem: 'agency_unknown',
    })
    expect(await lookup()).toEqual({ ok: false, problem: 'certificate_missing' })
    writeFileSync(join(dir, 'jc-cert.cert.pem'), agencyIdentity.certificatePem)
    expect(await lookup()).toEqual({ ok: false, problem: 'key_missing' })
    writeFileSync(join(dir, 'jc-cert.key.pem'), agencyIdentity.privateKeyPem)
    expect(await lookup()).toMatchObject({ ok: true, identity: { mailbox } })
    writeFileSync(join(dir, 'jc-cert.cert.pem'), expiredIdentity.certificatePem)
    expect(await lookup()).toEqual({
      ok: false,
      problem: 'certificate_invalid',
      certificateCode: 'ERR_CERT_EXPIRED',
    })
  })

  it('when a CRL revoking the certificate is dropped into the CRL file, then the keyring refuses it at once', async () => {
    const crlFile = join(mkdtempSync(join(tmpdir(), 'brucke-crl-')), 'ca.crl.pem')
    writeFileSync(crlFile, pki.crlPem)
    await addTrustAnchor(t.deps, {
      actor: 'system',
      certificate: Buffer.from(pki.ca.certificatePem),
      crlFile,
    })
    await importPem(agencyIdentity)
    const keyring = createRegistryKeyring(t.deps)
    expect((await keyring.recipient('jc-cert', t.clock.now()))?.check).toEqual({ ok: true })
    const revoking = pki.buildCrl({
      serialNumbers: [agencyIdentity.serialNumber],
      revokedAt: new Date(t.clock.now().getTime() - 60_000),
      thisUpdate: new Date(t.clock.now().getTime() - 30_000),
    })
    writeFileSync(crlFile, revoking.pem)
    expect((await keyring.recipient('jc-cert', t.clock.now()))?.check).toEqual({
      ok: false,
      code: 'ERR_CERT_REVOKED',
    })
    expect(await keyring.signer('jc-cert', t.clock.now())).toEqual({
      ok: false,
      problem: 'certificate_invalid',
      certificateCode: 'ERR_CERT_REVOKED',
    })
    // An older CRL put back afterwards does not undo the revocation.
    writeFileSync(crlFile, pki.crlPem)
    expect((await keyring.recipient('jc-cert', t.clock.now()))?.check).toMatchObject({ ok: false })
  })

  it('when the CRL file goes stale, then validation of a registered certificate reports ERR_CERT_CRL_EXPIRED', async () => {
    const record = await importPem(agencyIdentity)
    const ok = await validateRegisteredCertificate(t.deps, {
      record,
      mailbox,
      at: t.clock.now(),
      usage: 'encrypt',
    })
    expect(ok.ok).toBe(true)
    const later = new Date(pki.at.getTime() + 60 * 86_400_000)
    const stale = await validateRegisteredCertificate(t.deps, {
      record,
      mailbox,
      at: later,
      usage: 'encrypt',
    })
    expect(stale).toMatchObject({ ok: false, code: 'ERR_CERT_CRL_EXPIRED' })
  })
})

describe.each(dialects)('CRL from a URL on %s', (dialect) => {
  let t: TestDeps
  let server: Server
  let requests = 0
  let url: string

  beforeAll(async () => {
    server = createServer((_request, response) => {
      requests += 1
      response.writeHead(200, { 'content-type': 'application/pkix-crl' })
      response.end(pki.crlDer)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ca.crl`
    t = await createTestDeps(dialect)
    await addAgency(t.deps, {
      actor: 'system',
      agency: { id: 'jc-cert', name: 'JC', kind: 'jobcenter', mailbox, smimeProfile: 'modern' },
    })
  })
  afterAll(async () => {
    await t.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('when a trust anchor has a CRL URL, then the CRL is fetched over HTTP, cached, and not fetched again while current', async () => {
    await addTrustAnchor(t.deps, {
      actor: 'system',
      certificate: Buffer.from(pki.ca.certificatePem),
      crlUrl: url,
    })
    const afterTrust = requests
    expect(afterTrust).toBeGreaterThanOrEqual(1)
    const record = await importAgencyCertificate(t.deps, {
      actor: 'system',
      agencyId: 'jc-cert',
      source: { kind: 'certificate', certificate: Buffer.from(agencyIdentity.certificatePem) },
    })
    await validateRegisteredCertificate(t.deps, {
      record,
      mailbox,
      at: t.clock.now(),
      usage: 'encrypt',
    })
    expect(requests).toBe(afterTrust)
  })

  it('when the CRL URL serves a CRL of another CA, then trusting fails with ERR_CERT_CRL_INVALID', async () => {
    await expect(
      addTrustAnchor(t.deps, {
        actor: 'system',
        certificate: Buffer.from(pki.unknownCa.certificatePem),
        crlUrl: url,
      }),
    ).rejects.toMatchObject({ code: 'ERR_CERT_CRL_INVALID' })
  })
})

describe.each(dialects)('certificate API on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    tokens = (await seedAccounts(t.deps)).tokens
    await addTrustAnchor(t.deps, {
      actor: 'system',
      certificate: Buffer.from(pki.ca.certificatePem),
      crlFile: join(pkiDir, 'ca.crl.pem'),
    })
    const jc = await pki.issue({
      name: 'u25',
      email: 'u25@jc-demo.example',
      keyAlgorithm: 'ec-p256',
    })
    await importAgencyCertificate(t.deps, {
      actor: 'system',
      agencyId: 'jc-demo',
      source: {
        kind: 'certificate',
        certificate: jc.certificateDer,
        key: Buffer.from(jc.privateKeyPem),
      },
    })
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  it('when an admin lists certificates, then each comes with its expiry and no key material; others are refused', async () => {
    const response = await server.api('GET', '/certificates', { token: tokens.admin })
    expect(response.status).toBe(200)
    const body = response.body as { certificates: Record<string, unknown>[] }
    expect(body.certificates).toHaveLength(1)
    expect(body.certificates[0]).toMatchObject({
      agencyId: 'jc-demo',
      status: 'active',
      hasKey: true,
      expired: false,
      expiringSoon: false,
    })
    expect(JSON.stringify(body)).not.toMatch(/PRIVATE KEY|BEGIN/)
    const staff = await server.api('GET', '/certificates', { token: tokens['staff-jc'] })
    expect(staff.status).toBe(403)
  })
})
