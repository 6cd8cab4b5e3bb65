/**
 * Group commit of the audit entries that record no change of their own (issue 19, point 9c):
 * concurrent appends share one transaction, every caller's entry is committed when its promise
 * resolves, the chain stays gap-free and verifies, and a malformed event fails only its caller.
 */
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../audit/audit-event.ts'
import { createAuditAppender } from '../../db/audit-group-commit.ts'
import {
  appendAuditEvent,
  appendAuditEventsOfChange,
  listAuditEntries,
} from '../../db/audit-repository.ts'
import { openDatabase } from '../../db/database.ts'
import { verifyStoredAuditLog } from '../../gateway/audit/verify-audit-log.ts'
import { dialects } from '../support/databases.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

let t: TestDeps | undefined
afterEach(async () => t?.close())

const event = (what: string): AuditEvent => ({ type: 'configuration_changed', what })

describe.each(dialects)('audit group commit on %s', (dialect) => {
  it('commits concurrent entries in groups, in order, gap-free and verifiable', async () => {
    t = await createTestDeps(dialect)
    const groups: number[] = []
    const appender = createAuditAppender(t.deps.db, { onGroupCommitted: (n) => groups.push(n) })
    const at = t.clock.now()
    const entries = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        appender.append({ at, actor: 'system', event: event(`e${i}`) }),
      ),
    )
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    expect(groups.reduce((a, b) => a + b, 0)).toBe(40)
    expect(groups.length).toBeLessThan(40)
    // Committed, as seen from another connection.
    const other = openDatabase(t.testDatabase.url)
    try {
      const stored = await listAuditEntries(other.db, { limit: 100 })
      expect(stored.map((e) => (e.event as { what: string }).what)).toEqual(
        Array.from({ length: 40 }, (_, i) => `e${i}`),
      )
    } finally {
      await other.close()
    }
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true, treeSize: 40 })
  })

  it('each entry of a group gets a salt of its own for its personal values', async () => {
    t = await createTestDeps(dialect)
    const groups: number[] = []
    const appender = createAuditAppender(t.deps.db, { onGroupCommitted: (n) => groups.push(n) })
    const at = t.clock.now()
    // A youth actor is personal data: committed with a salt, never hashed in clear.
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        appender.append({ at, actor: `youth:psn_${i}`, event: event(`y${i}`) }),
      ),
    )
    expect(groups.length).toBeLessThan(12)
    const { rows } = await sql<{
      personal_salt: string
    }>`select personal_salt from audit_entries order by seq`.execute(t.deps.db)
    const salts = rows.map((row) => row.personal_salt)
    expect(salts).toHaveLength(12)
    for (const salt of salts) expect(salt).toMatch(/^[0-9a-f]{32}$/)
    expect(new Set(salts).size).toBe(12)
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true, treeSize: 12 })
  })

  it('a malformed event fails its own caller only; the rest of its group commits', async () => {
    t = await createTestDeps(dialect)
    const appender = createAuditAppender(t.deps.db)
    const at = t.clock.now()
    const results = await Promise.allSettled([
      appender.append({ at, actor: 'system', event: event('first') }),
      appender.append({ at, actor: 'system', event: { type: 'no_such_event' } as never }),
      appender.append({ at, actor: 'system', event: event('third') }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    const stored = await listAuditEntries(t.deps.db, { limit: 10 })
    expect(stored.map((e) => [e.seq, (e.event as { what: string }).what])).toEqual([
      [1, 'first'],
      [2, 'third'],
    ])
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true, treeSize: 2 })
  })

  it('a change with more entries than one insert carries is appended whole, in order', async () => {
    t = await createTestDeps(dialect)
    const at = t.clock.now()
    // 450: more than the 200 rows PostgreSQL takes per insert, so three of them there.
    const inputs = Array.from({ length: 450 }, (_, i) => ({
      at,
      actor: 'system' as const,
      event: event(`bulk${i}`),
    }))
    const entries = await t.deps.db
      .transaction()
      .execute((trx) => appendAuditEventsOfChange(trx, inputs))
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 450 }, (_, i) => i + 1))
    const stored = await listAuditEntries(t.deps.db, { limit: 500 })
    expect(stored.map((e) => (e.event as { what: string }).what)).toEqual(
      inputs.map((input) => (input.event as { what: string }).what),
    )
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true, treeSize: 450 })
  })

  it('when other writers append between its groups, then every entry lands once, chained and gap-free', async () => {
    t = await createTestDeps(dialect)
    const at = t.clock.now()
    // A second process on the same database (its own pool, its own appender), and changes that
    // append in their own transactions: on PostgreSQL each of them moves the head away from where
    // the first appender last saw it, so its next group finds the head stale and reseals.
    const other = openDatabase(t.testDatabase.url)
    try {
      const mine = createAuditAppender(t.deps.db)
      const theirs = createAuditAppender(other.db)
      const appends: Promise<unknown>[] = []
      for (let round = 0; round < 8; round++) {
        for (let i = 0; i < 5; i++) {
          appends.push(mine.append({ at, actor: 'system', event: event(`mine-${round}-${i}`) }))
          appends.push(theirs.append({ at, actor: 'system', event: event(`theirs-${round}-${i}`) }))
        }
        appends.push(
          appendAuditEvent(other.db, { at, actor: 'system', event: event(`change-${round}`) }),
        )
        await Promise.all(appends.splice(0))
      }
      const stored = await listAuditEntries(t.deps.db, { limit: 200 })
      expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 88 }, (_, i) => i + 1))
      const whats = stored.map((e) => (e.event as { what: string }).what)
      expect(new Set(whats).size).toBe(88)
      expect(whats.filter((w) => w.startsWith('mine-'))).toHaveLength(40)
      expect(whats.filter((w) => w.startsWith('theirs-'))).toHaveLength(40)
      expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true, treeSize: 88 })
    } finally {
      await other.close()
    }
  })
})
