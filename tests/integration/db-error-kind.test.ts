import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { dbErrorKindOf } from '../../gateway/metrics/db-error-kind.ts'
import { dialects, postgresAdminUrl } from '../support/databases.ts'

/** The error a call throws (the test fails if it does not throw). */
async function thrown(call: () => unknown): Promise<unknown> {
  try {
    await call()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

/** The kinds of `brucke_db_errors_total`, from errors the real drivers raise. */
describe('database error kinds', () => {
  it('SQLite: constraint, busy, read-only, corrupt, other; not a database error otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'brucke-dberr-'))
    const path = join(dir, 'x.db')
    const db = new SqliteDatabase(path)
    db.exec('create table t (id integer primary key)')
    db.prepare('insert into t values (1)').run()
    expect(dbErrorKindOf(await thrown(() => db.prepare('insert into t values (1)').run()))).toBe(
      'constraint',
    )
    expect(dbErrorKindOf(await thrown(() => db.prepare('select * from absent').all()))).toBe(
      'other',
    )

    const other = new SqliteDatabase(path, { timeout: 0 })
    db.exec('begin exclusive')
    expect(dbErrorKindOf(await thrown(() => other.prepare('insert into t values (2)').run()))).toBe(
      'busy',
    )
    db.exec('rollback')
    other.close()

    const readonly = new SqliteDatabase(path, { readonly: true })
    expect(
      dbErrorKindOf(await thrown(() => readonly.prepare('insert into t values (3)').run())),
    ).toBe('readonly')
    readonly.close()
    db.close()

    const garbage = join(dir, 'garbage.db')
    writeFileSync(garbage, Buffer.alloc(8192, 0x5a))
    const broken = new SqliteDatabase(garbage)
    expect(dbErrorKindOf(await thrown(() => broken.prepare('select * from t').all()))).toBe(
      'corrupt',
    )
    broken.close()

    // A use case wrapping the driver's error is seen through; anything else is not counted.
    const wrapped = new Error('could not store', {
      cause: await thrown(() => new SqliteDatabase(path).prepare('select * from absent').all()),
    })
    expect(dbErrorKindOf(wrapped)).toBe('other')
    expect(dbErrorKindOf(new TypeError('x is undefined'))).toBeNull()
    expect(dbErrorKindOf('a string')).toBeNull()
  })

  it.runIf(dialects.includes('postgres'))(
    'PostgreSQL: constraint, read-only, other, a killed backend and a refused connection',
    async () => {
      const client = new pg.Client({ connectionString: postgresAdminUrl })
      await client.connect()
      try {
        await client.query('create temporary table t (id integer primary key)')
        await client.query('insert into t values (1)')
        expect(dbErrorKindOf(await thrown(() => client.query('insert into t values (1)')))).toBe(
          'constraint',
        )
        expect(dbErrorKindOf(await thrown(() => client.query('select * from absent_x')))).toBe(
          'other',
        )
        // A temporary table stays writable in a read-only transaction; a real one may not be made.
        await client.query('begin read only')
        expect(
          dbErrorKindOf(await thrown(() => client.query('create table brucke_never_made (x int)'))),
        ).toBe('readonly')
        await client.query('rollback')

        const victim = new pg.Client({ connectionString: postgresAdminUrl })
        await victim.connect()
        victim.on('error', () => undefined) // the terminated connection reports here too
        const pid = (await victim.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]
        await client.query('select pg_terminate_backend($1)', [pid?.pid])
        expect(dbErrorKindOf(await thrown(() => victim.query('select 1')))).toBe('connection')
        await victim.end().catch(() => undefined)
      } finally {
        await client.end()
      }

      // A port nobody listens on: take a free one and close it again.
      const probe = createServer()
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
      const port = (probe.address() as { port: number }).port
      await new Promise<void>((resolve) => probe.close(() => resolve()))
      const refused = new pg.Client({ host: '127.0.0.1', port, user: 'postgres' })
      expect(dbErrorKindOf(await thrown(() => refused.connect()))).toBe('connection')
    },
  )
})
