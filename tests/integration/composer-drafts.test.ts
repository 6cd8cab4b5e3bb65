import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { deleteConsentRecords } from '../../db/consent-erasure-repository.ts'
import { issueApiToken } from '../../gateway/accounts/issue-api-token.ts'
import { purgeExpiredData } from '../../gateway/audit/purge-retention.ts'
import { seedAccounts, addTestAccount } from '../support/accounts.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/** A string that may appear only inside the sealed draft. */
const marker = 'REIHER-7731-Kooperationsplan'

describe.each(dialects)('composer drafts on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>
  let consentId: string

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    tokens['staff-jc-2'] = await addTestAccount(t.deps, {
      id: 'staff-jc-2',
      role: 'staff',
      agencyId: 'jc-demo',
    })
    server = await startTestServer(t.deps)
    consentId = await signedEinwilligung(server, {
      staffToken: tokens['staff-jc']!,
      kioskToken: tokens['kiosk-jc']!,
      subject: { givenName: 'Mila', familyName: 'Sandhagen', birthDate: '2004-02-01' },
      purpose: 'hilfeplanung',
      categories: ['schule'],
    })
  })
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  const content = (name: string, body: string) => ({
    name,
    to: 'ja-demo',
    purpose: 'hilfeplanung',
    form: 'uebergabebogen',
    necessity: 'Abstimmung vor dem Hilfeplangespräch.',
    sections: [{ category: 'schule', title: 'Schule', body }],
  })

  it('when the author saves, changes and reopens a draft, then only sealed bytes are stored and the content comes back', async () => {
    const created = await server.api('POST', '/composer-drafts', {
      token: tokens['staff-jc'],
      body: { consentId, ...content('Übergabe Jugendamt', `Erster Stand ${marker}`) },
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const id = (created.body as { id: string }).id
    const stored = await t.deps.db
      .selectFrom('composer_drafts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(JSON.stringify(stored)).not.toContain(marker)
    expect(JSON.stringify(stored)).not.toContain('Übergabe Jugendamt')
    expect(stored).toMatchObject({ author_user_id: 'staff-jc', consent_id: consentId })

    const saved = await server.api('PUT', `/composer-drafts/${id}`, {
      token: tokens['staff-jc'],
      body: content('Übergabe Jugendamt', `Zweiter Stand ${marker}`),
    })
    expect(saved.status).toBe(200)
    const opened = await server.api('GET', `/composer-drafts/${id}`, { token: tokens['staff-jc'] })
    expect(opened.status).toBe(200)
    expect(opened.body).toMatchObject({
      id,
      consentId,
      name: 'Übergabe Jugendamt',
      content: { sections: [{ body: `Zweiter Stand ${marker}` }] },
    })
    const listed = await server.api('GET', `/composer-drafts?consentId=${consentId}`, {
      token: tokens['staff-jc'],
    })
    expect(listed.body).toMatchObject({ drafts: [{ id, name: 'Übergabe Jugendamt' }] })
  })

  it('when anyone but the author asks for the draft, then it is not found, and their lists are empty', async () => {
    const created = await server.api('POST', '/composer-drafts', {
      token: tokens['staff-jc'],
      body: { consentId, ...content('Nur für mich', marker) },
    })
    const id = (created.body as { id: string }).id
    for (const who of ['staff-jc-2', 'staff-ja', 'staff-aa']) {
      for (const [method, body] of [
        ['GET', undefined],
        ['PUT', content('übernommen', 'x')],
        ['DELETE', undefined],
      ] as const) {
        const res = await server.api(method, `/composer-drafts/${id}`, { token: tokens[who], body })
        expect(res.status, `${method} as ${who}`).toBe(404)
        expect(JSON.stringify(res.body)).not.toContain(marker)
      }
      const list = await server.api('GET', `/composer-drafts?consentId=${consentId}`, {
        token: tokens[who],
      })
      expect(list.body).toEqual({ drafts: [] })
    }
    for (const who of ['dpo-jc', 'dpo-all', 'admin', 'kiosk-jc']) {
      const res = await server.api('GET', `/composer-drafts/${id}`, { token: tokens[who] })
      expect(res.status, who).toBe(403)
    }
    // Still there and unchanged for its author.
    const mine = await server.api('GET', `/composer-drafts/${id}`, { token: tokens['staff-jc'] })
    expect(mine.body).toMatchObject({ name: 'Nur für mich' })
    expect(
      (await server.api('DELETE', `/composer-drafts/${id}`, { token: tokens['staff-jc'] })).status,
    ).toBe(200)
    expect(
      (await server.api('GET', `/composer-drafts/${id}`, { token: tokens['staff-jc'] })).status,
    ).toBe(404)
  })

  it('when another agency’s staff save a draft under a consent they are no party to, then the consent is not found', async () => {
    const res = await server.api('POST', '/composer-drafts', {
      token: tokens['staff-aa'],
      body: { consentId, ...content('fremd', 'x') },
    })
    expect(res.status).toBe(404)
    expect(
      await t.deps.db
        .selectFrom('composer_drafts')
        .select('id')
        .where('author_user_id', '=', 'staff-aa')
        .execute(),
    ).toEqual([])
  })

  it('when the sealed value is moved into another row, then it does not open there', async () => {
    const a = await server.api('POST', '/composer-drafts', {
      token: tokens['staff-jc'],
      body: { consentId, ...content('A', 'a') },
    })
    const b = await server.api('POST', '/composer-drafts', {
      token: tokens['staff-jc'],
      body: { consentId, ...content('B', 'b') },
    })
    const idA = (a.body as { id: string }).id
    const idB = (b.body as { id: string }).id
    const rowA = await t.deps.db
      .selectFrom('composer_drafts')
      .select('sealed')
      .where('id', '=', idA)
      .executeTakeFirstOrThrow()
    await t.deps.db
      .updateTable('composer_drafts')
      .set({ sealed: rowA.sealed })
      .where('id', '=', idB)
      .execute()
    const res = await server.api('GET', `/composer-drafts/${idB}`, { token: tokens['staff-jc'] })
    expect(res.status).toBe(500)
    expect(JSON.stringify(res.body)).not.toContain('"a"')
  })

  it('when its consent is erased by retention, then the drafts under it go with it', async () => {
    const other = await signedEinwilligung(server, {
      staffToken: tokens['staff-jc']!,
      kioskToken: tokens['kiosk-jc']!,
      subject: { givenName: 'Timo', familyName: 'Wellershoff', birthDate: '2003-07-14' },
      purpose: 'hilfeplanung',
      categories: ['schule'],
    })
    const created = await server.api('POST', '/composer-drafts', {
      token: tokens['staff-jc'],
      body: { consentId: other, ...content('Vor dem Löschen', 'x') },
    })
    expect(created.status).toBe(201)
    await t.deps.db.transaction().execute((trx) => deleteConsentRecords(trx, [other]))
    expect(
      await t.deps.db
        .selectFrom('composer_drafts')
        .select('id')
        .where('consent_id', '=', other)
        .execute(),
    ).toEqual([])
  })

  // Moves the test clock: last in this file.
  it('when a draft was last changed more than COMPOSER_DRAFT_RETENTION_DAYS ago, then the retention purge deletes it and counts it; a draft changed since stays', async () => {
    const dayMs = 86_400_000
    const days = t.deps.config.composerDraftRetentionDays
    const old = await server.api('POST', '/composer-drafts', {
      token: tokens['staff-jc'],
      body: { consentId, ...content('Alt', 'alt') },
    })
    expect(old.status).toBe(201)
    t.clock.advance((days - 5) * dayMs)
    // The seeded token has expired by now: a fresh one, as the caseworker would log in again.
    const { token } = await issueApiToken(t.deps, { actor: 'system', userId: 'staff-jc' })
    const recent = await server.api('POST', '/composer-drafts', {
      token,
      body: { consentId, ...content('Neu', 'neu') },
    })
    expect(recent.status).toBe(201)
    t.clock.advance(6 * dayMs)
    const rows = () =>
      t.deps.db.selectFrom('composer_drafts').select(['id', 'updated_at']).execute()
    const cutoff = new Date(t.clock.now().getTime() - days * dayMs).toISOString()
    const before = await rows()
    const expired = before.filter((r) => r.updated_at < cutoff).map((r) => r.id)
    expect(expired).toContain((old.body as { id: string }).id)

    const outcome = await purgeExpiredData(t.deps)
    expect(outcome.composerDraftsPurged).toBe(expired.length)
    const after = (await rows()).map((r) => r.id)
    expect(after).toContain((recent.body as { id: string }).id)
    for (const id of expired) expect(after).not.toContain(id)
    const [entry] = (await listAuditEntries(t.deps.db, { limit: 1000 }))
      .filter((e) => e.event.type === 'retention_purged')
      .slice(-1)
    expect(entry?.event).toMatchObject({ composerDraftsPurged: expired.length })
  })
})
