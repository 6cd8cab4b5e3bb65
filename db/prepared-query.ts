import { CompiledQuery, type Compilable, type Kysely, type Transaction } from 'kysely'
import { isPostgres } from './dialect-of.ts'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

/**
 * A query built with kysely's builder once per dialect and then only run, with new values — for
 * the statements on every request's and every transfer's path (the token holder, the consent
 * read, the audit head and entry, a transfer's inserts, marker and settlement). Building and compiling a query costs more than running it (measured 2026-12-06 on
 * SQLite: 53 µs through the builder, 17 µs compiled once; docs/operator-guide.md, point 9). The
 * SQL is still kysely's, for SQLite and PostgreSQL alike; each driver then reuses its statement
 * by the SQL text (the SQLite statement cache of database.ts, PostgreSQL's named statements).
 *
 * The builder marks each value the query is run with as a slot (`slot('userId')`); everything
 * else it writes stays a constant of the query.
 */
export interface PreparedQuery<Values, Row> {
  /** Runs on this executor's connection: a transaction's when given one. */
  execute(db: Executor, values: Values): Promise<Row[]>
  /** The same, for an UPDATE or DELETE: how many rows it changed. */
  executeForCount(db: Executor, values: Values): Promise<number>
}

/**
 * A slot for each of these names, as one object — for an insert of every column of a row type:
 * `values(everySlot(slot, ['id', 'at']))`.
 */
export function everySlot<Values extends object, Name extends keyof Values & string>(
  slot: <N extends keyof Values & string>(name: N) => Values[N],
  names: readonly Name[],
): Pick<Values, Name> {
  return Object.fromEntries(names.map((name) => [name, slot(name)])) as Pick<Values, Name>
}

/**
 * `true` exactly when `Listed` names every key of `Row`: a list of columns typed
 * `const listed: ListsEveryKey<Row, typeof columns> = true` fails to compile once the row gains a
 * column the list lacks.
 */
export type ListsEveryKey<Row, Listed extends readonly PropertyKey[]> = [
  Exclude<keyof Row, Listed[number]>,
] extends [never]
  ? true
  : never

/** A slot's stand-in while the query is compiled: no value a caller passes looks like it. */
const slotMark = '\u0000brucke-slot:'

interface Template {
  sql: string
  /** Per parameter: the name of its slot, or the constant the builder wrote. */
  parameters: readonly ({ slot: string } | { constant: unknown })[]
}

/**
 * `preparedQuery<{ id: string }>()((db, slot) => db.selectFrom(…).where('id', '=', slot('id')))`:
 * the values' type is written, the row's is inferred from the builder.
 */
export function preparedQuery<Values extends object>() {
  return <Row>(
    build: (
      db: Executor,
      slot: <Name extends keyof Values & string>(name: Name) => Values[Name],
    ) => Compilable<Row>,
  ): PreparedQuery<Values, Row> => compileOnce(build)
}

function compileOnce<Values extends object, Row>(
  build: (
    db: Executor,
    slot: <Name extends keyof Values & string>(name: Name) => Values[Name],
  ) => Compilable<Row>,
): PreparedQuery<Values, Row> {
  // A memo of a pure function of the dialect (its compiler gives the same SQL every time), filled
  // on first use: nothing that depends on a database's contents or a caller is kept.
  const templates: { sqlite?: Template; postgres?: Template } = {}
  const templateFor = (db: Executor): Template => {
    const dialect = isPostgres(db) ? 'postgres' : 'sqlite'
    const known = templates[dialect]
    if (known) return known
    const compiled = build(db.withoutPlugins(), (name) => `${slotMark}${name}` as never).compile()
    const template: Template = {
      sql: compiled.sql,
      parameters: compiled.parameters.map((value) =>
        typeof value === 'string' && value.startsWith(slotMark)
          ? { slot: value.slice(slotMark.length) }
          : { constant: value },
      ),
    }
    templates[dialect] = template
    return template
  }
  const run = (db: Executor, values: Values) => {
    // An executor with plugins (tests that inject faults) gets the query built with its values and
    // run through them, as an unprepared query would be: a plugin rewrites queries as it compiles
    // them, and a template compiled once cannot carry every executor's plugins.
    if (db.getExecutor().plugins.length > 0)
      return db.executeQuery(build(db, (name) => valueOf(values, name) as never))
    const template = templateFor(db)
    const parameters = template.parameters.map((parameter) => {
      if ('constant' in parameter) return parameter.constant
      return valueOf(values, parameter.slot)
    })
    return db.executeQuery<Row>(CompiledQuery.raw(template.sql, parameters))
  }
  return {
    execute: async (db, values) => (await run(db, values)).rows,
    executeForCount: async (db, values) => Number((await run(db, values)).numAffectedRows ?? 0),
  }
}

function valueOf(values: object, slot: string): unknown {
  const value = (values as Record<string, unknown>)[slot]
  if (value === undefined) throw new Error(`prepared query: no value for ${slot}`)
  return value
}
