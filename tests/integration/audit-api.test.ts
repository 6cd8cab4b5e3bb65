import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  checkProofDocument,
  inclusionProofDocumentSchema,
  proofDocumentSchema,
} from '../../audit/proof-document.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { writeCheckpoint } from '../../gateway/audit/write-checkpoint.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

interface Page {
  entries: { seq: number; actor: string; event: Record<string, unknown> }[]
  nextCursor: string | null
}

describe.each(dialects)('audit REST API on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    for (let i = 0; i < 12; i++) {
      t.clock.advance(60_000)
      await appendAuditEvent(t.deps.db, {
        at: t.clock.now(),
        actor: i % 2 === 0 ? 'user:staff-jc' : 'user:staff-aa',
        event: {
          type: 'decision_checked',
          consentId: `cns_${i % 3}`,
          subjectPseudonym: `psn_${i % 4}`,
          agencyId: i % 2 === 0 ? 'jc-demo' : 'aa-demo',
          recipientAgencyId: i % 2 === 0 ? 'ja-demo' : 'ja-demo',
          purpose: 'hilfeplanung',
          categories: ['schule'],
          decision: i % 3 === 0 ? 'deny' : 'permit',
          reasons: i % 3 === 0 ? ['consent_revoked'] : [],
        },
      })
    }
    await writeCheckpoint(t.deps)
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  const get = (path: string, who = 'dpo-all') => server.api('GET', path, { token: tokens[who] })

  it('when a DPO of all agencies searches by subject and decision, then exactly the matching entries come back', async () => {
    const { status, body } = await get('/audit?subject=psn_0&decision=deny')
    expect(status).toBe(200)
    const page = body as Page
    expect(page.entries.map((e) => e.seq).length).toBeGreaterThan(0)
    for (const e of page.entries)
      expect(e.event).toMatchObject({ subjectPseudonym: 'psn_0', decision: 'deny' })
  })

  it('when a DPO pages with the cursor, then every entry is seen once, newest first', async () => {
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const { body } = await get(
        `/audit?type=decision_checked&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      )
      const page = body as Page
      seen.push(...page.entries.map((e) => e.seq))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toHaveLength(12)
    expect([...seen].sort((a, b) => b - a)).toEqual(seen)
  })

  it('when a DPO bound to one agency searches, then only entries naming that agency are returned', async () => {
    const { body } = await get('/audit?type=decision_checked', 'dpo-jc')
    const page = body as Page
    expect(page.entries).toHaveLength(6)
    for (const e of page.entries) expect(e.event.agencyId).toBe('jc-demo')
    expect((await get('/audit?agency=aa-demo', 'dpo-jc')).status).toBe(403)
  })

  it('when a staff member asks for the audit log, then it is refused', async () => {
    expect((await get('/audit', 'staff-jc')).status).toBe(403)
    expect((await get('/audit/verify', 'admin')).status).toBe(403)
  })

  it('when filters are malformed or unknown, then the request is refused with 400', async () => {
    expect((await get('/audit?from=yesterday')).status).toBe(400)
    expect((await get('/audit?limit=100000')).status).toBe(400)
    expect((await get('/audit?colour=red')).status).toBe(400)
    expect((await get('/audit/proof/abc')).status).toBe(400)
  })

  it('when the log is verified, then the verified head is returned and the check is audited', async () => {
    const { status, body } = await get('/audit/verify')
    expect(status).toBe(200)
    expect(body).toMatchObject({ status: 'intact', checkpointsVerified: 1 })
    const { body: latest } = await get('/audit?type=audit_verified&limit=1')
    expect((latest as Page).entries[0]).toMatchObject({
      actor: 'user:dpo-all',
      event: { outcome: 'intact' },
    })
  })

  it('when an inclusion proof is fetched, then it checks offline against the published public key', async () => {
    const { body: key } = await server.api('GET', '/audit/public-key')
    const { status, body } = await get('/audit/proof/15')
    expect(status).toBe(200)
    const proof = inclusionProofDocumentSchema.parse(body)
    expect(checkProofDocument(proof, [(key as { publicKey: string }).publicKey])).toMatchObject({
      ok: true,
      seq: 15,
    })
    const forged = {
      ...proof,
      entry: {
        ...proof.entry,
        canonical: proof.entry.canonical.replace('hilfeplanung', 'fallkonferenz'),
      },
    }
    expect(checkProofDocument(forged, [(key as { publicKey: string }).publicKey]).ok).toBe(false)
  })

  it("when a DPO bound to one agency asks for the proof of another agency's entry, then it is not found", async () => {
    const { body } = await get('/audit?agency=aa-demo&type=decision_checked&limit=1')
    const seq = (body as Page).entries[0]!.seq
    expect((await get(`/audit/proof/${seq}`, 'dpo-jc')).status).toBe(404)
    expect((await get(`/audit/entries/${seq}`, 'dpo-jc')).status).toBe(404)
    expect((await get(`/audit/entries/${seq}`)).status).toBe(200)
  })

  it('when an entry is newer than the latest checkpoint, then its proof waits for the next one', async () => {
    const { body } = await get('/audit/status')
    const entries = (body as { entries: number }).entries
    const response = await get(`/audit/proof/${entries}`)
    expect(response.status).toBe(409)
    expect(response.body).toMatchObject({ error: { code: 'ERR_AUDIT_NOT_YET_CHECKPOINTED' } })
  })

  it('when two checkpoints exist, then their consistency proof verifies', async () => {
    const first = (await writeCheckpoint(t.deps)).checkpoint!
    const { body: status } = await get('/audit/status')
    const older = (status as { latestCheckpoint: { treeSize: number } }).latestCheckpoint.treeSize
    await appendAuditEvent(t.deps.db, {
      at: t.clock.now(),
      actor: 'system',
      event: { type: 'configuration_changed', what: 'x' },
    })
    const second = await writeCheckpoint(t.deps)
    expect(second.written).toBe(true)
    const { status: code, body } = await get(
      `/audit/consistency?from=${first.treeSize}&to=${second.checkpoint!.treeSize}`,
    )
    expect(code).toBe(200)
    expect(checkProofDocument(proofDocumentSchema.parse(body))).toMatchObject({
      ok: true,
      kind: 'consistency',
    })
    expect(older).toBe(first.treeSize)
    expect(
      (await get(`/audit/consistency?from=${first.treeSize}&to=${second.checkpoint!.treeSize + 7}`))
        .body,
    ).toMatchObject({
      error: { code: 'ERR_AUDIT_CHECKPOINT_NOT_FOUND' },
    })
  })

  it('when a DPO exports CSV, then the file streams with the filtered rows and the export is audited', async () => {
    const response = await fetch(
      `${server.url}/api/v1/audit/export?format=csv&type=decision_checked`,
      {
        headers: { authorization: `Bearer ${tokens['dpo-jc']}` },
      },
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(response.headers.get('content-disposition')).toMatch(
      /attachment; filename="brucke-audit-.*\.csv"/,
    )
    const lines = (await response.text()).trimEnd().split('\r\n')
    expect(lines[0]).toBe(
      'seq,at,type,actor,agencies,subject_pseudonym,consent_id,transfer_id,decision,erased,entry_hash,event',
    )
    expect(lines).toHaveLength(7)
    const { body } = await get('/audit?type=audit_exported&limit=1')
    expect((body as Page).entries[0]).toMatchObject({
      actor: 'user:dpo-jc',
      event: {
        format: 'csv',
        entries: 6,
        agencyId: 'jc-demo',
        filter: { types: ['decision_checked'] },
      },
    })
  })

  it('when an export is asked without a format, then it is refused before anything is written', async () => {
    const response = await get('/audit/export')
    expect(response.status).toBe(400)
    expect(response.headers.get('content-disposition')).toBeNull()
  })

  it('when the reports are read, then denials, staff rates and expiring consents are aggregated', async () => {
    const { status, body } = await get('/audit/reports')
    expect(status).toBe(200)
    expect(body).toMatchObject({ transfersPerWeek: [], expiringConsents: { withinDays: 30 } })
  })

  it('when a DPO re-identifies a pseudonym, then a stated reason is required and the action is audited', async () => {
    expect(
      (
        await server.api('POST', '/audit/reidentify', {
          token: tokens['dpo-all'],
          body: { subjectPseudonym: 'psn_0' },
        })
      ).status,
    ).toBe(400)
    const { status, body } = await server.api('POST', '/audit/reidentify', {
      token: tokens['dpo-jc'],
      body: { subjectPseudonym: 'psn_unknown', reason: 'Auskunftsersuchen nach Art. 15 DSGVO' },
    })
    expect(status).toBe(200)
    expect(body).toMatchObject({ found: false, subject: null })
    const { body: page } = await get(`/audit/entries/${(body as { auditSeq: number }).auditSeq}`)
    expect(page).toMatchObject({
      actor: 'user:dpo-jc',
      event: {
        type: 'pseudonym_resolved',
        subjectPseudonym: 'psn_unknown',
        statedReason: 'Auskunftsersuchen nach Art. 15 DSGVO',
        found: false,
      },
    })
  })
})
