import { sql, type Kysely } from 'kysely'

/**
 * § 65 SGB VIII (issue «10 — The person's side» point 5): the Jugendamt's staff mark which
 * categories were entrusted to it, any category, instead of the vocabulary deciding alone.
 * Consents made before counted exactly the vocabulary's `section65` categories when a Jugendamt
 * sent — at the time of this migration only `hilfeplan` — so that is what they keep.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('consents')
    .addColumn('entrusted_categories', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute()
  const rows = await sql<{ id: string; senders: string; categories: string }>`
    select id, senders, categories from consents where categories like '%"hilfeplan"%'
  `.execute(db)
  const jugendaemter = await sql<{ id: string }>`
    select id from agencies where kind = 'jugendamt'
  `.execute(db)
  const isJugendamt = new Set(jugendaemter.rows.map((r) => r.id))
  for (const row of rows.rows) {
    const senders = JSON.parse(row.senders) as string[]
    const categories = JSON.parse(row.categories) as string[]
    if (!categories.includes('hilfeplan') || !senders.some((s) => isJugendamt.has(s))) continue
    await sql`update consents set entrusted_categories = ${'["hilfeplan"]'} where id = ${row.id}`.execute(
      db,
    )
  }
}
