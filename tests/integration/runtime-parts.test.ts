import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../accounts/roles.ts'
import type { Deps } from '../../gateway/deps.ts'
import { wipeKiosk } from '../../gateway/kiosk/kiosk-service.ts'
import { createKioskSummaryStore } from '../../gateway/kiosk/kiosk-summaries.ts'
import { createOutboxSignal } from '../../gateway/relay/outbox-signal.ts'
import type { AgencyKeyring } from '../../gateway/relay/ports.ts'
import { summarySha256Of } from '../../gateway/relay/transfer-service.ts'
import { seedAccounts } from '../support/accounts.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createRelayPki, registerRelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const kiosk: Principal = {
  userId: 'kiosk-jc',
  role: 'kiosk',
  agencyId: 'jc-demo',
  allAgencies: false,
  via: 'session',
}

const transferBody = (consentId: string) => ({
  consentId,
  to: 'ja-demo',
  purpose: 'hilfeplanung',
  necessity: 'Abstimmung des Kooperationsplans mit dem Hilfeplan.',
  sections: [{ category: 'schule', title: 'Schule', body: 'Abschluss im Sommer erwartet.' }],
})

/**
 * The keyring, the outbox signal and the kiosk summaries are parts of one running gateway, handed
 * over in `Deps` (gateway/runtime-parts.ts) — not found through a module-level map. A second
 * gateway over the same database with parts of its own uses those and only those.
 */
describe.each(dialects)('runtime parts passed in Deps on %s', (dialect) => {
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
      subject: { givenName: 'Mira', familyName: 'Olszewski', birthDate: '2006-02-14' },
      purpose: 'hilfeplanung',
      categories: ['schule'],
    })
  }, 120_000)
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  /** A second gateway over the same database, with the parts the test brings. */
  async function gatewayWith(parts: Partial<Pick<Deps, 'relay' | 'kioskSummaries'>>) {
    return startTestServer({ ...t.deps, ...parts })
  }

  it('when a gateway is given its own keyring, then submissions look certificates up there, not in the registry', async () => {
    const asked: string[] = []
    // Knows the sender's key but no recipient certificate at all.
    const keyring: AgencyKeyring = {
      signer: (agencyId, at) => {
        asked.push(`signer ${agencyId}`)
        return t.deps.relay.keyring.signer(agencyId, at)
      },
      recipient: (agencyId) => {
        asked.push(`recipient ${agencyId}`)
        return Promise.resolve(undefined)
      },
    }
    const own = await gatewayWith({ relay: { ...t.deps.relay, keyring } })
    try {
      const denied = await own.api('POST', '/transfers', {
        token: tokens['staff-jc'],
        body: transferBody(consentId),
      })
      expect(denied.status).toBe(403)
      expect(JSON.stringify(denied.body)).toContain('recipient_certificate_missing')
      // Both certificates are looked up once, as the dry run does (certificate-conditions.ts).
      expect(asked).toEqual(['recipient ja-demo', 'signer jc-demo'])
      // The registry has the certificate: the gateway built with the default parts sends.
      const sent = await server.api('POST', '/transfers', {
        token: tokens['staff-jc'],
        body: transferBody(consentId),
      })
      expect(sent.status, JSON.stringify(sent.body)).toBe(202)
      expect(asked).toEqual(['recipient ja-demo', 'signer jc-demo'])
    } finally {
      await own.close()
    }
  })

  it("when a gateway is given its own outbox signal, then a transfer queued through it wakes that signal's listeners only", async () => {
    const outbox = createOutboxSignal()
    let ownWakes = 0
    let defaultWakes = 0
    const stopOwn = outbox.onQueued(() => ownWakes++)
    const stopDefault = t.deps.relay.outbox.onQueued(() => defaultWakes++)
    const own = await gatewayWith({ relay: { ...t.deps.relay, outbox } })
    try {
      const sent = await own.api('POST', '/transfers', {
        token: tokens['staff-jc'],
        body: transferBody(consentId),
      })
      expect(sent.status, JSON.stringify(sent.body)).toBe(202)
      expect([ownWakes, defaultWakes]).toEqual([1, 0])
    } finally {
      stopOwn()
      stopDefault()
      await own.close()
    }
  })

  it('when a gateway is given its own kiosk summary store, then a pushed summary is held there only, and the wipe drops it', async () => {
    const sections = [
      { category: 'berufswahl', title: 'Beratungsvermerk', body: 'Wunsch: Ausbildung.' },
    ]
    const created = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['uebergabe'],
        categories: ['berufswahl'],
        validUntil: '2026-06-30',
        summarySha256: summarySha256Of(sections, []),
      },
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const id = (created.body as { id: string }).id
    const kioskSummaries = createKioskSummaryStore()
    const own = await gatewayWith({ kioskSummaries })
    try {
      const pushed = await own.api('POST', '/kiosks/kiosk-jc/push', {
        token: tokens['staff-jc'],
        body: { consentId: id, summary: { sections } },
      })
      expect(pushed.status, JSON.stringify(pushed.body)).toBe(200)
      expect(kioskSummaries.onKiosk('kiosk-jc', id)).toEqual({ sections })
      expect(t.deps.kioskSummaries.onKiosk('kiosk-jc', id)).toBeUndefined()
      await wipeKiosk({ ...t.deps, kioskSummaries }, kiosk)
      expect(kioskSummaries.onKiosk('kiosk-jc', id)).toBeUndefined()
    } finally {
      await own.close()
    }
  })
})
