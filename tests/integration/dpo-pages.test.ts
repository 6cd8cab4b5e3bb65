import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendAuditEvent, listAuditEntries } from '../../db/audit-repository.ts'
import { writeCheckpoint } from '../../gateway/audit/write-checkpoint.ts'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { expiringSubject, seedDpoScenario, type DpoScenario } from './dpo-fixtures.ts'

/** Hrefs of the log table's entry links, in page order. */
function entryNumbers(page: string): number[] {
  return [...page.matchAll(/href="\/dpo\/entries\/(\d+)"/g)].map((m) => Number(m[1]))
}

function decode(text: string): string {
  return text.replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"')
}

describe.each(dialects)('DPO pages on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let scenario: DpoScenario
  let all: { cookie: string; csrfToken: string }
  let scoped: { cookie: string; csrfToken: string }

  async function get(path: string, session = all): Promise<{ status: number; text: string }> {
    const res = await fetch(server.url + path, {
      headers: { cookie: session.cookie },
      redirect: 'manual',
    })
    return { status: res.status, text: await res.text() }
  }

  async function post(path: string, fields: Record<string, string>, session = all) {
    const res = await fetch(server.url + path, {
      method: 'POST',
      headers: {
        cookie: session.cookie,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: session.csrfToken, ...fields }).toString(),
      redirect: 'manual',
    })
    return { status: res.status, text: await res.text(), location: res.headers.get('location') }
  }

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    const { tokens } = await seedAccounts(t.deps)
    server = await startTestServer(t.deps)
    scenario = await seedDpoScenario(server, t.deps, t.clock, tokens)
    all = await sessionFor(t.deps, 'dpo-all')
    scoped = await sessionFor(t.deps, 'dpo-jc')
  })
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  it('when no checkpoint is signed yet, then the status says so and an entry has no proof yet', async () => {
    const page = await get('/dpo')
    expect(page.status).toBe(200)
    expect(page.text).toContain('Noch kein Checkpoint signiert')
    const newest = entryNumbers(page.text)[0]
    const entry = await get(`/dpo/entries/${newest}`)
    expect(entry.status).toBe(200)
    expect(entry.text).toMatch(/Noch in keinem\s+signierten\s+Checkpoint/)
  })

  it('when a checkpoint is signed, then the status shows it with a valid signature and an entry is proven up to it', async () => {
    const outcome = await writeCheckpoint(t.deps)
    expect(outcome.written).toBe(true)
    const size = outcome.checkpoint?.treeSize
    const page = await get('/dpo')
    expect(page.text).toMatch(
      new RegExp(`Checkpoint ${size} · [^<]+·\\s+Signatur\\s+<span class="status-ok">gültig`),
    )
    const entry = await get('/dpo/entries/3')
    expect(entry.text).toContain(`Bewiesen bis Checkpoint ${size}`)
    expect(entry.text).toContain('href="/api/v1/audit/proof/3"')
  })

  it('when filtering by staff member and event type, then exactly their entries are listed and the export links carry the same filter', async () => {
    const page = await get('/dpo?staff=staff-jc&type=transfer_denied')
    expect(page.status).toBe(200)
    expect(page.text).toContain('6 Einträge entsprechen der Suche')
    expect(entryNumbers(page.text)).toHaveLength(6)
    const csvHref = decode(
      /href="(\/api\/v1\/audit\/export\?format=csv[^"]*)"/.exec(page.text)?.[1] ?? '',
    )
    expect(csvHref).toContain('actor=user%3Astaff-jc')
    expect(csvHref).toContain('type=transfer_denied')
    const exported = await fetch(server.url + csvHref, { headers: { cookie: all.cookie } })
    expect(exported.status).toBe(200)
    expect(exported.headers.get('content-disposition')).toMatch(/attachment; filename=".*\.csv"/)
    const lines = (await exported.text()).trim().split(/\r?\n/)
    expect(lines).toHaveLength(1 + 6) // header + the six denials
    const entries = await listAuditEntries(t.deps.db, { limit: 10_000 })
    expect(entries.at(-1)?.event).toMatchObject({
      type: 'audit_exported',
      format: 'csv',
      entries: 6,
    })
  })

  it('when filtering by a time range in Berlin days, then entries outside it are left out', async () => {
    // Everything happened on 2026-03-02 (Berlin).
    expect((await get('/dpo?from=2026-03-02&to=2026-03-02')).text).not.toContain(
      'Keine Einträge gefunden',
    )
    expect((await get('/dpo?from=2026-03-03')).text).toContain('0 Einträge entsprechen der Suche')
    expect((await get('/dpo?to=2026-03-01')).text).toContain('0 Einträge entsprechen der Suche')
  })

  it('when a filter is malformed, then the page answers 400 with the field named, not a crash', async () => {
    const bad = await get('/dpo?from=gestern&decision=maybe')
    expect(bad.status).toBe(400)
    expect(bad.text).toContain('role="alert"')
    expect(bad.text).toContain('Von: ungültige Angabe.')
    expect(bad.text).toContain('Entscheidung: ungültige Angabe.')
    expect((await get('/dpo?from=2026-03-05&to=2026-03-01')).status).toBe(400)
    expect((await get('/dpo?nonsense=1')).status).toBe(400)
    expect((await get('/dpo/entries/abc')).status).toBe(404)
    expect((await get('/dpo/entries/999999')).status).toBe(404)
  })

  it('when there are more entries than one page, then "older" pages continue without overlap', async () => {
    for (let i = 0; i < 60; i++) {
      t.clock.advance(1000)
      await appendAuditEvent(t.deps.db, {
        at: t.clock.now(),
        actor: 'system',
        event: { type: 'login_failed', username: `probe${i}`, reason: 'bad_password' },
      })
    }
    const first = await get('/dpo?type=login_failed')
    expect(first.text).toContain('60 Einträge entsprechen der Suche')
    const firstSeqs = entryNumbers(first.text)
    expect(firstSeqs).toHaveLength(50)
    const next = decode(/href="([^"]+)" rel="next"/.exec(first.text)?.[1] ?? '')
    expect(next).toMatch(/^\/dpo\?type=login_failed&cursor=\d+$/)
    const second = await get(next)
    const secondSeqs = entryNumbers(second.text)
    expect(secondSeqs).toHaveLength(10)
    expect(Math.min(...firstSeqs)).toBeGreaterThan(Math.max(...secondSeqs))
    expect(second.text).not.toContain('rel="next"')
  })

  it('when a DPO is bound to one agency, then only entries naming it are shown and other agencies are refused', async () => {
    const page = await get(
      '/dpo?type=transfer_queued,transfer_denied'.replace(',transfer_denied', ''),
      scoped,
    )
    expect(page.status).toBe(200)
    // staff-aa and staff-ja sent from their own agencies to ja-demo: nothing names jc-demo.
    expect(page.text).toContain('0 Einträge entsprechen der Suche')
    const denied = await get('/dpo?type=transfer_denied', scoped)
    expect(denied.text).toContain('6 Einträge entsprechen der Suche')
    expect((await get('/dpo?agency=aa-demo', scoped)).status).toBe(403)
    const foreign = (await listAuditEntries(t.deps.db, { limit: 10_000 })).find(
      (e) => e.event.type === 'transfer_queued',
    )
    expect((await get(`/dpo/entries/${foreign?.seq}`, scoped)).status).toBe(404)
    expect((await get(`/dpo/entries/${foreign?.seq}`)).status).toBe(200)
  })

  it('when the reports open, then each chart is an accessible inline SVG with its data table and the outlier is flagged', async () => {
    const page = await get('/dpo/reports')
    expect(page.status).toBe(200)
    const charts = [...page.text.matchAll(/<svg\s+role="img"\s+aria-labelledby="([^"]+)"/g)]
    expect(charts.length).toBeGreaterThanOrEqual(5)
    for (const [, ids] of charts)
      for (const id of ids!.split(' ')) expect(page.text).toContain(`id="${id}"`)
    expect(page.text).not.toMatch(/<script|style="/)
    expect(page.text).toContain('Auffällig: user:staff-jc')
    expect(page.text).not.toContain('jc-demo → ja-demo') // staff-jc was never permitted
    expect(page.text).toContain(
      'Agentur für Arbeit Demo-Stadt, Berufsberatung → Jugendamt Demo-Stadt · Hilfeplanung',
    )
    // Reasons in words (issue 18), not `category_not_covered:gesundheit`.
    expect(page.text).toContain('Datenkategorie „Gesundheit“ nicht abgedeckt')
    expect(page.text).toContain('Widerrufe (insgesamt 1)')
    expect(page.text).toContain(scenario.expiringConsentId)
    expect(page.text).not.toContain(scenario.revokedConsentId)
    expect(page.text).not.toContain(expiringSubject.familyName)
    const narrowed = await get('/dpo/reports?from=2026-03-03')
    expect(narrowed.text).toContain('Widerrufe (insgesamt 0)')
  })

  it('when a DPO re-identifies without a reason, then nothing is resolved; with a reason, the person is shown and the act is in the log', async () => {
    const before = (await listAuditEntries(t.deps.db, { limit: 10_000 })).length
    const refused = await post('/dpo/reidentify', {
      subjectPseudonym: scenario.expiringPseudonym,
      reason: 'kurz',
      confirm: 'yes',
    })
    expect(refused.status).toBe(400)
    expect(refused.text).not.toContain(expiringSubject.familyName)
    const unconfirmed = await post('/dpo/reidentify', {
      subjectPseudonym: scenario.expiringPseudonym,
      reason: 'Auskunftsersuchen Art. 15 DSGVO, Az. 4711',
    })
    expect(unconfirmed.status).toBe(400)
    expect((await listAuditEntries(t.deps.db, { limit: 10_000 })).length).toBe(before)

    const done = await post('/dpo/reidentify', {
      subjectPseudonym: scenario.expiringPseudonym,
      reason: 'Auskunftsersuchen Art. 15 DSGVO, Az. 4711',
      confirm: 'yes',
    })
    expect(done.status).toBe(200)
    expect(done.text).toContain(expiringSubject.familyName)
    const entries = await listAuditEntries(t.deps.db, { limit: 10_000 })
    expect(entries.at(-1)?.event).toMatchObject({
      type: 'pseudonym_resolved',
      subjectPseudonym: scenario.expiringPseudonym,
      statedReason: 'Auskunftsersuchen Art. 15 DSGVO, Az. 4711',
      found: true,
    })
    const log = await get('/dpo?type=pseudonym_resolved')
    expect(entryNumbers(log.text)).toContain(entries.at(-1)?.seq)
  })

  it('when the full verification is started, then its outcome is recorded and shown at the top', async () => {
    const res = await post('/dpo/verify', {})
    expect(res.status).toBe(303)
    expect(res.location).toBe('/dpo')
    const page = await get('/dpo')
    expect(page.text).toMatch(/<span class="status-ok">intakt<\/span> bis Eintrag \d+/)
  })

  it('when an entry was altered in the database, then its page says the proof is not valid', async () => {
    const queued = (await listAuditEntries(t.deps.db, { limit: 10_000 })).find(
      (e) => e.event.type === 'transfer_queued',
    )
    const seq = queued?.seq ?? 0
    expect((await get(`/dpo/entries/${seq}`)).text).toMatch(/Bewiesen bis Checkpoint/)
    await t.deps.db
      .updateTable('audit_entries')
      .set((eb) => ({
        data: eb.fn<string>('replace', ['data', eb.val('hilfeplanung'), eb.val('fallkonferenz')]),
      }))
      .where('seq', '=', seq)
      .execute()
    const entry = await get(`/dpo/entries/${seq}`)
    expect(entry.status).toBe(200)
    expect(entry.text).toContain('fallkonferenz')
    expect(entry.text).toContain('NICHT gültig')
    expect(entry.text).not.toMatch(/Bewiesen bis Checkpoint/)
    // The full verification names the altered entry at the top of every DPO page.
    expect((await post('/dpo/verify', {})).status).toBe(303)
    const status = await get('/dpo')
    expect(status.text).toMatch(
      new RegExp(`<span class="status-bad">beschädigt</span> ab Eintrag ${seq}\\s+\\(changed`),
    )
  })

  it('when a DPO bound to one agency opens the reports, then only their agency is counted', async () => {
    const page = await get('/dpo/reports', scoped)
    expect(page.status).toBe(200)
    expect(page.text).not.toContain(
      'Agentur für Arbeit Demo-Stadt, Berufsberatung → Jugendamt Demo-Stadt',
    )
    // Within jc-demo staff-jc has no colleagues with attempts to compare with: nothing is flagged.
    expect(page.text).toContain('Keine Auffälligkeiten.')
    expect(page.text).toContain('user:staff-jc')
    expect((await get('/dpo/reports?agency=aa-demo', scoped)).status).toBe(403)
    expect((await get('/dpo/reports?type=transfer_denied')).status).toBe(400)
  })
})
