import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { drawnSignature } from '../support/signature-evidence.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

// Requests that race for the same row: on PostgreSQL they run in parallel transactions (the
// pool has ten connections), so a check-then-insert can lose; the loser must get a clear 4xx
// or succeed, never a 500.

const draftBody = (familyName: string) => ({
  kind: 'einwilligung',
  subject: { givenName: 'Mira', familyName, birthDate: '2004-08-15' },
  senders: ['jc-demo'],
  recipients: ['ja-demo'],
  purposes: ['hilfeplanung'],
  categories: ['schule'],
  validUntil: '2026-12-31',
})

describe.each(dialects)('racing consent requests on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  it('when the same new young person gets several consents at once, then every one is created', async () => {
    for (let round = 0; round < 5; round += 1) {
      const body = draftBody(`Gleichzeitig${round}`)
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          server.api('POST', '/consents', { token: tokens['staff-jc'], body }),
        ),
      )
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201])
      const pseudonyms = new Set(
        results.map((r) => (r.body as { subjectPseudonym: string }).subjectPseudonym),
      )
      expect(pseudonyms.size).toBe(1)
    }
  })

  it('when the same signatory signs twice at once, then one signature counts and the other is refused as already signed', async () => {
    for (let round = 0; round < 5; round += 1) {
      const draft = await server.api('POST', '/consents', {
        token: tokens['staff-jc'],
        body: draftBody(`Doppelt${round}`),
      })
      const { id, kioskCode } = draft.body as { id: string; kioskCode: string }
      // The kiosk's flow: pick the draft up and display its text, then the taps race.
      await server.api('GET', `/consents/pickup/${kioskCode}`, { token: tokens['kiosk-jc'] })
      await server.api('GET', `/consents/${id}/text`, { token: tokens['kiosk-jc'] })
      const evidence = drawnSignature()
      const sign = () =>
        server.api('POST', `/consents/${id}/signatures`, {
          token: tokens['kiosk-jc'],
          body: { role: 'youth', name: 'Mira Doppelt', method: 'kiosk_drawn', evidence },
        })
      const results = await Promise.all([sign(), sign(), sign()])
      const statuses = results.map((r) => r.status).sort()
      expect(statuses).toEqual([200, 409, 409])
      const refused = results.filter((r) => r.status === 409)
      // Already signed, or — once the one required signature made it active — no longer a draft.
      for (const r of refused)
        expect(['ERR_CONSENT_ALREADY_SIGNED', 'ERR_CONSENT_NOT_DRAFT']).toContain(
          (r.body as { error: { code: string } }).error.code,
        )
    }
  })
})
