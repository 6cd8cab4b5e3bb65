import type { Kysely } from 'kysely'

/**
 * The append-only audit log (docs/design.md §3.5): entries with their chain hashes, the one-row head
 * the appender locks, and the signed checkpoints of the RFC 9162 Merkle tree.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_entries')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    // Search columns, derived from the entry; what is shown is always read from `data`.
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('agency_ids', 'text', (c) => c.notNull())
    .addColumn('subject_pseudonym', 'text')
    .addColumn('consent_id', 'text')
    .addColumn('transfer_id', 'text')
    .addColumn('decision', 'text')
    // What the chain covers: canonical bytes and the salted commitment to personal values.
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('personal', 'text')
    .addColumn('personal_salt', 'text')
    .addColumn('personal_commitment', 'text')
    .addColumn('erased_at', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('entry_hash', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('audit_entries_at').on('audit_entries').column('at').execute()
  await db.schema.createIndex('audit_entries_type').on('audit_entries').column('type').execute()
  await db.schema.createIndex('audit_entries_actor').on('audit_entries').column('actor').execute()
  await db.schema
    .createIndex('audit_entries_subject')
    .on('audit_entries')
    .column('subject_pseudonym')
    .execute()
  await db.schema
    .createIndex('audit_entries_consent')
    .on('audit_entries')
    .column('consent_id')
    .execute()
  await db.schema
    .createIndex('audit_entries_transfer')
    .on('audit_entries')
    .column('transfer_id')
    .execute()
  await db.schema
    .createIndex('audit_entries_hash')
    .on('audit_entries')
    .column('entry_hash')
    .execute()

  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .addColumn('last_hash', 'text', (c) => c.notNull())
    .execute()
  await db
    .insertInto('audit_head' as never)
    .values({ id: 1, last_seq: 0, last_hash: '0'.repeat(64) })
    .execute()

  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('tree_size', 'integer', (c) => c.primaryKey())
    .addColumn('root_hash', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    // Perfect-subtree roots at this size (JSON hex list), so the next checkpoint starts here.
    .addColumn('frontier', 'text', (c) => c.notNull())
    .execute()
}
