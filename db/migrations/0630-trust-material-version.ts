import { PostgresAdapter, sql, type Kysely } from 'kysely'

/**
 * The tables a received message is checked against: the validation material (trust anchors,
 * their cached CRLs, the fetched CRLs — gateway/crypto/crl-source.ts) and the registrations a
 * signer must match (agencies and their certificates).
 */
const materialTables = [
  'trust_anchors',
  'crl_cache',
  'crl_fetches',
  'agency_certificates',
  'agencies',
] as const

/**
 * A counter that every change of those tables moves on, by trigger — in the same transaction as
 * the change, whichever process or tool made it (a `brucke cert trust` beside a running `brucke
 * serve`, the CRL refresher of another instance on the same PostgreSQL, an operator's SQL). A
 * gateway keeps what it loaded with the counter it read first and reuses it while the counter
 * stands still: one small read per received message (folded into the recipient's lookup) instead
 * of the anchors, CRLs, fetches and the signer's registration each time (issue 16 point 10).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('trust_material_version')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute()
  await sql`insert into trust_material_version (id, version) values (1, 0)`.execute(db)
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // The function finds the counter in the schema it was created in, whatever the search_path
    // of the session whose change fires it (an operator's psql, another schema's tool).
    await sql`
      create function bump_trust_material_version() returns trigger language plpgsql
      set search_path from current as $$
      begin
        update trust_material_version set version = version + 1 where id = 1;
        return null;
      end $$`.execute(db)
    for (const table of materialTables)
      await sql`
        create trigger ${sql.id(`${table}_material_version`)}
        after insert or update or delete on ${sql.table(table)}
        for each statement execute function bump_trust_material_version()`.execute(db)
    return
  }
  for (const table of materialTables)
    for (const operation of ['insert', 'update', 'delete'] as const)
      await sql`
        create trigger ${sql.id(`${table}_material_version_${operation}`)}
        after ${sql.raw(operation)} on ${sql.table(table)}
        begin
          update trust_material_version set version = version + 1 where id = 1;
        end`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const table of materialTables)
      await sql`drop trigger if exists ${sql.id(`${table}_material_version`)} on ${sql.table(table)}`.execute(
        db,
      )
    await sql`drop function if exists bump_trust_material_version()`.execute(db)
  } else {
    for (const table of materialTables)
      for (const operation of ['insert', 'update', 'delete'] as const)
        await sql`drop trigger if exists ${sql.id(`${table}_material_version_${operation}`)}`.execute(
          db,
        )
  }
  await db.schema.dropTable('trust_material_version').execute()
}
