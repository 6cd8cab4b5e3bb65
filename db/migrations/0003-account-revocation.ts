import type { Kysely } from 'kysely'

/**
 * Accounts can be taken away at once (issue 8 point 8): every API token issued by Brücke is
 * registered by its `jti`, so one token can be revoked by id (and the admin sees what is live);
 * `users.tokens_not_before` revokes every token of an account issued up to that instant in one
 * write, including tokens Brücke never registered.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('tokens_not_before', 'text').execute()

  await db.schema
    .createTable('api_tokens')
    .addColumn('jti', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute()
  await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute()
  // The purge removes rows whose token has expired (a revoked entry is only needed while the
  // token could still be presented).
  await db.schema.createIndex('api_tokens_expires').on('api_tokens').column('expires_at').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_tokens').execute()
  await db.schema.alterTable('users').dropColumn('tokens_not_before').execute()
}
