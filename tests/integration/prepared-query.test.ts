/**
 * A query built once and run with new values (db/prepared-query.ts, issue 19 point 9): each run
 * binds its own values to the slots, the builder's own constants stay, the builder runs once per
 * dialect, a run inside a transaction sees (and rolls back with) that transaction, an update
 * tells how many rows it changed, and a missing value is an error, never a stand-in sent to the
 * database.
 */
import { sql, type KyselyPlugin } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { preparedQuery } from '../../db/prepared-query.ts'
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts'

let testDatabase: TestDatabase | undefined
afterEach(async () => testDatabase?.drop())

describe.each(dialects)('a prepared query on %s', (dialect) => {
  it('binds each run’s values, keeps its constants, and is built once', async () => {
    testDatabase = await createTestDatabase(dialect)
    const { db } = testDatabase.database
    const at = '2026-12-06T09:00:00.000Z'
    await db
      .insertInto('settings')
      .values([
        { key: 'a', value: 'one', updated_at: at },
        { key: 'b', value: 'two', updated_at: at },
        { key: 'c', value: 'three', updated_at: at },
      ])
      .execute()
    let builds = 0
    const valueOf = preparedQuery<{ key: string }>()((executor, slot) => {
      builds += 1
      return executor
        .selectFrom('settings')
        .select('value')
        .where('key', '=', slot('key'))
        .where('updated_at', '=', at)
    })
    expect(await valueOf.execute(db, { key: 'a' })).toEqual([{ value: 'one' }])
    expect(await valueOf.execute(db, { key: 'c' })).toEqual([{ value: 'three' }])
    expect(await valueOf.execute(db, { key: 'zzz' })).toEqual([])
    expect(builds).toBe(1)
  })

  it('runs in the transaction it is given', async () => {
    testDatabase = await createTestDatabase(dialect)
    const { db } = testDatabase.database
    const setValue = preparedQuery<{ key: string; value: string }>()((executor, slot) =>
      executor.insertInto('settings').values({
        key: slot('key'),
        value: slot('value'),
        updated_at: sql<string>`'2026-12-06'`,
      }),
    )
    await expect(
      db.transaction().execute(async (trx) => {
        await setValue.execute(trx, { key: 'k', value: 'v' })
        const inside = await trx.selectFrom('settings').select('value').execute()
        expect(inside).toEqual([{ value: 'v' }])
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    expect(await db.selectFrom('settings').selectAll().execute()).toEqual([])
    await setValue.execute(db, { key: 'k', value: 'w' })
    expect(await db.selectFrom('settings').select(['key', 'value']).execute()).toEqual([
      { key: 'k', value: 'w' },
    ])
  })

  it('counts the rows an update changed', async () => {
    testDatabase = await createTestDatabase(dialect)
    const { db } = testDatabase.database
    await db
      .insertInto('settings')
      .values({ key: 'k', value: 'v', updated_at: '2026-12-06' })
      .execute()
    const setValue = preparedQuery<{ key: string; value: string }>()((executor, slot) =>
      executor
        .updateTable('settings')
        .set({ value: slot('value') })
        .where('key', '=', slot('key')),
    )
    expect(await setValue.executeForCount(db, { key: 'k', value: 'w' })).toBe(1)
    expect(await setValue.executeForCount(db, { key: 'nope', value: 'x' })).toBe(0)
    expect(await db.selectFrom('settings').select('value').execute()).toEqual([{ value: 'w' }])
  })

  it('goes through the plugins of an executor that has them, with its values in the query', async () => {
    testDatabase = await createTestDatabase(dialect)
    const { db } = testDatabase.database
    const seen: string[] = []
    const tracing: KyselyPlugin = {
      transformQuery: ({ node }) => {
        seen.push(JSON.stringify(node))
        return node
      },
      transformResult: ({ result }) => Promise.resolve(result),
    }
    const valueOf = preparedQuery<{ key: string }>()((executor, slot) =>
      executor.selectFrom('settings').select('value').where('key', '=', slot('key')),
    )
    expect(await valueOf.execute(db.withPlugin(tracing), { key: 'traced-key' })).toEqual([])
    expect(seen.some((node) => node.includes('traced-key'))).toBe(true)
    // Without plugins, the template compiled once; the plugin's run did not leave its mark there.
    expect(await valueOf.execute(db, { key: 'other' })).toEqual([])
    expect(seen).toHaveLength(1)
  })

  it('refuses a run without a value for a slot', async () => {
    testDatabase = await createTestDatabase(dialect)
    const { db } = testDatabase.database
    const valueOf = preparedQuery<{ key: string }>()((executor, slot) =>
      executor.selectFrom('settings').select('value').where('key', '=', slot('key')),
    )
    await expect(valueOf.execute(db, {} as { key: string })).rejects.toThrow('no value for key')
  })
})
