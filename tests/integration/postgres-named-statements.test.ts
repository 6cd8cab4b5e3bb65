import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createTestDatabase, dialects } from '../support/databases.ts'

/**
 * PostgreSQL: kysely's parameterised statements are prepared once per connection
 * (db/postgres-named-statements.ts), not parsed and planned again on every execution — and a
 * statement whose table changed its columns under it recovers after one failure.
 */
describe.runIf(dialects.includes('postgres'))('PostgreSQL named statements', () => {
  it('when the same query runs three times on one connection, then it is prepared once and answers each time', async () => {
    const test = await createTestDatabase('postgres')
    try {
      const { db } = test.database
      const prepared = await db.transaction().execute(async (trx) => {
        for (const id of ['jc-a', 'jc-b', 'jc-c'])
          expect(
            await trx.selectFrom('agencies').select('id').where('id', '=', id).execute(),
          ).toEqual([])
        const rows = await sql<{
          statement: string
        }>`select statement from pg_prepared_statements where not from_sql`.execute(trx)
        return rows.rows.map((row) => row.statement)
      })
      expect(prepared.filter((text) => text.includes('from "agencies"'))).toHaveLength(1)
    } finally {
      await test.drop()
    }
  })

  it('when a prepared select * meets a table with another column, then it fails once and then answers with the new column', async () => {
    const test = await createTestDatabase('postgres', { migrate: false })
    try {
      const { db } = test.database
      await db.transaction().execute(async (trx) => {
        await sql`create table scratch (id text primary key)`.execute(trx)
        await sql`insert into scratch (id) values (${'a'})`.execute(trx)
        const read = () => sql`select * from scratch where id = ${'a'}`.execute(trx)
        expect((await read()).rows).toEqual([{ id: 'a' }])
        await sql`savepoint before_change`.execute(trx)
        await sql`alter table scratch add column note text`.execute(trx)
        await expect(read()).rejects.toMatchObject({ code: '0A000' })
        await sql`rollback to savepoint before_change`.execute(trx)
        await sql`alter table scratch add column note text`.execute(trx)
        expect((await read()).rows).toEqual([{ id: 'a', note: null }])
      })
    } finally {
      await test.drop()
    }
  })
})
