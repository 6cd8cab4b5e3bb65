import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readTrustMaterialVersion } from '../../db/certificate-repository.ts'
import { findHostedRecipient } from '../../db/inbound-repository.ts'
import { demoAgencies } from '../../gateway/demo-setup.ts'
import { validateRegisteredCertificate } from '../../gateway/crypto/certificate-service.ts'
import { findRegisteredSigner, loadValidationMaterial } from '../../gateway/crypto/crl-source.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects, postgresAdminUrl } from '../support/databases.ts'
import { createRelayPki, registerRelayPki, type RelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * Issue 16 point 10: the gateway keeps the trust material it loaded (anchors, cached and fetched
 * CRLs, signers' registrations) and reuses it while the database's counter (migration 0630,
 * moved by trigger) stands still. These tests change the stored rows behind its back — plain SQL,
 * as another process, another instance on the same PostgreSQL or an operator's tool would — and
 * replace the CRL file, and check that the very next load sees each change.
 */
describe.each(dialects)('trust material kept between messages, on %s', (dialect) => {
  let t: TestDeps
  let relayPki: RelayPki

  beforeEach(async () => {
    relayPki = await createRelayPki()
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    await registerRelayPki(t.deps, relayPki)
  })
  afterEach(async () => {
    await t.close()
  })

  const fingerprintOf = (agencyId: string) =>
    createHash('sha256')
      .update(
        Buffer.from(
          relayPki.identities[agencyId]!.certificatePem.replace(/-----[^-]+-----|\s/g, ''),
          'base64',
        ),
      )
      .digest('hex')

  it('when nothing stored changed, then the next load reuses what was loaded', async () => {
    const at = t.clock.now()
    const first = await loadValidationMaterial(t.deps, { at })
    const second = await loadValidationMaterial(t.deps, { at })
    expect(first.anchors).toHaveLength(1)
    expect(second.stored).toBe(first.stored)
    expect(second.crls).toHaveLength(first.crls.length)
  })

  it('when a trust anchor is removed behind the gateway’s back, then the next load no longer has it', async () => {
    const at = t.clock.now()
    const before = await loadValidationMaterial(t.deps, { at })
    expect(before.anchors).toHaveLength(1)
    const version = await readTrustMaterialVersion(t.deps.db)
    const mailbox = demoAgencies.find((agency) => agency.id === 'aa-demo')!.mailbox
    // The recipient's lookup reads the same counter in its own statement.
    expect((await findHostedRecipient(t.deps.db, mailbox, at))?.materialVersion).toBe(version)
    await sql`delete from crl_cache`.execute(t.deps.db)
    await sql`delete from trust_anchors`.execute(t.deps.db)
    const moved = await readTrustMaterialVersion(t.deps.db)
    expect(moved).toBeGreaterThan(version)
    expect((await findHostedRecipient(t.deps.db, mailbox, at))?.materialVersion).toBe(moved)
    const after = await loadValidationMaterial(t.deps, { at })
    expect(after.anchors).toHaveLength(0)
    expect(after.trustAnchors).toHaveLength(0)
  })

  it('when the CRL file is replaced by one revoking the signer, then the next validation says revoked', async () => {
    const at = t.clock.now()
    const fingerprint = fingerprintOf('jc-demo')
    const material = await loadValidationMaterial(t.deps, { at })
    const signer = await findRegisteredSigner(t.deps.db, material, fingerprint)
    expect(signer).toBeDefined()
    const valid = await validateRegisteredCertificate(t.deps, {
      record: signer!.record,
      mailbox: signer!.mailbox,
      at,
      usage: 'sign',
      material,
    })
    expect(valid.ok).toBe(true)
    const newer = relayPki.pki.buildCrl({
      serialNumbers: [relayPki.identities['jc-demo']!.serialNumber],
      revokedAt: new Date(at.getTime() - 60_000),
      thisUpdate: new Date(at.getTime() - 30_000),
      nextUpdate: new Date(at.getTime() + 24 * 60 * 60 * 1000),
    })
    writeFileSync(join(relayPki.dir, 'ca.crl.pem'), newer.pem)
    const reloaded = await loadValidationMaterial(t.deps, { at })
    const revoked = await validateRegisteredCertificate(t.deps, {
      record: signer!.record,
      mailbox: signer!.mailbox,
      at,
      usage: 'sign',
      material: reloaded,
    })
    expect(revoked).toMatchObject({ ok: false, code: 'ERR_CERT_REVOKED' })
  })

  it('when a signer’s certificate is withdrawn behind the gateway’s back, then the next lookup sees it withdrawn', async () => {
    const at = t.clock.now()
    const fingerprint = fingerprintOf('jc-demo')
    const material = await loadValidationMaterial(t.deps, { at })
    expect((await findRegisteredSigner(t.deps.db, material, fingerprint))?.record.status).toBe(
      'active',
    )
    // Remembered under this counter: the same answer again without a read.
    expect((await findRegisteredSigner(t.deps.db, material, fingerprint))?.record.status).toBe(
      'active',
    )
    await sql`update agency_certificates set status = 'revoked' where id = ${fingerprint}`.execute(
      t.deps.db,
    )
    const next = await loadValidationMaterial(t.deps, { at })
    expect(next.stored).not.toBe(material.stored)
    expect((await findRegisteredSigner(t.deps.db, next, fingerprint))?.record.status).toBe(
      'revoked',
    )
    // An unregistered fingerprint is remembered as such until a registration moves the counter.
    const stranger = 'f'.repeat(64)
    expect(await findRegisteredSigner(t.deps.db, next, stranger)).toBeUndefined()
    expect(next.stored.signers.get(stranger)).toBeNull()
  })
})

/**
 * PostgreSQL: the trigger's function finds the counter in its own schema whatever the search_path
 * of the session that fires it (an operator's psql with the default one, naming the table with
 * its schema).
 */
describe.each(dialects.filter((dialect) => dialect === 'postgres'))(
  'the trust material counter from another session, on %s',
  (dialect) => {
    let t: TestDeps
    beforeEach(async () => {
      t = await createTestDeps(dialect)
      await seedAccounts(t.deps)
      await registerRelayPki(t.deps, await createRelayPki())
    })
    afterEach(async () => {
      await t.close()
    })

    it('when an operator’s session with another search_path changes a certificate, then the counter still moves', async () => {
      const schema = new URL(t.testDatabase.url).searchParams.get('schema')
      expect(schema).toMatch(/^t_/)
      const before = await readTrustMaterialVersion(t.deps.db)
      // A plain psql-like session: default search_path, the table named with its schema.
      const operator = new pg.Client({ connectionString: postgresAdminUrl })
      await operator.connect()
      try {
        await operator.query(
          `update ${schema}.agency_certificates set status = 'revoked' where agency_id = 'jc-demo'`,
        )
      } finally {
        await operator.end()
      }
      expect(await readTrustMaterialVersion(t.deps.db)).toBeGreaterThan(before)
    })
  },
)
