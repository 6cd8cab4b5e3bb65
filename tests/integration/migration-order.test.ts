import { describe, expect, it } from 'vitest'
import { migrateToLatest } from '../../db/migrate.ts'
import { migrations } from '../../db/migrations/index.ts'
import { createTestDatabase, dialects } from '../support/databases.ts'

describe.each(dialects)('migrations on %s', (dialect) => {
  it('when a release brings a migration numbered before ones a deployment already applied, then it is applied on upgrade', async () => {
    const database = await createTestDatabase(dialect, { migrate: false })
    try {
      // The database as the release before 0003 left it: every other area's migrations applied.
      const { '0003-account-revocation': _added, ...older } = migrations
      const before = await migrateToLatest(database.database, older)
      expect(before.applied).toContain('0501-kiosk')
      expect(before.applied).not.toContain('0003-account-revocation')

      const upgrade = await migrateToLatest(database.database)
      expect(upgrade.applied).toEqual(['0003-account-revocation'])
      const columns = await database.database.db
        .selectFrom('users')
        .select('tokens_not_before')
        .execute()
      expect(columns).toEqual([])
      expect(await database.database.db.selectFrom('api_tokens').selectAll().execute()).toEqual([])
      expect((await migrateToLatest(database.database)).applied).toEqual([])
    } finally {
      await database.drop()
    }
  })
})
