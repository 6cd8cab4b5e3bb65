import type { Logger } from 'pino'
import { openDatabase } from '../db/database.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { loadConsentTextLibrary } from '../templates/consent/load-consent-templates.ts'
import { scryptPasswords } from './auth/password.ts'
import { systemClock, type Clock, type Deps } from './deps.ts'
import { randomIds } from './ids.ts'
import { createRuntimeParts } from './runtime-parts.ts'
import { resolveConfig, type Config } from './runtime-config.ts'

export interface RuntimeInput {
  env: Record<string, string | undefined>
  cwd: string
  log: (config: Config) => Logger
  clock?: Clock
}

/** Resolves configuration, opens the database and applies pending migrations. */
export async function openRuntime(input: RuntimeInput): Promise<{ deps: Deps; applied: string[] }> {
  const config = resolveConfig(input.env, input.cwd)
  const database = openDatabase(config.databaseUrl)
  try {
    const { applied } = await migrateToLatest(database)
    const base = {
      config,
      database,
      db: database.db,
      clock: input.clock ?? systemClock,
      ids: randomIds,
      log: input.log(config),
      consentTexts: loadConsentTextLibrary(),
      passwords: scryptPasswords,
    }
    const deps: Deps = { ...base, ...createRuntimeParts(base) }
    return { deps, applied }
  } catch (error) {
    await database.close()
    throw error
  }
}
