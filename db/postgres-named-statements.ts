import type pg from 'pg'

/**
 * Makes a pooled `pg` client prepare each parameterised statement once per connection (a named
 * statement of the extended protocol) instead of having the server parse, analyse and plan the
 * same text again on every execution — kysely sends every query as an unnamed one. The texts come
 * from kysely with the values bound as parameters, so a connection sees few distinct ones; after
 * `maxNamedPerConnection` of them (e.g. `in (…)` lists of every length) further texts run unnamed
 * as before, so neither side's memory grows without bound. Statements without parameters (BEGIN,
 * COMMIT, DDL) keep the simple protocol, one message. A named statement lives as long as its
 * connection: a new connection after a server restart prepares again.
 */
export function nameStatements(client: pg.PoolClient): void {
  const names = new Map<string, string>()
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  const named = (...args: unknown[]): unknown => {
    const [text, values, callback] = args
    if (
      typeof text === 'string' &&
      Array.isArray(values) &&
      values.length > 0 &&
      callback === undefined &&
      preparable.test(text)
    ) {
      let name = names.get(text)
      if (name === undefined && names.size < maxNamedPerConnection) {
        name = `brucke_${names.size + 1}`
        names.set(text, name)
      }
      if (name !== undefined) {
        const result = query({ name, text, values }) as Promise<unknown>
        // A table whose columns changed under a prepared `select *` (a migration on this very
        // connection) fails once with 0A000; the text is then prepared afresh under a new name.
        return result.catch((error: unknown) => {
          if ((error as { code?: unknown }).code === '0A000' && names.get(text) === name)
            names.set(text, `brucke_${names.size + 1}_${name}`)
          throw error
        })
      }
    }
    return query(...args)
  }
  // pg's query() has many overloads; only kysely's form (text, values) is rewritten.
  client.query = named as typeof client.query
}

/** Plain data statements only: never a DDL text whose plan would outlive a schema change. */
const preparable = /^\s*(select|insert|update|delete|with)\b/i

const maxNamedPerConnection = 300
