import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodePem } from '../../crypto/certificate-pem.ts'
import { parseCertificate } from '../../crypto/certificate-parse.ts'
import { findAgency } from '../../db/account-repository.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import {
  findSealedAgencyKey,
  listAgencyCertificates,
  listTrustAnchors,
} from '../../db/certificate-repository.ts'
import { findAgencyFederation } from '../../db/federation-repository.ts'
import { revokeAgencyCertificate } from '../../gateway/crypto/certificate-service.ts'
import { createRegistryKeyring } from '../../gateway/crypto/registry-keyring.ts'
import { demoAgencies } from '../../gateway/demo-setup.ts'
import { exportPartnerCard } from '../../gateway/federation/export-partner-card.ts'
import {
  importPartnerCard,
  previewPartnerCard,
} from '../../gateway/federation/import-partner-card.ts'
import { setAgencyProfile } from '../../gateway/federation/set-agency-profile.ts'
import { addTestAccount } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer } from '../support/http-client.ts'
import {
  addHostedCertificate,
  createGatewayPki,
  hostAgency,
  type AgencyIdentity,
  type GatewayPki,
} from '../support/federation-pki.ts'
import { testPkiAt } from '../support/test-pki.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const day = 24 * 60 * 60 * 1000
const jobcenter = demoAgencies.find((agency) => agency.id === 'jc-demo')!
const jugendamt = demoAgencies.find((agency) => agency.id === 'ja-demo')!
const fingerprintOf = (pem: string) =>
  parseCertificate(decodePem(pem, 'CERTIFICATE')).fingerprintSha256

/** What an import may touch, to show a refused one wrote nothing. */
async function footprint(t: TestDeps) {
  const count = async (table: 'agencies' | 'agency_certificates' | 'trust_anchors') =>
    Number(
      (
        await t.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return {
    agencies: await count('agencies'),
    certificates: await count('agency_certificates'),
    anchors: await count('trust_anchors'),
    audit: (await listAuditEntries(t.deps.db, { limit: 10_000 })).length,
    federation: await findAgencyFederation(t.deps.db, 'ja-demo'),
  }
}

describe.each(dialects)('partner cards between two gateways on %s', (dialect) => {
  // Gateway A hosts the Jobcenter, gateway B the Jugendamt: two databases, two PKIs.
  let a: TestDeps
  let b: TestDeps
  let pkiA: GatewayPki
  let pkiB: GatewayPki
  let jaFirst: AgencyIdentity
  let firstCard: Buffer

  beforeAll(async () => {
    a = await createTestDeps(dialect)
    b = await createTestDeps(dialect)
    pkiA = await createGatewayPki('gateway-a', testPkiAt)
    pkiB = await createGatewayPki('gateway-b', testPkiAt)
    await hostAgency(a.deps, jobcenter, pkiA)
    jaFirst = await hostAgency(b.deps, jugendamt, pkiB)
  }, 120_000)
  afterAll(async () => {
    await pkiA.close()
    await pkiB.close()
    await a.close()
    await b.close()
  })

  async function cardOf(t: TestDeps, agencyId: string): Promise<Buffer> {
    const exported = await exportPartnerCard(t.deps, {
      actor: 'user:admin',
      agencyId,
      inboundSmtp: 'smtp://127.0.0.1:2526',
    })
    return Buffer.from(exported.text)
  }

  it('when B exports its Jugendamt card and A imports it, then A knows the Jugendamt as a partner it can encrypt to, without a key', async () => {
    firstCard = await cardOf(b, 'ja-demo')
    const exported = JSON.parse(firstCard.toString()) as { card: { issuedAt: string } }
    expect(exported.card.issuedAt).toBe(b.clock.now().toISOString())
    expect(await createRegistryKeyring(a.deps).recipient('ja-demo', a.clock.now())).toBeUndefined()

    const preview = await previewPartnerCard(a.deps, firstCard)
    expect(preview.fingerprints.certificates.map((c) => c.sha256)).toEqual([
      fingerprintOf(jaFirst.certificatePem),
    ])
    expect(preview.fingerprints.caChain.map((c) => c.sha256)).toEqual([fingerprintOf(pkiB.caPem)])
    expect((await footprint(a)).federation).toBeUndefined() // the preview wrote nothing

    const imported = await importPartnerCard(a.deps, { actor: 'user:admin', bytes: firstCard })
    expect(imported.fingerprints.card).toBe(preview.fingerprints.card)
    expect(imported.added).toEqual([fingerprintOf(jaFirst.certificatePem)])

    const federation = await findAgencyFederation(a.deps.db, 'ja-demo')
    expect(federation).toMatchObject({
      hosted: false,
      inboundSmtp: 'smtp://127.0.0.1:2526',
      crlUrl: pkiB.crlUrl,
      cardSha256: preview.fingerprints.card,
    })
    expect(federation?.cardIssuedAt?.toISOString()).toBe(exported.card.issuedAt)
    expect((await findAgencyFederation(a.deps.db, 'jc-demo'))?.hosted).toBe(true)
    // The Art. 13 information travels with the card: A's consents may name the Jugendamt.
    expect((await findAgency(a.deps.db, 'ja-demo'))?.privacyNotice).toEqual(jugendamt.privacyNotice)
    const anchor = (await listTrustAnchors(a.deps.db)).find(
      (candidate) => candidate.id === fingerprintOf(pkiB.caPem),
    )
    expect(anchor).toMatchObject({ crlUrl: pkiB.crlUrl, crlFile: null })
    expect(await findSealedAgencyKey(a.deps.db, fingerprintOf(jaFirst.certificatePem))).toBe(
      undefined,
    )

    const keyring = createRegistryKeyring(a.deps)
    const recipient = await keyring.recipient('ja-demo', a.clock.now())
    expect(recipient?.check).toEqual({ ok: true })
    expect(recipient?.profile).toBe('compatible')
    expect(await keyring.signer('ja-demo', a.clock.now())).toMatchObject({
      ok: false,
      problem: 'key_missing',
    })
    const audit = (await listAuditEntries(a.deps.db, { limit: 10_000 })).map((entry) => entry.event)
    expect(audit).toContainEqual(
      expect.objectContaining({
        type: 'partner_card_imported',
        agencyId: 'ja-demo',
        cardSha256: preview.fingerprints.card,
        caSha256: fingerprintOf(pkiB.caPem),
      }),
    )
    expect(
      (await listAuditEntries(b.deps.db, { limit: 10_000 })).map((entry) => entry.event),
    ).toContainEqual(
      expect.objectContaining({ type: 'partner_card_exported', agencyId: 'ja-demo' }),
    )
  })

  it('when A lists the agencies over the API, then the Jugendamt is a partner and the Jobcenter hosted', async () => {
    const token = await addTestAccount(a.deps, {
      id: 'staff-a',
      role: 'staff',
      agencyId: 'jc-demo',
    })
    const server = await startTestServer(a.deps)
    try {
      const response = await server.api('GET', '/agencies', { token })
      expect(response.status).toBe(200)
      const { agencies } = response.body as { agencies: { id: string; hosted: boolean }[] }
      expect(agencies.map((agency) => [agency.id, agency.hosted])).toEqual([
        ['ja-demo', false],
        ['jc-demo', true],
      ])
    } finally {
      await server.close()
    }
  })

  it('when a card is malformed, tampered with, signed by another agency, carries a foreign CA, is for an agency hosted here or is not newer, then it is refused and nothing is written', async () => {
    const original = JSON.parse(firstCard.toString()) as {
      card: Record<string, unknown> & { agency: Record<string, unknown>; caChain: string[] }
      signature: string
    }
    const ownCard = await cardOf(a, 'jc-demo')
    const own = JSON.parse(ownCard.toString()) as typeof original
    const variant = (change: (copy: typeof original) => void) => {
      const copy = structuredClone(original)
      change(copy)
      return Buffer.from(JSON.stringify(copy))
    }
    const cases: [string, Buffer][] = [
      ['card_malformed', Buffer.from('not json at all')],
      ['card_malformed', Buffer.from(JSON.stringify({ card: { agency: 'x' }, signature: 'AA==' }))],
      ['card_malformed', variant((copy) => (copy.card.inboundSmtp = 'http://evil.example'))],
      ['card_signature_invalid', variant((copy) => (copy.card.agency.name = 'Jugendamt Falsch'))],
      ['card_signature_invalid', variant((copy) => (copy.card.inboundSmtp = 'smtp://10.0.0.9:25'))],
      ['card_signature_invalid', variant((copy) => (copy.signature = own.signature))],
      ['card_certificate_invalid', variant((copy) => (copy.card.caChain = own.card.caChain))],
      ['agency_hosted_here', ownCard],
      ['card_not_newer', firstCard],
    ]
    const before = await footprint(a)
    for (const [reason, bytes] of cases) {
      await expect(
        importPartnerCard(a.deps, { actor: 'user:admin', bytes }),
        reason,
      ).rejects.toMatchObject({ details: { reason } })
      await expect(previewPartnerCard(a.deps, bytes), reason).rejects.toMatchObject({
        details: { reason },
      })
    }
    expect(await footprint(a)).toEqual(before)
  })

  it('when B rolls its key over, then A encrypts to the new certificate at once and to the dropped one only until the overlap ends', async () => {
    b.clock.advance(day)
    a.clock.advance(day)
    const jaSecond = await addHostedCertificate(b.deps, 'ja-demo', jugendamt.mailbox, pkiB)
    // First the new key is announced next to the old one…
    const both = await importPartnerCard(a.deps, {
      actor: 'user:admin',
      bytes: await cardOf(b, 'ja-demo'),
    })
    expect(both.fingerprints.certificates.map((c) => c.sha256)).toEqual([
      fingerprintOf(jaSecond.certificatePem),
      fingerprintOf(jaFirst.certificatePem),
    ])
    expect(both.added).toEqual([fingerprintOf(jaSecond.certificatePem)])
    expect(both.retiring).toEqual([])
    // …then B withdraws the old key and its next card drops it.
    await revokeAgencyCertificate(b.deps, {
      actor: 'user:admin',
      certificateId: fingerprintOf(jaFirst.certificatePem),
      reason: 'rollover',
    })
    b.clock.advance(day)
    a.clock.advance(day)
    const importedAt = a.clock.now()
    const dropped = await importPartnerCard(a.deps, {
      actor: 'user:admin',
      bytes: await cardOf(b, 'ja-demo'),
    })
    const retireAt = new Date(importedAt.getTime() + 14 * day)
    expect(dropped.retiring).toEqual([fingerprintOf(jaFirst.certificatePem)])
    expect(dropped.retireAt).toEqual(retireAt)
    const stored = await listAgencyCertificates(a.deps.db, { agencyId: 'ja-demo' })
    expect(
      stored.map((record) => [record.id, record.status, record.retireAt?.toISOString() ?? null]),
    ).toEqual(
      expect.arrayContaining([
        [fingerprintOf(jaFirst.certificatePem), 'active', retireAt.toISOString()],
        [fingerprintOf(jaSecond.certificatePem), 'active', null],
      ]),
    )

    const keyring = createRegistryKeyring(a.deps)
    const encryptTo = async (at: Date) => {
      const recipient = await keyring.recipient('ja-demo', at)
      // A certificate withdrawn here is reported (as revoked, issue 16 point 8) but never used.
      return recipient === undefined || !recipient.check.ok
        ? undefined
        : parseCertificate(recipient.certificate).fingerprintSha256
    }
    // The newest card's certificate is used while the old one is still in its overlap.
    expect(await encryptTo(a.clock.now())).toBe(fingerprintOf(jaSecond.certificatePem))
    // Trust in the new certificate withdrawn here: the old one serves until its retire_at…
    await revokeAgencyCertificate(a.deps, {
      actor: 'user:admin',
      certificateId: fingerprintOf(jaSecond.certificatePem),
      reason: 'test: only the retiring certificate left',
    })
    expect(await encryptTo(new Date(retireAt.getTime() - 1))).toBe(
      fingerprintOf(jaFirst.certificatePem),
    )
    // …and not from then on.
    expect(await encryptTo(retireAt)).toBeUndefined()
    expect(
      (await listAuditEntries(a.deps.db, { limit: 10_000 })).map((entry) => entry.event),
    ).toContainEqual(
      expect.objectContaining({
        type: 'partner_card_imported',
        certificatesRetiring: [fingerprintOf(jaFirst.certificatePem)],
        retireAt: retireAt.toISOString(),
        replaced: true,
      }),
    )
  })

  it('when an admin changes a partner profile, then the keyring encrypts with it and the change is audited once', async () => {
    const changed = await setAgencyProfile(a.deps, {
      actor: 'user:admin',
      agencyId: 'ja-demo',
      profile: 'modern',
    })
    expect(changed.changed).toBe(true)
    const again = await setAgencyProfile(a.deps, {
      actor: 'user:admin',
      agencyId: 'ja-demo',
      profile: 'modern',
    })
    expect(again.changed).toBe(false)
    const events = (await listAuditEntries(a.deps.db, { limit: 10_000 }))
      .map((entry) => entry.event)
      .filter((event) => event.type === 'agency_profile_changed')
    expect(events).toEqual([
      { type: 'agency_profile_changed', agencyId: 'ja-demo', from: 'compatible', to: 'modern' },
    ])
    await expect(
      setAgencyProfile(a.deps, { actor: 'user:admin', agencyId: 'xx-none', profile: 'modern' }),
    ).rejects.toMatchObject({ code: 'not_found' })
  })

  it('when a partner agency is asked for its card here, then the export is refused: only its own gateway can sign it', async () => {
    await expect(
      exportPartnerCard(a.deps, { actor: 'user:admin', agencyId: 'ja-demo' }),
    ).rejects.toMatchObject({ details: { reason: 'agency_not_hosted' } })
    await expect(
      exportPartnerCard(a.deps, { actor: 'user:admin', agencyId: 'no-such' }),
    ).rejects.toMatchObject({ code: 'not_found' })
  })
})
