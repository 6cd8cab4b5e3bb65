import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { importAgencyCertificate } from '../../gateway/crypto/certificate-service.ts'
import { startInboundSmtp, type InboundSmtp } from '../../gateway/inbound/inbound-smtp.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import type { ConsentAttestation } from '../../consent/consent-attestation.ts'
import {
  attestationFor,
  bindingHeadersFor,
  inboundMarker,
  innerEntity,
  outerMessage,
  sealedTestMessage,
  type TestSigner,
} from '../support/inbound-messages.ts'
import {
  createRelayPki,
  opensslSync,
  registerRelayPki,
  type RelayPki,
} from '../support/smtp-relay-setup.ts'
import type { TestIdentity } from '../support/test-pki.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const jaMailbox = 'jugendhilfe@ja-demo.example'
const aaMailbox = 'berufsberatung@aa-demo.example'

/** What the partner's SMTP client learns: the final reply, or the refusal's code and text. */
type Delivery = { ok: true; response: string } | { ok: false; code: number; response: string }

describe.each(dialects)('inbound S/MIME listener on %s', (dialect) => {
  let t: TestDeps
  let relayPki: RelayPki
  let inbound: InboundSmtp

  beforeAll(async () => {
    relayPki = await createRelayPki()
    t = await createTestDeps(dialect, { config: { inboundSmtpMaxBytes: 200_000 } })
    await seedAccounts(t.deps)
    await registerRelayPki(t.deps, relayPki)
    inbound = await startInboundSmtp({ deps: t.deps, port: 0 })
  }, 120_000)
  afterAll(async () => {
    await inbound.stop()
    await t.close()
  })

  const identity = (agencyId: string): TestIdentity => relayPki.identities[agencyId]!
  const signerOf = (id: TestIdentity): TestSigner => ({
    key: id.privateKey,
    certificate: id.certificateDer,
  })
  const recipientOf = (agencyId: string, mailbox: string) => ({
    certificate: identity(agencyId).certificateDer,
    mailbox,
  })

  /** Delivers like a partner gateway: STARTTLS required, no AUTH. */
  async function deliver(raw: Buffer, to = jaMailbox): Promise<Delivery> {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: inbound.port,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false }, // the self-signed certificate made at start
    })
    try {
      const info = await transport.sendMail({
        envelope: { from: 'u25@jc-demo.example', to: [to] },
        raw,
      })
      return { ok: true, response: info.response }
    } catch (error) {
      const e = error as { responseCode?: number; response?: string; message: string }
      return { ok: false, code: e.responseCode ?? 0, response: e.response ?? e.message }
    } finally {
      transport.close()
    }
  }

  async function items() {
    return t.deps.db.selectFrom('inbound_items').selectAll().execute()
  }

  async function refusalsAudited(reason: string): Promise<number> {
    const entries = (await listAuditEntries(t.deps.db, { limit: 100_000 })).filter(
      (e) => e.event.type === 'inbound_refused',
    )
    return entries.filter((e) => e.event.type === 'inbound_refused' && e.event.reason === reason)
      .length
  }

  function caseSummary(
    overrides: Record<string, string | null> = {},
    options: {
      signer?: TestIdentity
      encryption?: 'aes-256-gcm' | 'aes-256-cbc'
      attestation?: ConsentAttestation | null
    } = {},
  ): { raw: Buffer; headers: Record<string, string> } {
    const headers = bindingHeadersFor(overrides)
    const raw = sealedTestMessage({
      headers,
      ...(options.attestation === undefined ? {} : { attestation: options.attestation }),
      signer: signerOf(options.signer ?? identity('jc-demo')),
      recipient: recipientOf('ja-demo', jaMailbox),
      contentEncryption: options.encryption ?? 'aes-256-cbc',
      at: t.clock.now(),
    })
    return { raw, headers }
  }

  it('when a partner delivers a signed and encrypted case summary over STARTTLS, then it is stored received, encrypted, with the verified metadata and audited', async () => {
    const { raw, headers } = caseSummary()
    const answer = await deliver(raw)
    expect(answer).toMatchObject({ ok: true })
    const row = (await items()).find((i) => i.message_id === headers['Message-ID'])
    expect(row).toMatchObject({
      status: 'received',
      kind: 'case_summary',
      recipient_agency_id: 'ja-demo',
      sender_agency_id: 'jc-demo',
      transfer_id: headers['X-Brucke-Transfer-Id'],
      consent_id: 'con-test-1',
      purpose: 'hilfeplanung',
      categories: JSON.stringify(['schule', 'berufswahl']),
      subject_pseudonym: null,
      refusal_reason: null,
    })
    expect(row?.envelope).toBe(raw.toString('latin1'))
    // The row holds the message as it arrived, still encrypted: the section text is nowhere.
    expect(JSON.stringify(row)).not.toContain(inboundMarker)
    expect(t.logLines.join('\n')).not.toContain(inboundMarker)
    const audited = (await listAuditEntries(t.deps.db, { limit: 100_000 })).filter(
      (e) => e.event.type === 'inbound_received',
    )
    expect(audited.map((e) => e.event)).toContainEqual(
      expect.objectContaining({
        type: 'inbound_received',
        itemId: row?.id,
        senderAgencyId: 'jc-demo',
        recipientAgencyId: 'ja-demo',
        envelopeSha256: row?.envelope_sha256,
      }),
    )
    expect(JSON.stringify(audited)).not.toContain(inboundMarker)
  })

  it('when the same message arrives again, then it is accepted without a second item', async () => {
    const { raw, headers } = caseSummary()
    const first = await deliver(raw)
    const second = await deliver(raw)
    expect(first).toMatchObject({ ok: true })
    expect(second).toMatchObject({ ok: true })
    expect(first.response.split(' ').pop()).toBe(second.response.split(' ').pop())
    expect((await items()).filter((i) => i.message_id === headers['Message-ID'])).toHaveLength(1)
  })

  it('when a case summary is encrypted with AES-GCM to an EC recipient, then it is received too', async () => {
    const headers = bindingHeadersFor({ 'X-Brucke-Recipient': 'aa-demo' })
    const raw = sealedTestMessage({
      headers,
      signer: signerOf(identity('jc-demo')),
      recipient: recipientOf('aa-demo', aaMailbox),
      contentEncryption: 'aes-256-gcm',
      at: t.clock.now(),
    })
    expect(await deliver(raw, aaMailbox)).toMatchObject({ ok: true })
    expect((await items()).find((i) => i.message_id === headers['Message-ID'])).toMatchObject({
      status: 'received',
      recipient_agency_id: 'aa-demo',
    })
  })

  it('when a case summary carries no consent attestation, or one that does not cover it, then it is refused with its reason and a signed refusal receipt goes back', async () => {
    const missing = caseSummary({}, { attestation: null })
    const refusedMissing = await deliver(missing.raw)
    expect(refusedMissing).toMatchObject({ ok: false, code: 554 })
    expect(refusedMissing.ok ? '' : refusedMissing.response).toContain('attestation_missing')
    // Attested for another purpose than the signed X-Brucke-Purpose: not covered.
    const other = bindingHeadersFor({ 'X-Brucke-Purpose': 'berufsberatung' })
    const narrow = caseSummary({}, { attestation: attestationFor(other) })
    const refusedNarrow = await deliver(narrow.raw)
    expect(refusedNarrow.ok ? '' : refusedNarrow.response).toContain('attestation_mismatch')
    expect(await refusalsAudited('attestation_missing')).toBeGreaterThanOrEqual(1)
    expect(await refusalsAudited('attestation_mismatch')).toBeGreaterThanOrEqual(1)
    const stored = (await items()).map((i) => i.message_id)
    expect(stored).not.toContain(missing.headers['Message-ID'])
    expect(stored).not.toContain(narrow.headers['Message-ID'])
    // The verified sender learns why (issue 16 point 7): receipts queued to jc-demo.
    const receipts = await t.deps.db
      .selectFrom('transfers')
      .select(['recipient_agency_id', 'related_transfer_ids'])
      .where('kind', '=', 'receipt')
      .execute()
    const answered = receipts.map((r) => JSON.parse(r.related_transfer_ids) as string[]).flat()
    expect(answered).toContain(missing.headers['X-Brucke-Transfer-Id'])
    expect(answered).toContain(narrow.headers['X-Brucke-Transfer-Id'])
  })

  it('when a revocation notice arrives, then it is stored as a notice of its consent', async () => {
    const { raw, headers } = caseSummary({
      'X-Brucke-Notice': 'consent-revoked',
      'X-Brucke-Purpose': null,
      'X-Brucke-Categories': null,
      'X-Brucke-Consent-Text-Sha256': null,
    })
    expect(await deliver(raw)).toMatchObject({ ok: true })
    expect((await items()).find((i) => i.message_id === headers['Message-ID'])).toMatchObject({
      kind: 'revocation_notice',
      status: 'received',
      consent_id: 'con-test-1',
    })
  })

  it('when mail is addressed to a mailbox no hosted agency has, then RCPT is refused with 550 5.1.1', async () => {
    const before = (await items()).length
    const answer = await deliver(caseSummary().raw, 'someone@elsewhere.example')
    expect(answer).toMatchObject({ ok: false, code: 550 })
    expect(answer.response).toContain('5.1.1')
    // A partner known only by its card is not hosted here either.
    await t.deps.db.updateTable('agencies').set({ hosted: 0 }).where('id', '=', 'aa-demo').execute()
    try {
      expect(await deliver(caseSummary().raw, aaMailbox)).toMatchObject({ ok: false, code: 550 })
    } finally {
      await t.deps.db
        .updateTable('agencies')
        .set({ hosted: 1 })
        .where('id', '=', 'aa-demo')
        .execute()
    }
    expect((await items()).length).toBe(before)
  })

  it('when the mail is not S/MIME, then it is refused with 554 and a clear text', async () => {
    const answer = await deliver(
      outerMessage(innerEntity(bindingHeadersFor()), {
        from: 'u25@jc-demo.example',
        to: jaMailbox,
      }),
    )
    expect(answer).toMatchObject({ ok: false, code: 554 })
    expect(answer.response).toContain('Only encrypted S/MIME')
    expect(answer.response).toContain('not_smime')
    expect(await refusalsAudited('not_smime')).toBeGreaterThan(0)
  })

  it('when the mail is larger than INBOUND_SMTP_MAX_BYTES, then it is refused with 552', async () => {
    const big = outerMessage(Buffer.from('x'.repeat(300_000)), {
      from: 'u25@jc-demo.example',
      to: jaMailbox,
    })
    const answer = await deliver(big)
    expect(answer).toMatchObject({ ok: false, code: 552 })
  })

  const refusals: [string, () => Buffer, string, string][] = [
    [
      'the signed X-Brucke-Recipient names another agency',
      () => caseSummary({ 'X-Brucke-Recipient': 'aa-demo' }).raw,
      'recipient_mismatch',
      '5.7.1',
    ],
    [
      'the signer is another agency than the signed X-Brucke-Sender',
      () => caseSummary({}, { signer: identity('aa-demo') }).raw,
      'signer_agency_mismatch',
      '5.7.1',
    ],
    [
      'the signer certificate comes from a CA nobody here trusts',
      () => caseSummary({}, { signer: pki().invalid.unknownCa }).raw,
      'signer_untrusted',
      '5.7.7',
    ],
    [
      'the signer certificate is on the CA CRL',
      () => caseSummary({}, { signer: pki().invalid.revoked }).raw,
      'signer_revoked',
      '5.7.7',
    ],
    [
      'the signer certificate is expired',
      () => caseSummary({}, { signer: pki().invalid.expired }).raw,
      'signer_expired',
      '5.7.7',
    ],
    [
      'the signer certificate is trusted but registered for no agency',
      () => caseSummary({}, { signer: pki().rsa }).raw,
      'signer_not_registered',
      '5.7.1',
    ],
    [
      'a binding header is missing inside the signature',
      () => caseSummary({ 'X-Brucke-Sender': null }).raw,
      'binding_header_missing',
      '5.7.1',
    ],
  ]
  const pki = () => relayPki.pki

  it.each(refusals)(
    'when %s, then DATA is refused with 554 and the reason, and nothing is kept',
    async (_what, make, reason, enhanced) => {
      const before = (await items()).length
      const answer = await deliver(make())
      expect(answer).toMatchObject({ ok: false, code: 554 })
      expect(answer.response).toContain(enhanced)
      expect(answer.response).toContain(reason)
      expect((await items()).length).toBe(before)
      expect(await refusalsAudited(reason)).toBeGreaterThan(0)
    },
  )

  it('when an outer header disagrees with the signed one, then it is refused', async () => {
    const headers = bindingHeadersFor()
    const sealed = sealedTestMessage({
      headers,
      signer: signerOf(identity('jc-demo')),
      recipient: recipientOf('ja-demo', jaMailbox),
      contentEncryption: 'aes-256-cbc',
      at: t.clock.now(),
    })
    const raw = Buffer.from(
      sealed
        .toString('latin1')
        .replace('MIME-Version: 1.0\r\n', 'MIME-Version: 1.0\r\nX-Brucke-Sender: aa-demo\r\n'),
      'latin1',
    )
    const answer = await deliver(raw)
    expect(answer).toMatchObject({ ok: false, code: 554 })
    expect(answer.response).toContain('header_mismatch')
  })

  it('when the signer certificate of the sending agency was withdrawn here, then it is refused', async () => {
    const { raw } = caseSummary({}, { signer: identity('aa-demo') })
    // aa-demo signs as itself to ja-demo, then its certificate is withdrawn.
    const own = sealedTestMessage({
      headers: bindingHeadersFor({ 'X-Brucke-Sender': 'aa-demo' }),
      signer: signerOf(identity('aa-demo')),
      recipient: recipientOf('ja-demo', jaMailbox),
      contentEncryption: 'aes-256-cbc',
      at: t.clock.now(),
    })
    expect(raw.length).toBeGreaterThan(0)
    const fingerprint = (
      await t.deps.db
        .selectFrom('agency_certificates')
        .select('id')
        .where('agency_id', '=', 'aa-demo')
        .executeTakeFirstOrThrow()
    ).id
    await t.deps.db
      .updateTable('agency_certificates')
      .set({ status: 'revoked' })
      .where('id', '=', fingerprint)
      .execute()
    try {
      const answer = await deliver(own)
      expect(answer).toMatchObject({ ok: false, code: 554 })
      expect(answer.response).toContain('signer_revoked')
    } finally {
      await t.deps.db
        .updateTable('agency_certificates')
        .set({ status: 'active' })
        .where('id', '=', fingerprint)
        .execute()
    }
  })

  it.each([
    ['-aes-256-cbc', 'EnvelopedData'],
    ['-aes-256-gcm', 'AuthEnvelopedData'],
  ])(
    'when openssl cms -sign then -encrypt %s made the message, then it is received the same way',
    async (cipher) => {
      const work = mkdtempSync(join(tmpdir(), 'brucke-inbound-openssl-'))
      const jc = identity('jc-demo')
      const ja = identity('ja-demo')
      writeFileSync(join(work, 'jc.key.pem'), jc.privateKeyPem)
      writeFileSync(join(work, 'jc.cert.pem'), jc.certificatePem)
      writeFileSync(join(work, 'ja.cert.pem'), ja.certificatePem)
      const headers = bindingHeadersFor()
      const entity = innerEntity(headers)
      const signed = opensslSync(
        [
          'cms',
          '-sign',
          '-signer',
          join(work, 'jc.cert.pem'),
          '-inkey',
          join(work, 'jc.key.pem'),
          '-md',
          'sha256',
          '-binary',
          '-nodetach',
        ],
        entity,
      )
      const encrypted = opensslSync(
        ['cms', '-encrypt', '-binary', cipher, join(work, 'ja.cert.pem')],
        signed,
      )
      const raw = outerMessage(encrypted, {
        from: 'u25@jc-demo.example',
        to: jaMailbox,
        messageId: headers['Message-ID']!,
      })
      const answer = await deliver(raw)
      expect(answer).toMatchObject({ ok: true })
      expect((await items()).find((i) => i.message_id === headers['Message-ID'])).toMatchObject({
        status: 'received',
        sender_agency_id: 'jc-demo',
      })
    },
  )

  it('when the signer certificate was retired by a key rollover before now, then it is refused', async () => {
    const { raw } = caseSummary()
    const retireAt = new Date(t.clock.now().getTime() - 60_000).toISOString()
    await t.deps.db
      .updateTable('agency_certificates')
      .set({ retire_at: retireAt })
      .where('agency_id', '=', 'jc-demo')
      .execute()
    try {
      const answer = await deliver(raw)
      expect(answer).toMatchObject({ ok: false, code: 554 })
      expect(answer.response).toContain('signer_retired')
    } finally {
      await t.deps.db
        .updateTable('agency_certificates')
        .set({ retire_at: null })
        .where('agency_id', '=', 'jc-demo')
        .execute()
    }
  })

  it('when the recipient rolled over to a new certificate, then mail encrypted to the old one and to the new one is read', async () => {
    const fresh = await relayPki.pki.issue({ name: 'ja-demo-2', email: jaMailbox })
    await importAgencyCertificate(t.deps, {
      actor: 'system',
      agencyId: 'ja-demo',
      source: {
        kind: 'certificate',
        certificate: Buffer.from(fresh.certificatePem),
        key: Buffer.from(fresh.privateKeyPem),
      },
    })
    const toOld = caseSummary()
    const headers = bindingHeadersFor()
    const toNew = sealedTestMessage({
      headers,
      signer: signerOf(identity('jc-demo')),
      recipient: { certificate: fresh.certificateDer, mailbox: jaMailbox },
      contentEncryption: 'aes-256-gcm',
      at: t.clock.now(),
    })
    expect(await deliver(toOld.raw)).toMatchObject({ ok: true })
    expect(await deliver(toNew)).toMatchObject({ ok: true })
  })
})
