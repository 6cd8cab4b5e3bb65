import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgencyKeyring, SignerLookup } from '../../gateway/relay/ports.ts'
import { seedAccounts } from '../support/accounts.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createRelayPki, registerRelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const transferBody = (consentId: string) => ({
  consentId,
  to: 'ja-demo',
  purpose: 'hilfeplanung',
  necessity: 'Abstimmung des Kooperationsplans mit dem Hilfeplan.',
  sections: [{ category: 'schule', title: 'Schule', body: 'Abschluss im Sommer erwartet.' }],
})

/**
 * Issue 16, point 8: the dry run (`POST /decisions`) gives the same answer as the transfer
 * (`POST /transfers`) for every certificate cause — each side is asked of a gateway whose keyring
 * reports that cause, over the real registry for everything else. The recipient's cause is a deny
 * reason on both; the sender's is the transfer's 409 whose `details.reason` is the dry run's reason.
 */
describe.each(dialects)('dry run and transfer answer alike, on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>
  let consentId: string

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    await registerRelayPki(t.deps, await createRelayPki())
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

  /** Asks both questions of a gateway whose keyring answers `keyring`. */
  async function askBoth(keyring: AgencyKeyring) {
    const gateway = await startTestServer({ ...t.deps, relay: { ...t.deps.relay, keyring } })
    try {
      const dryRun = await gateway.api('POST', '/decisions', {
        token: tokens['staff-jc'],
        body: { consentId, to: 'ja-demo', purpose: 'hilfeplanung', categories: ['schule'] },
      })
      expect(dryRun.status, JSON.stringify(dryRun.body)).toBe(200)
      const transfer = await gateway.api('POST', '/transfers', {
        token: tokens['staff-jc'],
        body: transferBody(consentId),
      })
      return { dryRun: dryRun.body as { decision: string; reasons: string[] }, transfer }
    } finally {
      await gateway.close()
    }
  }

  const real = () => t.deps.relay.keyring

  it('when both certificates are good, then both permit', async () => {
    const { dryRun, transfer } = await askBoth(real())
    expect(dryRun).toEqual({ decision: 'permit', reasons: [] })
    expect(transfer.status).toBe(202)
  })

  it.each([
    ['revoked', 'ERR_CERT_REVOKED', 'recipient_certificate_revoked'],
    ['expired', 'ERR_CERT_EXPIRED', 'recipient_certificate_expired'],
    ['untrusted', 'ERR_CERT_UNTRUSTED', 'recipient_certificate_untrusted'],
    ['without a current CRL', 'ERR_CERT_CRL_EXPIRED', 'recipient_certificate_untrusted'],
    ['naming another mailbox', 'ERR_CERT_EMAIL_MISMATCH', 'recipient_certificate_invalid'],
    ['missing', undefined, 'recipient_certificate_missing'],
  ])(
    'when the recipient certificate is %s, then the dry run and the transfer both deny with the same reason',
    async (_cause, code, reason) => {
      const keyring: AgencyKeyring = {
        signer: (agencyId, at) => real().signer(agencyId, at),
        recipient: async (agencyId, at) => {
          if (code === undefined) return undefined
          const identity = await real().recipient(agencyId, at)
          return identity && { ...identity, check: { ok: false, code } }
        },
      }
      const { dryRun, transfer } = await askBoth(keyring)
      expect(dryRun).toEqual({ decision: 'deny', reasons: [reason] })
      expect(transfer.status).toBe(403)
      expect(transfer.body).toMatchObject({
        error: { code: 'transfer_denied', details: { reasons: dryRun.reasons } },
      })
    },
  )

  it.each<[string, SignerLookup, string, string]>([
    [
      'revoked',
      { ok: false, problem: 'certificate_invalid', certificateCode: 'ERR_CERT_REVOKED' },
      'ERR_RELAY_SENDER_CERTIFICATE_INVALID',
      'sender_certificate_revoked',
    ],
    [
      'expired',
      { ok: false, problem: 'certificate_invalid', certificateCode: 'ERR_CERT_EXPIRED' },
      'ERR_RELAY_SENDER_CERTIFICATE_INVALID',
      'sender_certificate_expired',
    ],
    [
      'untrusted',
      { ok: false, problem: 'certificate_invalid', certificateCode: 'ERR_CERT_UNTRUSTED' },
      'ERR_RELAY_SENDER_CERTIFICATE_INVALID',
      'sender_certificate_untrusted',
    ],
    [
      'missing',
      { ok: false, problem: 'certificate_missing' },
      'ERR_RELAY_SENDER_CERTIFICATE_MISSING',
      'sender_certificate_missing',
    ],
    [
      'without its key',
      { ok: false, problem: 'key_missing' },
      'ERR_RELAY_SENDER_KEY_MISSING',
      'sender_key_missing',
    ],
  ])(
    'when the sender certificate is %s, then the dry run denies with the reason the transfer names in its 409',
    async (_cause, lookup, errorCode, reason) => {
      const keyring: AgencyKeyring = {
        signer: () => Promise.resolve(lookup),
        recipient: (agencyId, at) => real().recipient(agencyId, at),
      }
      const { dryRun, transfer } = await askBoth(keyring)
      expect(dryRun).toEqual({ decision: 'deny', reasons: [reason] })
      expect(transfer.status).toBe(409)
      expect(transfer.body).toMatchObject({ error: { code: errorCode, details: { reason } } })
    },
  )
})
