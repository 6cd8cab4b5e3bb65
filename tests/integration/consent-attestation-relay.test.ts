import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  attestationCoversTransfer,
  buildConsentAttestation,
} from '../../consent/consent-attestation.ts'
import { findConsent } from '../../db/consent-repository.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { readAttestation } from '../../gateway/relay/attestation-part.ts'
import { runDeliveryRound, type DeliveryContext } from '../../gateway/relay/delivery-worker.ts'
import { seedAccounts } from '../support/accounts.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import {
  createRelayPki,
  opensslSync,
  registerRelayPki,
  testDeliveryContext,
  type RelayPki,
} from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const subject = { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' }

const transferBody = (consentId: string, overrides: Record<string, unknown> = {}) => ({
  consentId,
  to: 'ja-demo',
  purpose: 'hilfeplanung',
  necessity: 'Abstimmung des Kooperationsplans mit dem Hilfeplan vor dem Gespräch am 10.03.',
  sections: [
    { category: 'schule', title: 'Schulische Situation', body: 'Abschluss angestrebt.' },
    { category: 'berufswahl', title: 'Berufswahl', body: 'Praktikum im Einzelhandel geplant.' },
  ],
  ...overrides,
})

/** The top-level headers of a MIME entity, unfolded, by lower-case name. */
function topHeaders(entity: Buffer): Map<string, string> {
  const text = entity.toString('latin1')
  const head = text.slice(0, text.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ')
  const headers = new Map<string, string>()
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  return headers
}

describe.each(dialects)('consent attestation inside the signed message on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let relayPki: RelayPki
  let smtp: SmtpCapture
  let ctx: DeliveryContext
  let work: string

  beforeAll(async () => {
    relayPki = await createRelayPki()
    smtp = await startSmtpCapture()
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    await registerRelayPki(t.deps, relayPki)
    server = await startTestServer(t.deps)
    ctx = testDeliveryContext(t.deps, smtp.url)
    work = mkdtempSync(join(tmpdir(), 'brucke-attestation-'))
    writeFileSync(join(work, 'ja.key.pem'), relayPki.identities['ja-demo']!.privateKeyPem)
    writeFileSync(join(work, 'ja.cert.pem'), relayPki.identities['ja-demo']!.certificatePem)
    writeFileSync(join(work, 'ca.pem'), relayPki.pki.ca.certificatePem)
  }, 120_000)
  afterAll(async () => {
    ctx.mailer.close()
    await server.close()
    await smtp.close()
    await t.close()
  })
  beforeEach(async () => {
    smtp.mode = 'accept'
    smtp.messages.length = 0
    await smtp.up()
  })

  async function token(userId: 'staff-jc' | 'staff-ja' | 'kiosk-jc'): Promise<string> {
    const [role, agencyId] = (
      {
        'staff-jc': ['staff', 'jc-demo'],
        'staff-ja': ['staff', 'ja-demo'],
        'kiosk-jc': ['kiosk', 'jc-demo'],
      } as const
    )[userId]
    const issued = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId,
      role,
      agencyId,
      now: t.clock.now(),
      ttlMinutes: 60,
    })
    return issued.token
  }

  async function activeConsent(): Promise<string> {
    return signedEinwilligung(server, {
      staffToken: await token('staff-jc'),
      kioskToken: await token('kiosk-jc'),
      subject,
      purpose: 'hilfeplanung',
      categories: ['schule', 'berufswahl', 'hilfeplan'],
    })
  }

  async function drain(): Promise<void> {
    while ((await runDeliveryRound(ctx)) > 0) {
      /* until nothing is due */
    }
  }

  /** The Jugendamt's side with openssl: decrypt to the signed S/MIME message. */
  function decryptAtJugendamt(raw: Buffer): Buffer {
    return opensslSync(
      [
        'cms',
        '-decrypt',
        '-inform',
        'SMIME',
        '-recip',
        join(work, 'ja.cert.pem'),
        '-inkey',
        join(work, 'ja.key.pem'),
      ],
      raw,
    )
  }

  /** Verifies the signature against the CA; its output is exactly the signed content. */
  function verified(signed: Buffer): Buffer {
    return opensslSync(
      ['cms', '-verify', '-inform', 'SMIME', '-CAfile', join(work, 'ca.pem'), '-purpose', 'any'],
      signed,
    )
  }

  it('when a transfer is delivered, then its signed content carries the attestation of the consent, bound by the signed hash, and it covers the transfer', async () => {
    const consentId = await activeConsent()
    const sent = await server.api('POST', '/transfers', {
      token: await token('staff-jc'),
      body: transferBody(consentId),
    })
    expect(sent.status, JSON.stringify(sent.body)).toBe(202)
    await drain()
    expect(smtp.messages).toHaveLength(1)
    const inner = verified(decryptAtJugendamt(smtp.messages[0]!.raw))

    const read = readAttestation(inner)
    if (!read.ok) throw new Error(`attestation not read: ${read.reason}`)
    const headers = topHeaders(inner)
    expect(headers.get('x-brucke-consent-attestation-sha256')).toBe(read.sha256)
    const stored = await findConsent(t.deps.db, consentId)
    const { attestation } = read
    // What the consent store says, as of the instant the message was composed.
    expect(attestation).toEqual(
      buildConsentAttestation(stored!.consent, new Date(attestation.issuedAt)),
    )
    expect(attestation).toMatchObject({
      consentId,
      kind: 'einwilligung',
      text: { sha256: headers.get('x-brucke-consent-text-sha256') },
      signatories: [{ role: 'youth', method: 'kiosk_drawn' }],
      senders: ['jc-demo'],
      recipients: ['ja-demo'],
      purposes: ['hilfeplanung'],
      categories: ['schule', 'berufswahl', 'hilfeplan'],
      status: 'active',
    })
    // The receiver's check against the signed binding headers.
    expect(
      attestationCoversTransfer(attestation, {
        sender: headers.get('x-brucke-sender')!,
        recipient: headers.get('x-brucke-recipient')!,
        purpose: headers.get('x-brucke-purpose')!,
        categories: headers.get('x-brucke-categories')!.split(/,\s*/),
        at: new Date(headers.get('date')!),
      }),
    ).toEqual({ ok: true })
    const json = JSON.stringify(attestation)
    expect(json).not.toContain('Quastenberg')
    expect(json).not.toContain('Leonie')
  })

  it('when the attestation in a signed message is changed, then the signature fails, and the hash check catches it even without the signature', async () => {
    const consentId = await activeConsent()
    await server.api('POST', '/transfers', {
      token: await token('staff-jc'),
      body: transferBody(consentId),
    })
    await drain()
    const signed = decryptAtJugendamt(smtp.messages[0]!.raw).toString('latin1')
    const inner = verified(Buffer.from(signed, 'latin1')).toString('latin1')
    const read = readAttestation(Buffer.from(inner, 'latin1'))
    if (!read.ok) throw new Error(read.reason)
    const original = Buffer.from(JSON.stringify(read.attestation)).toString('base64')
    const widened = Buffer.from(
      JSON.stringify({
        ...read.attestation,
        categories: [...read.attestation.categories, 'sucht'],
      }),
    ).toString('base64')
    // The composer wraps base64 at 76 characters; find the part's body by its first line.
    const firstLine = original.slice(0, 76)
    expect(signed).toContain(firstLine)
    const partBody = new RegExp(
      `${firstLine.replace(/[+/]/g, '\\$&')}[A-Za-z0-9+/=\\r\\n]*?(?=\\r\\n--)`,
    )
    const tamperedSigned = signed.replace(partBody, widened.replace(/(.{76})/g, '$1\r\n'))
    expect(tamperedSigned).not.toBe(signed)
    expect(() => verified(Buffer.from(tamperedSigned, 'latin1'))).toThrow()
    // A receiver that read the content without the signature still sees the hash mismatch.
    const tamperedInner = inner.replace(partBody, widened.replace(/(.{76})/g, '$1\r\n'))
    expect(readAttestation(Buffer.from(tamperedInner, 'latin1'))).toEqual({
      ok: false,
      reason: 'attestation_hash_mismatch',
    })
  })

  it('when a data request is answered, then the answer carries the attestation too', async () => {
    const consentId = await activeConsent()
    const asked = await server.api('POST', '/requests', {
      token: await token('staff-ja'),
      body: { consentId, from: 'jc-demo', purpose: 'hilfeplanung', categories: ['schule'] },
    })
    expect(asked.status, JSON.stringify(asked.body)).toBe(201)
    const sent = await server.api('POST', '/transfers', {
      token: await token('staff-jc'),
      body: transferBody(consentId, {
        requestId: (asked.body as { id: string }).id,
        sections: [{ category: 'schule', title: 'Schule', body: 'Abschluss erwartet.' }],
      }),
    })
    expect(sent.status, JSON.stringify(sent.body)).toBe(202)
    await drain()
    const read = readAttestation(verified(decryptAtJugendamt(smtp.messages[0]!.raw)))
    expect(read).toMatchObject({ ok: true, attestation: { consentId, status: 'active' } })
  })

  it('when the consent is revoked after delivery, then the notice carries the attestation saying so, and it covers no further transfer', async () => {
    const consentId = await activeConsent()
    await server.api('POST', '/transfers', {
      token: await token('staff-jc'),
      body: transferBody(consentId),
    })
    await drain()
    t.clock.advance(60_000)
    const revoked = await server.api('POST', `/consents/${consentId}/revocation`, {
      token: await token('staff-jc'),
      body: { channel: 'staff' },
    })
    expect(revoked.status).toBe(200)
    await drain()
    await drain()
    expect(smtp.messages).toHaveLength(2)
    const inner = verified(decryptAtJugendamt(smtp.messages[1]!.raw))
    expect(topHeaders(inner).get('x-brucke-notice')).toBe('consent-revoked')
    const read = readAttestation(inner)
    if (!read.ok) throw new Error(read.reason)
    expect(read.attestation).toMatchObject({ consentId, status: 'revoked' })
    expect(
      attestationCoversTransfer(read.attestation, {
        sender: 'jc-demo',
        recipient: 'ja-demo',
        purpose: 'hilfeplanung',
        categories: ['schule'],
        at: t.clock.now(),
      }),
    ).toEqual({ ok: false, reasons: ['consent_revoked'] })
  })
})
